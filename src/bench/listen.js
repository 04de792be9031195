// One WebSocket member that counts the message.created frames it receives, so that the send scenario's
// messages are really fanned out to a connected member (the service does that work on every send).
//   node listen.js ws://127.0.0.1:8199/ws <accessToken> <count file>
// Writes the count to the file on SIGTERM; prints "ready" once the server's ready frame arrived.
'use strict';
const WebSocket = require('ws');
const fs = require('fs');
const [url, token, file] = process.argv.slice(2);
let n = 0;
const ws = new WebSocket(url, { headers: { Authorization: 'Bearer ' + token }, perMessageDeflate: false });
ws.on('message', (d) => {
  const s = d.toString();
  if (s.includes('"type":"message.created"')) n++;
  else if (s.includes('"type":"ready"')) console.log('ready');
});
ws.on('close', (code) => { console.error('listener closed ' + code); });
ws.on('error', (e) => console.error('listener: ' + e.message));
process.on('SIGTERM', () => { fs.writeFileSync(file, String(n)); process.exit(0); });
