#!/usr/bin/env node
// Upstream and JWKS stub for the rate-limit benchmark, on 127.0.0.1 only:
//   stub.js <port> <jwks.json>   GET /jwks.json -> the key set; /internal/* (the revocation feed,
//                                which the benchmark does without) -> 404; anything else -> 200 {"ok":true}
// Exits by itself after BENCH_STUB_LIFETIME seconds (default 3600).
'use strict';
const http = require('http');
const fs = require('fs');
const [port, jwksFile] = process.argv.slice(2);
const jwks = fs.readFileSync(jwksFile);
const body = Buffer.from('{"ok":true}');
http.createServer((req, res) => {
  req.resume();
  if (req.url.endsWith('/jwks.json')) {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': jwks.length });
    res.end(jwks);
    return;
  }
  if (req.url.startsWith('/internal/')) {
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}).listen(Number(port), '127.0.0.1');
setTimeout(() => process.exit(0), 1000 * Number(process.env.BENCH_STUB_LIFETIME || 3600)).unref();
