#!/usr/bin/env node
// bench/outgoing/outgoing_bench.mjs — outgoing-webhook deliveries against a local callback server.
//
//   node bench/outgoing/outgoing_bench.mjs --build DIR [--duration S] [--connections C]
//                                          [--sync full|none] [--in-flight N]
//
// Starts DIR/bin/patchbay (plugins from DIR/plugins: auth, attachments, outgoing_webhooks) with a
// fresh store, sets up over HTTP like a client (first user, login, team, town-square), then:
//   1. deliveries: C connections post "go <n>" for S seconds; one hook (trigger "go") calls a
//      callback server in this process that answers 200 with an empty body. Reports posts/s,
//      deliveries/s (callbacks received during the run and after, until all arrived or 10 s),
//      the p50/p99/max from "post acknowledged" to "callback received" (per post id), and the
//      server's RSS sampled every second (first, max, last).
//   2. a dead endpoint: a second hook (trigger "dead") calls a server that accepts and never
//      answers. Posting "dead <n>" for S seconds vs posting "quiet <n>" (fires nothing): the
//      posting throughput must not drop.
// Prints the figures with the load average (the machine is shared). Every process started here is
// stopped at exit. Needs only Node's standard library.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { apiClient, parseArgs, percentile as pct, setUpAdminTeam, startPatchbay } from '../lib/patchbay.mjs';

const args = parseArgs(process.argv.slice(2));
const build = args.build;
if (!build) {
  console.error('usage: outgoing_bench.mjs --build DIR [--duration S] [--connections C] [--sync full|none]');
  process.exit(2);
}
const duration = Number(args.duration ?? 10) * 1000;
const connections = Number(args.connections ?? 32);
const sync = args.sync ?? 'full';
const inFlight = Number(args['in-flight'] ?? 16);  // the plugin's MaxInFlightPerHook

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-outgoing-bench-'));
let server;
const cleanup = () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// ---- callback servers -------------------------------------------------------------------------
const received = new Map();  // post_id → time received (ms, performance.now())
const answering = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const m = /(?:^|&)post_id=([a-z0-9]+)/.exec(body);
    if (m) received.set(m[1], performance.now());
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  });
});
answering.keepAliveTimeout = 60000;
let deadRequests = 0;
const dead = http.createServer((req) => { deadRequests++; req.resume(); /* never answered */ });
const listen = (s) => new Promise((ok) => s.listen(0, '127.0.0.1', () => ok(s.address().port)));
const answeringPort = await listen(answering);
const deadPort = await listen(dead);

// ---- the server ------------------------------------------------------------------------------
let port;
({ server, port } = await startPatchbay({
  build, work,
  service: { OutgoingIntegrationRequestsTimeout: 30 },
  plugins: { outgoing_webhooks: { MaxInFlightPerHook: inFlight } },
  store: { SyncMode: sync },
}));
const { request, must } = apiClient(port, connections);
const { token, team, channel } = await setUpAdminTeam({ request, must });
for (const [word, p] of [['go', answeringPort], ['dead', deadPort]]) {
  await must(201, request('POST', '/api/v4/hooks/outgoing', { team_id: team, trigger_words: [word],
    callback_urls: [`http://127.0.0.1:${p}/hook`] }, token), 'POST /hooks/outgoing');
}

// ---- load ------------------------------------------------------------------------------------
const rssKb = () => {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
};
async function postFor(word, ms, acked) {
  let n = 0, failed = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const r = await request('POST', '/api/v4/posts', { channel_id: channel, message: `${word} ${n++}` }, token);
      if (r.status !== 201) { failed++; continue; }
      if (acked) acked.set(JSON.parse(r.body).id, performance.now());
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { posts: n - failed, failed, seconds: (performance.now() - t0) / 1000 };
}

// 1. deliveries
const acked = new Map();
const rss = [rssKb()];
const sampler = setInterval(() => rss.push(rssKb()), 1000);
const t0 = performance.now();
const run1 = await postFor('go', duration, acked);
const waitUntil = performance.now() + 10000;
while (received.size < acked.size && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
const deliverySeconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
rss.push(rssKb());
const lat = [];
for (const [id, t] of acked) if (received.has(id)) lat.push(Math.max(0, received.get(id) - t));
lat.sort((a, b) => a - b);

// 2. a dead endpoint does not slow posting
const quiet = await postFor('quiet', duration);
const deadRun = await postFor('dead', duration);
const metrics = JSON.parse((await request('GET', '/api/v4/outgoing_webhooks/metrics', undefined, token)).body);

const f = (x) => x.toFixed(1);
console.log(`outgoing webhooks bench — ${connections} connections, ${duration / 1000} s per run, SyncMode ${sync}, MaxInFlightPerHook ${inFlight}`);
console.log(`load average before/after: ${os.loadavg().map(f).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);
console.log(`1. posts/s with one delivery each:   ${f(run1.posts / run1.seconds)} (${run1.posts} posts, ${run1.failed} failed)`);
console.log(`   deliveries received:               ${received.size} of ${acked.size}; ${f(received.size / deliverySeconds)}/s over ${f(deliverySeconds)} s`);
console.log(`   post ack → callback received (ms): p50 ${f(pct(lat, 0.5))}  p99 ${f(pct(lat, 0.99))}  max ${f(lat.at(-1) ?? NaN)}`);
console.log(`   server RSS (MiB): start ${f(rss[0] / 1024)}  max ${f(Math.max(...rss) / 1024)}  end ${f(rss.at(-1) / 1024)}`);
console.log(`2. posts/s firing nothing:            ${f(quiet.posts / quiet.seconds)}`);
console.log(`   posts/s to a never-answering hook: ${f(deadRun.posts / deadRun.seconds)} (dead endpoint got ${deadRequests} requests; queued ${metrics.deliveries?.queued}, in flight ${metrics.deliveries?.in_flight})`);
server.kill('SIGKILL');
answering.close();
dead.close();
process.exit(0);
