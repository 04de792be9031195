-- wrk script for the read scenarios: GET $BENCH_PATH, with "Authorization: Bearer $BENCH_TOKEN" when set;
-- any status other than $BENCH_STATUS (200) counts as unexpected. Prints the same WRK line as send.lua.
local path, tok, want = os.getenv("BENCH_PATH"), os.getenv("BENCH_TOKEN"), tonumber(os.getenv("BENCH_STATUS") or "200")
local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
  bad = 0
  local hdr = {}
  if tok and tok ~= "" then hdr["Authorization"] = "Bearer " .. tok end
  req = wrk.format("GET", path, hdr)
end

function request() return req end

function response(status, headers, body)
  if status ~= want then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("WRK %d %.3f %.2f %.2f %.2f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, b,
    e.connect + e.read + e.write + e.timeout))
end
