// Push load client for the fan-out and connection scenarios: WebSocket subscribers spread over several
// worker processes (a process may hold at most 20,000 open files here), and one open-loop publisher.
// No load tool measures send-to-receive latency of a WebSocket push, hence this small client. It drives
// the chat service (POST /api/rooms/{id}/messages, members on /ws) and nginx+nchan (POST /pub?id=, WebSocket
// /sub?id=) with the same rooms, subscribers, rates and payload size, one after the other in the same run.
//
//   node push.js --targets service,nchan --rooms 1 --members 1000 --rate 200 --seconds 10 --runs 3 \
//        --tokens tokens.txt --ws http://127.0.0.1:8199[,http://127.0.0.1:8299] --nchan http://127.0.0.1:8399 \
//        [--procs 2] [--pids 123,456] [--nchan-pids 7,8] [--burst] [--label x] [--tsv file] [--tag t --first 1]
//        [--hold 60] [--single-first]
//
// Users: b0 owns and sends into every room and has no socket; room r (id md5('room-<tag>f<r>')) has members
// b<first + r*members> .. b<first - 1 + (r+1)*members>, one socket each (lib.sh seeds them, tokens.js mints the tokens).
// Latency: each message carries process.hrtime (CLOCK_MONOTONIC, the same clock in every process of the
// machine) taken when the publisher issues it at its scheduled time, so a backlog on the server side is
// counted (open loop: sends are paced by the clock, not by answers). A receiver subtracts it on arrival.
// --burst: instead of a paced stream, one message into every room at once (the connections scenario).
// --single-first: with --burst, the first run sends one message into the first room only (how long one
// message takes to reach all members of a room, with every subscriber connected), the later runs as above.
// --hold s: with every subscriber connected and the server settled, wait s seconds before sending (prints
// "holding" to stderr first), e.g. for a heap histogram of the connected server (jcmd PID GC.class_histogram).
'use strict';
const { fork } = require('child_process');
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const now = () => process.hrtime.bigint();
const uuidOf = (s) => {
  const h = crypto.createHash('md5').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const MARK = /@(\d+):(\d+)@/;

// ------------------------------------------------------------------------------------------ worker side
// Log-spaced latency histogram: bucket i holds [1.02^i, 1.02^(i+1)) microseconds, 2% resolution.
const bucketOf = (us) => (us < 1 ? 0 : Math.floor(Math.log(us) / Math.log(1.02)));

function worker() {
  const WebSocket = require('ws');
  const runs = new Map(); // run -> {n, hist: Map, bytes}
  let ready = 0, closed = 0, failed = 0;
  const readyByRoom = {};
  const socks = [];
  const stat = (run) => { let s = runs.get(run); if (!s) { s = { n: 0, bytes: 0, hist: {} }; runs.set(run, s); } return s; };
  const onFrame = (data) => {
    const t = now();
    const str = data.toString();
    const m = MARK.exec(str);
    if (!m) return;
    const s = stat(+m[1]);
    s.n++;
    s.bytes += data.length;
    const b = bucketOf(Number(t - BigInt(m[2])) / 1000);
    s.hist[b] = (s.hist[b] || 0) + 1;
  };
  process.on('message', (msg) => {
    if (msg.cmd === 'connect') {
      let i = 0, inflight = 0;
      const subs = msg.subs;
      const next = () => {
        while (inflight < 64 && i < subs.length) {
          const sub = subs[i++];
          inflight++;
          const ws = new WebSocket(sub.url, { headers: sub.token ? { Authorization: 'Bearer ' + sub.token } : {},
            perMessageDeflate: false });
          socks.push(ws);
          let counted = false;
          const up = () => { if (!counted) { counted = true; ready++; readyByRoom[sub.room] = (readyByRoom[sub.room] || 0) + 1; inflight--; next(); } };
          if (sub.token) ws.on('message', (d) => { if (!counted && d.toString().includes('"type":"ready"')) up(); else onFrame(d); });
          else { ws.on('open', up); ws.on('message', onFrame); }
          ws.on('close', () => { if (counted) closed++; else { failed++; inflight--; next(); } });
          ws.on('error', () => {});
        }
        if (ready + failed === subs.length) process.send({ cmd: 'connected', ready, failed, readyByRoom });
      };
      next();
      if (subs.length === 0) process.send({ cmd: 'connected', ready, failed, readyByRoom });
    } else if (msg.cmd === 'stats') {
      const s = stat(msg.run);
      process.send({ cmd: 'stats', run: msg.run, n: s.n, bytes: s.bytes, hist: s.hist, closed });
    } else if (msg.cmd === 'close') {
      for (const ws of socks) ws.terminate();
      setTimeout(() => process.exit(0), 200);
    }
  });
}

// ------------------------------------------------------------------------------------------ parent side
function opts() {
  const o = { targets: 'service,nchan', rooms: 1, members: 1000, rate: 100, seconds: 10, runs: 1, procs: 2,
    tag: '', first: 1, hold: 0, ws: 'http://127.0.0.1:8199', nchan: 'http://127.0.0.1:8399', pids: '', 'nchan-pids': '', label: '', tsv: '' };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i].replace(/^--/, '');
    if (k === 'burst') o.burst = true;
    else if (k === 'single-first') o.singleFirst = true;
    else o[k] = a[++i];
  }
  for (const k of ['rooms', 'members', 'rate', 'seconds', 'runs', 'procs', 'first', 'hold']) o[k] = +o[k];
  for (const u of [...o.ws.split(','), o.nchan])
    if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(u)) throw new Error('refusing a non-local target ' + u);
  return o;
}

