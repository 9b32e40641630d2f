// bench/outgoing/callback_worker.mjs — the callback endpoints of outgoing_bench.mjs, on a worker
// thread of their own so that receiving 5,000 callbacks/s does not queue behind the thread that
// issues the posts (and so the receive time is taken when the request arrives, not when that
// thread gets round to it).
//
// Two servers on 127.0.0.1: "answering" (200, empty body; records post_id → receive time) and
// "dead" (accepts, reads, never answers). Messages to the parent:
//   { ports: { answering, dead } }                once listening;
//   { receipts: [id, t, id, t, ...], dead: n, connections: n }  every 50 ms while there are
//                                                 any (connections: accepted by "answering");
// and on { stop: true } it closes both servers and exits. Times are process.hrtime in ms, the
// monotonic clock the parent thread reads too.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
let receipts = [];
let deadRequests = 0;

const answering = http.createServer((req, res) => {
  const t = nowMs();
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const m = /(?:^|&)post_id=([a-z0-9]+)/.exec(body);
    if (m) receipts.push(m[1], t);
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  });
});
answering.keepAliveTimeout = 60000;
let connections = 0;  // TCP connections patchbay opened to the answering server (keep-alive reuse)
answering.on('connection', () => { connections++; });
const dead = http.createServer((req) => { deadRequests++; req.resume(); /* never answered */ });

const listen = (s) => new Promise((ok) => s.listen(0, '127.0.0.1', () => ok(s.address().port)));
const ports = { answering: await listen(answering), dead: await listen(dead) };
parentPort.postMessage({ ports });

let lastDead = 0;
const flush = setInterval(() => {
  if (receipts.length === 0 && deadRequests === lastDead) return;
  parentPort.postMessage({ receipts, dead: deadRequests, connections });
  receipts = [];
  lastDead = deadRequests;
}, 50);

parentPort.on('message', (m) => {
  if (!m.stop) return;
  clearInterval(flush);
  parentPort.postMessage({ receipts, dead: deadRequests, connections, stopped: true });
  answering.closeAllConnections?.();
  dead.closeAllConnections?.();
  answering.close();
  dead.close();
  parentPort.close();
});
