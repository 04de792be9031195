-- wrk script for the send scenario: each wrk thread (run with as many threads as connections) is one sender
-- with its own token and room, read from the file $BENCH_TOKENS, line <thread number>: "token roomId".
-- Prints one line "WRK requests seconds p50_ms p99_ms max_ms unexpected_status socket_errors".
-- BENCH_RATE (msg/s for all threads together, with BENCH_THREADS threads): each thread waits
-- threads/rate seconds between an answer and its next send (wrk's delay()): a paced load below saturation.
local lines = {}
for l in io.lines(os.getenv("BENCH_TOKENS")) do lines[#lines + 1] = l end
local threads, n = {}, 0

function setup(thread)
  n = n + 1
  thread:set("id", n)
  table.insert(threads, thread)
end

function init(args)
  local tok, room = lines[id]:match("(%S+) (%S+)")
  path = "/api/rooms/" .. room .. "/messages"
  hdr = { ["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json" }
  k, bad = 0, 0
end

local rate, nthreads = tonumber(os.getenv("BENCH_RATE") or "0"), tonumber(os.getenv("BENCH_THREADS") or "1")
if rate > 0 then
  function delay() return 1000 * nthreads / rate end
end

function request()
  k = k + 1
  return wrk.format("POST", path, hdr, '{"body":"bench ' .. id .. '-' .. k .. ' lorem ipsum dolor sit amet"}')
end

function response(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("WRK %d %.3f %.2f %.2f %.2f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, b,
    e.connect + e.read + e.write + e.timeout))
end
