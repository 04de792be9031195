// Prints one line "userId username accessToken" for users b<from>..b<to> (seeded by lib.sh's seed_users),
// signed RS256 with the run's private key and the claims TokenService puts in (issuer chat-service, sub,
// upn, groups). Valid for 3 h: longer than any run, so no refresh is needed mid-measurement.
//   node tokens.js private.pem from to
const crypto = require('crypto');
const fs = require('fs');
const [key, from, to] = [fs.readFileSync(process.argv[2]), +process.argv[3], +process.argv[4]];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const uuidOf = (s) => { // PostgreSQL's md5(s)::uuid
  const h = crypto.createHash('md5').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const now = Math.floor(Date.now() / 1000);
const head = b64({ alg: 'RS256', typ: 'JWT' });
const out = [];
for (let i = from; i <= to; i++) {
  const id = uuidOf('b' + i);
  const body = b64({ iss: 'chat-service', sub: id, upn: 'b' + i, groups: ['user'], iat: now, exp: now + 3 * 3600,
    jti: crypto.randomUUID() });
  const sig = crypto.sign('sha256', Buffer.from(head + '.' + body), key).toString('base64url');
  out.push(`${id} b${i} ${head}.${body}.${sig}`);
}
process.stdout.write(out.join('\n') + '\n');
