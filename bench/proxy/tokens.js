#!/usr/bin/env node
// Signing key and RS256 access tokens for the benchmarks, shaped like the auth service's own
// (RFC 9068: header alg RS256, typ at+jwt, kid; claims iss aud sub sid jti iat nbf exp roles).
//
//   tokens.js keys <dir>                  RSA-2048 key pair in <dir>: private.pem, public.pem
//                                         (HAProxy jwt_verify) and jwks.json (served to the
//                                         gateway and the Spring peer); kept if present
//   tokens.js mint <dir> [count] [ttl-s]  prints <count> (default 1) distinct valid tokens,
//                                         one a line, valid for <ttl-s> (default 7200) seconds
//   tokens.js expired <dir>               prints one expired token (for the sanity checks)
//   tokens.js mint-sid <dir> <sid>        prints one valid token (2 h) of session <sid>, e.g. one
//                                         the revocation feed stub (feed.js) revoked
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [cmd, dir, countArg = '1', ttlArg = '7200'] = process.argv.slice(2);
if (!['keys', 'mint', 'expired', 'mint-sid'].includes(cmd) || !dir) {
  process.stderr.write('usage: tokens.js keys|mint|expired <dir> [count] [ttl-seconds] | mint-sid <dir> <sid>\n');
  process.exit(2);
}
const b64u = (b) => Buffer.from(b).toString('base64url');
const privFile = path.join(dir, 'private.pem');

if (cmd === 'keys') {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(privFile)) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(privFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const jwk = publicKey.export({ format: 'jwk' });
    const kid = 'bench-' + crypto.createHash('sha256').update(jwk.n).digest('base64url').slice(0, 16);
    const jwks = { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e }] };
    fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify(jwks));
  }
  process.exit(0);
}

const key = crypto.createPrivateKey(fs.readFileSync(privFile));
const kid = JSON.parse(fs.readFileSync(path.join(dir, 'jwks.json'), 'utf8')).keys[0].kid;
const header = b64u(JSON.stringify({ kid, typ: 'at+jwt', alg: 'RS256' }));
const now = Math.floor(Date.now() / 1000);

function token(exp, sid = crypto.randomUUID()) {
  const claims = {
    iss: 'portcullis', aud: 'portcullis', sub: crypto.randomUUID(), sid,
    jti: crypto.randomUUID(), iat: now, nbf: now, exp, roles: ['user'],
  };
  const input = header + '.' + b64u(JSON.stringify(claims));
  return input + '.' + b64u(crypto.sign('sha256', Buffer.from(input), key));
}

if (cmd === 'expired') {
  process.stdout.write(token(now - 3600) + '\n');
} else if (cmd === 'mint-sid') {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(countArg)) {
    process.stderr.write('mint-sid needs a session id (UUID)\n'); process.exit(2);
  }
  process.stdout.write(token(now + 7200, countArg.toLowerCase()) + '\n');
} else {
  const count = parseInt(countArg, 10), ttl = parseInt(ttlArg, 10);
  if (!(count > 0) || !(ttl > 0)) { process.stderr.write('count and ttl must be positive\n'); process.exit(2); }
  const out = [];
  for (let i = 0; i < count; i++) out.push(token(now + ttl));
  process.stdout.write(out.join('\n') + '\n');
}
