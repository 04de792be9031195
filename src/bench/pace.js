// Open-loop sender for the paced row of send.sh: POST /api/rooms/{id}/messages at a constant total rate,
// whatever the answers, spread round-robin over the senders of a tokens file (lines "token roomId", one per
// sender, as send.lua reads them). A send's latency runs from the moment the clock said it was due, not
// from when it went out, so a server that falls behind shows it in p99 instead of lowering the rate (wrk's
// delay() waits after each answer, which measured the answers' pace rather than the target's).
//
//   node pace.js http://127.0.0.1:8199 tokens.txt <msg/s> <seconds>
// Prints "WRK answered seconds p50_ms p99_ms max_ms unexpected_status socket_errors" (send.lua's line), where
// answered counts the sends due within the window that were answered within 10 s after it.
'use strict';
const http = require('http');
const fs = require('fs');

const [base, file, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg), seconds = Number(secondsArg);
const url = new URL(base);
const senders = fs.readFileSync(file, 'utf8').trim().split('\n').map((l, i) => {
  const [token, room] = l.trim().split(/\s+/);
  // one keep-alive agent per sender: its own connection(s), as wrk's; a second one opens only if a send is due
  // while the last is still unanswered
  return { i: i + 1, token, path: `/api/rooms/${room}/messages`, agent: new http.Agent({ keepAlive: true }), k: 0 };
});

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms, CLOCK_MONOTONIC
const lat = [];
let bad = 0, errors = 0, outstanding = 0, issued = 0;

function send(dueAt) {
  const s = senders[issued % senders.length];
  issued++;
  s.k++;
  const body = `{"body":"bench ${s.i}-${s.k} lorem ipsum dolor sit amet"}`;
  outstanding++;
  const req = http.request({ host: url.hostname, port: url.port, path: s.path, method: 'POST', agent: s.agent,
    headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
  (res) => {
    res.resume();
    res.on('end', () => {
      outstanding--;
      if (res.statusCode !== 201) bad++;
      lat.push(now() - dueAt);
    });
  });
  req.on('error', () => { outstanding--; errors++; });
  req.end(body);
}

const start = now() + 50;
const total = Math.floor(rate * seconds);
function tick() {
  const t = now();
  // every send whose time has come, each stamped with its own due time
  while (issued < total && start + (issued * 1000) / rate <= t) send(start + (issued * 1000) / rate);
  if (issued < total) setTimeout(tick, 1);
  else finish(t);
}
function finish(endedAt) {
  const poll = setInterval(() => {
    if (outstanding > 0 && now() - endedAt < 10000) return;
    clearInterval(poll);
    lat.sort((a, b) => a - b);
    const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil((lat.length * p) / 100) - 1)] : NaN);
    console.log(`WRK ${lat.length} ${seconds.toFixed(3)} ${q(50).toFixed(2)} ${q(99).toFixed(2)} ${q(100).toFixed(2)} ${bad} ${errors + outstanding}`);
    process.exit(0);
  }, 20);
}
setTimeout(tick, 50);
