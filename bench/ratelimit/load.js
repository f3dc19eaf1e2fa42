#!/usr/bin/env node
// Closed-loop HTTP load for when wrk is not installed: <conns> keep-alive connections, each
// sending the next GET as soon as the previous answer arrived, for <secs> seconds.
//   load.js <url> <cookie> <conns> <secs>   prints "req_s p50_ms p99_ms non2xx errors"
// One Node thread: it saturates well below what wrk would, so compare targets under the same
// tool only.
'use strict';
const http = require('http');
const [url, cookie, connsArg, secsArg] = process.argv.slice(2);
const conns = Number(connsArg);
const until = Date.now() + 1000 * Number(secsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const latencies = [];
let non2xx = 0;
let errors = 0;
const target = new URL(url);
function one() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get({ host: target.hostname, port: target.port, path: target.pathname, agent,
      headers: { Cookie: cookie } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
  });
}
async function loop() {
  while (Date.now() < until) await one();
}
const t0 = Date.now();
Promise.all(Array.from({ length: conns }, loop)).then(() => {
  const secs = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : -1;
  console.log(`${Math.round(latencies.length / secs)} ${at(0.5).toFixed(3)} ${at(0.99).toFixed(3)} ${non2xx} ${errors}`);
  agent.destroy();
});
