#!/usr/bin/env node
// A stand-in for the auth service's revocation feed (contract: dev.portcullis.contract.revocation
// .RevocationFeed), so the gateway can be benchmarked holding a denylist of a chosen size
// without the auth service and PostgreSQL. No npm dependencies.
//
//   feed.js <port> <count> [lifetime-s] [subjects-file]
//
//   Listens on 127.0.0.1:<port>. GET /internal/revocations?after=<id> with
//   "Authorization: Bearer <secret>" (the secret comes from the environment, BENCH_FEED_SECRET;
//   401 without it) answers text/event-stream: the <count> synthetic `session` revocations with
//   an id above `after` (ids 1..count, random UUID subjects fixed at start, so a reconnection's
//   replay is the same events), then a `heartbeat` right away and every 5 s. Each revocation's
//   `until` is 2 h after start, or the lifetime if longer, so the gateway holds every entry for
//   as long as this feed runs. Exits by itself after <lifetime-s> seconds (default 10800 = 3 h).
//   With [subjects-file], writes the revoked session ids there, one a line (for a token whose
//   session is revoked: tokens.js mint-sid).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

const PATH = '/internal/revocations';
const HEARTBEAT_MS = 5000;
const [portArg, countArg, lifetimeArg = '10800', subjectsFile] = process.argv.slice(2);
const port = parseInt(portArg, 10), count = parseInt(countArg, 10), lifetime = parseInt(lifetimeArg, 10);
const secret = process.env.BENCH_FEED_SECRET || '';
if (!(port > 0) || !(count >= 0) || !(lifetime > 0) || !secret) {
  process.stderr.write('usage: BENCH_FEED_SECRET=<secret> feed.js <port> <count> [lifetime-s] [subjects-file]\n');
  process.exit(2);
}

const started = Date.now();
const until = started + Math.max(2 * 3600, lifetime) * 1000;
const subjects = Array.from({ length: count }, () => crypto.randomUUID());
if (subjectsFile) fs.writeFileSync(subjectsFile, subjects.length ? subjects.join('\n') + '\n' : '');
const expected = 'Bearer ' + secret;
const log = (msg) => process.stdout.write(new Date().toISOString() + ' ' + msg + '\n');

const streams = new Set();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname !== PATH) { res.writeHead(404).end(); return; }
  if (req.method !== 'GET') { res.writeHead(405, { Allow: 'GET' }).end(); return; }
  const auth = Buffer.from(req.headers.authorization || '');
  if (auth.length !== Buffer.byteLength(expected) || !crypto.timingSafeEqual(auth, Buffer.from(expected))) {
    log('401 for ' + req.socket.remoteAddress + ':' + req.socket.remotePort);
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
    return;
  }
  const after = Math.max(0, parseInt(url.searchParams.get('after') || '0', 10) || 0);
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  const chunks = [];
  for (let id = after + 1; id <= count; id++) {
    const data = { id, kind: 'session', subject: subjects[id - 1], at: started, until };
    chunks.push('id: ' + id + '\nevent: revocation\ndata: ' + JSON.stringify(data) + '\n\n');
  }
  const heartbeat = () => res.write('event: heartbeat\ndata: ' + JSON.stringify({ lastId: count, at: Date.now() }) + '\n\n');
  if (chunks.length) res.write(chunks.join(''));
  heartbeat();
  const timer = setInterval(heartbeat, HEARTBEAT_MS);
  streams.add(res);
  log('stream opened after=' + after + ': ' + Math.max(0, count - after) + ' revocation(s) sent');
  res.on('close', () => { clearInterval(timer); streams.delete(res); log('stream closed'); });
});
server.listen(port, '127.0.0.1', () => log('revocation feed stub on 127.0.0.1:' + port + PATH + ', ' + count
  + ' revocation(s), exits after ' + lifetime + ' s'));

function shutdown(why) {
  log('stopping: ' + why);
  server.close();
  for (const res of streams) res.destroy();
  setTimeout(() => process.exit(0), 200).unref();
}
setTimeout(() => shutdown('lifetime of ' + lifetime + ' s reached'), lifetime * 1000).unref();
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