const ticks = (pids) => pids.filter(Boolean).reduce((t, p) => {
  try { const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' '); return t + +f[11] + +f[12]; }
  catch { return t; }
}, 0);
const pct = (hist, q) => {
  const keys = Object.keys(hist).map(Number).sort((x, y) => x - y);
  const total = keys.reduce((t, k) => t + hist[k], 0);
  let acc = 0;
  for (const k of keys) { acc += hist[k]; if (acc >= q * total) return Math.pow(1.02, k + 0.5) / 1000; }
  return NaN;
};

async function main() {
  const o = opts();
  const tokens = fs.readFileSync(o.tokens, 'utf8').trim().split('\n').map((l) => l.split(' '));
  const wsBases = o.ws.split(',');
  const postBase = new URL(wsBases[0]);
  const nchan = new URL(o.nchan);
  const rooms = [...Array(o.rooms).keys()].map((r) => uuidOf('room-' + o.tag + 'f' + r));
  const sender = tokens[0][2];
  let agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const workers = [...Array(o.procs).keys()].map(() => fork(__filename, ['worker'], { stdio: 'inherit' }));
  const ask = (w, msg, reply) => new Promise((res) => {
    const h = (m) => { if (m.cmd === reply) { w.off('message', h); res(m); } };
    w.on('message', h);
    w.send(msg);
  });
  const results = [];
  let run = 0;
  // A frame of the size and shape of the service's message.created, for nchan to carry.
  const fakeFrame = (room, text) => JSON.stringify({ type: 'message.created', roomId: room, seq: 1, at: new Date().toISOString(),
    data: { id: crypto.randomUUID(), roomId: room, seq: 1, senderId: tokens[0][0], body: text, clientMessageId: null,
      replyToId: null, createdAt: new Date().toISOString(), editedAt: null, deleted: false } });

  for (const target of o.targets.split(',')) {
    // subscribers: member k of room r, round-robin over the worker processes (and over instances for the service)
    const subs = workers.map(() => []);
    let n = 0;
    for (let r = 0; r < o.rooms; r++) {
      for (let k = 0; k < o.members; k++, n++) {
        const u = o.first + r * o.members + k;
        const sub = target === 'service'
          ? { url: wsBases[n % wsBases.length].replace(/^http/, 'ws') + '/ws', token: tokens[u][2], room: r }
          : { url: `ws://${nchan.host}/sub?id=${rooms[r]}`, room: r };
        subs[n % workers.length].push(sub);
      }
    }
    const c0 = Date.now();
    const conn = await Promise.all(workers.map((w, i) => ask(w, { cmd: 'connect', subs: subs[i] }, 'connected')));
    const ready = conn.reduce((t, c) => t + c.ready, 0);
    // expected deliveries count only the subscribers that did connect (a failed upgrade is reported apart)
    const readyIn = new Array(o.rooms).fill(0);
    for (const c of conn) for (const [r, k] of Object.entries(c.readyByRoom)) readyIn[+r] += k;
    const connectS = (Date.now() - c0) / 1000;
    console.error(`   ${target}: ${ready}/${n} subscribers connected in ${connectS.toFixed(1)} s`);
    // Let the server finish what connecting caused (presence announcements to room-mates) before measuring.
    await settle(target === 'service' ? o.pids : o['nchan-pids']);
    const pids = (target === 'service' ? o.pids : o['nchan-pids']).split(',').map(Number);
    // resident memory of the target's processes with every subscriber connected and the server settled
    const rssKB = pids.map((p) => { try { return +/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))[1]; } catch { return 0; } });
    if (o.hold) {
      console.error(`   holding ${o.hold} s with ${ready} subscribers connected`);
      await sleep(o.hold * 1000);
    }

    for (let i = 0; i < o.runs; i++) {
      run++;
      const cpu0 = ticks(pids);
      let sent = 0, ok = 0, fail = 0, done = 0, expected = 0;
      const failCodes = {};
      const postLat = [];
      const send = (r) => {
        const t0 = now();
        const text = `fan ${'x'.repeat(60)} @${run}:${t0}@`;
        const room = rooms[r];
        const payload = target === 'service' ? JSON.stringify({ body: text }) : fakeFrame(room, text);
        const req = http.request({ agent, host: target === 'service' ? postBase.hostname : nchan.hostname,
          port: target === 'service' ? postBase.port : nchan.port, method: 'POST',
          path: target === 'service' ? `/api/rooms/${room}/messages` : `/pub?id=${room}`,
          headers: Object.assign({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
            target === 'service' ? { Authorization: 'Bearer ' + sender } : {}) }, (res) => {
          res.resume();
          res.on('end', () => {
            done++;
            if (res.statusCode >= 200 && res.statusCode < 300) { ok++; expected += readyIn[r]; postLat.push(Number(now() - t0) / 1e6); }
            else { fail++; failCodes[res.statusCode] = (failCodes[res.statusCode] || 0) + 1; }
          });
        });
        req.on('error', () => { done++; fail++; failCodes.error = (failCodes.error || 0) + 1; });
        req.end(payload);
        sent++;
      };
      const tStart = now();
      if (o.burst) {
        const burstRooms = o.singleFirst && i === 0 ? 1 : o.rooms;
        for (let r = 0; r < burstRooms; r++) send(r);
      } else {
        // open loop: every millisecond, send what the clock says is due, whatever the answers
        await new Promise((res) => {
          const total = Math.round(o.rate * o.seconds);
          const iv = setInterval(() => {
            const due = Math.min(total, Math.floor(Number(now() - tStart) / 1e9 * o.rate));
            while (sent < due) send(sent % o.rooms);
            if (sent >= total) { clearInterval(iv); res(); }
          }, 1);
        });
      }
      const sendS = Number(now() - tStart) / 1e9;
      const deadline = Date.now() + 30000;
      while (done < sent && Date.now() < deadline) await sleep(20);
      // drain: until nothing more arrives for 1 s (10 s at most after the last answer)
      let last = -1, stats;
      const drainEnd = Date.now() + 10000;
      for (;;) {
        stats = await Promise.all(workers.map((w) => ask(w, { cmd: 'stats', run }, 'stats')));
        const got = stats.reduce((t, s) => t + s.n, 0);
        if (got === last || Date.now() > drainEnd) break;
        last = got;
        await sleep(o.burst ? 200 : 1000);
      }
      const elapsed = Number(now() - tStart) / 1e9 - (o.burst ? 0 : 1); // minus the quiet second of the drain
      if (done < sent) {
        // Saturated: sends still unanswered 30 s after the window. Drop them (close the sockets) and let the
        // server work off what it already accepted, so that the next run does not queue behind this one.
        agent.destroy();
        agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
        await settle(pids.join(','));
      }
      const hist = {};
      let got = 0, bytes = 0, closed = 0;
      for (const s of stats) {
        got += s.n; bytes += s.bytes; closed += s.closed;
        for (const [k, v] of Object.entries(s.hist)) hist[k] = (hist[k] || 0) + v;
      }
      postLat.sort((x, y) => x - y);
      const row = { label: o.label, target, rooms: o.rooms, members: o.members, rate: o.rate, run: i + 1, sent, ok, fail, failCodes,
        expected, got, missing: expected - got, closed,
        perS: got / Math.max(elapsed, sendS), p50: pct(hist, 0.5), p99: pct(hist, 0.99), max: pct(hist, 1),
        postP50: postLat[Math.floor(postLat.length / 2)] || NaN, frameBytes: got ? Math.round(bytes / got) : 0,
        cpu: (ticks(pids) - cpu0) / 100 / Math.max(elapsed, sendS), connectS, ready, subscribers: n, rssKB };
      results.push(row);
      console.error(`   ${target} run ${i + 1}: ${JSON.stringify(row)}`);
      if (o.tsv) fs.appendFileSync(o.tsv, [o.label, target, o.rooms, o.members, o.rate, i + 1, row.perS.toFixed(0),
        row.p50.toFixed(2), row.p99.toFixed(2), row.missing, row.cpu.toFixed(2)].join('\t') + '\n');
    }
    await Promise.all(workers.map((w) => { w.send({ cmd: 'close' }); return sleep(300); }));
    workers.splice(0, workers.length, ...[...Array(o.procs).keys()].map(() => fork(__filename, ['worker'], { stdio: 'inherit' })));
  }
  for (const w of workers) w.send({ cmd: 'close' });
  process.stdout.write(JSON.stringify(results) + '\n');
  setTimeout(() => process.exit(0), 500);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until the given processes use less than 10% of a core over half a second (at most 60 s).
async function settle(pidList) {
  const pids = pidList.split(',').map(Number).filter(Boolean);
  if (!pids.length) return;
  const end = Date.now() + 60000;
  while (Date.now() < end) {
    const t0 = ticks(pids);
    await sleep(500);
    if (ticks(pids) - t0 <= 5) return;
  }
  console.error('   (server still busy after 60 s of settling)');
}

if (process.argv[2] === 'worker') worker(); else main().catch((e) => { console.error(e); process.exit(1); });
