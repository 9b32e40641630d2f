#!/usr/bin/env node
// bench/outgoing/outgoing_bench.mjs — outgoing-webhook deliveries against a local callback server.
//
//   node bench/outgoing/outgoing_bench.mjs --build DIR [--duration S] [--connections C]
//        [--rate R] [--phase all|deliveries|dead] [--rss-every S] [--sync full|none]
//        [--in-flight N] [--max-queued N] [--max-backlog N] [--native [BIN]]
//
// Starts DIR/bin/patchbay (plugins from DIR/plugins: auth, attachments, outgoing_webhooks) with a
// fresh store, sets up over HTTP like a client (first user, login, team, town-square), then:
//   1. deliveries: posts "go <n>" for S seconds; one hook (trigger "go") calls the answering
//      callback server (callback_worker.mjs, its own thread), which answers 200 with an empty
//      body. Reports posts/s, deliveries received, latencies, and the server's RSS.
//   2. a dead endpoint: a second hook (trigger "dead") calls a server that accepts and never
//      answers. Posting "quiet <n>" (fires nothing) for S seconds, then "dead <n>" for S seconds:
//      posting must not slow down.
// Two ways to load it:
//   - closed loop (default): C connections post back to back, flat out. Measures the maximum
//     throughput; latencies then include the queueing that saturation causes by construction.
//   - open loop (--rate R): post i is scheduled at start + i/R, issued on time over at most C
//     connections whatever the earlier posts are doing (a post waits for a free connection when
//     all C are busy). Latencies are taken from the scheduled time, so a stall of the server
//     shows in every post scheduled during it (no coordinated omission). The issuer's own lag
//     behind the schedule is reported: when it is large, the load generator, not the server,
//     was the limit. With more than --max-backlog posts (default 10000) unanswered the rate is
//     not sustainable: issuing stops there and the run says so (rather than queue for minutes).
// Latencies reported: scheduled (closed loop: sent) → acknowledged (201 read), acknowledged →
// callback received (the "p99 ≤ 20 ms"; a callback can arrive before the 201 is read:
// counted as 0), and scheduled → callback received. RSS is sampled every --rss-every seconds
// (default 1) and printed as a series, with its anonymous part (the heap; the rest is mostly
// the store's mapped file, which grows with the posts stored), and the server's CPU time per
// post. Prints the load average with the figures (the machine is shared). Every process
// started here is stopped at exit. Node's standard library only.
//
// --native [BIN]: the deliveries phase is run by the native load tool (BIN, default
// DIR/bin/outgoing_load; bench/CMakeLists.txt builds it) instead of this script: the same
// open/closed loop and the same figures, at a fraction of the CPU, with its own callback server
// on a port picked here. This script still starts and sets up patchbay (and runs the dead phase).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { apiClient, parseArgs, percentile as pct, setUpAdminTeam, startPatchbay } from '../lib/patchbay.mjs';

const args = parseArgs(process.argv.slice(2));
const build = args.build;
if (!build) {
  console.error('usage: outgoing_bench.mjs --build DIR [--duration S] [--connections C] [--rate R] ' +
                '[--phase all|deliveries|dead] [--rss-every S] [--sync full|none] [--in-flight N] [--max-queued N] [--max-backlog N] ' +
                '[--native [BIN]]');
  process.exit(2);
}
const duration = Number(args.duration ?? 10) * 1000;
const connections = Number(args.connections ?? 32);
const rate = args.rate ? Number(args.rate) : 0;  // 0: closed loop
const phase = args.phase ?? 'all';
const rssEvery = Number(args['rss-every'] ?? 1) * 1000;
const sync = args.sync ?? 'full';
const inFlight = Number(args['in-flight'] ?? 16);  // the plugin's MaxInFlightPerHook
const maxQueued = Number(args['max-queued'] ?? 1000);  // the plugin's MaxQueuedPerHook
// Open loop: more posts than this unanswered means the rate is not sustained; issuing stops.
const maxBacklog = Number(args['max-backlog'] ?? 10000);
const native = args.native === undefined ? null
  : (args.native === '1' ? path.join(build, 'bin', 'outgoing_load') : args.native);

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;  // the clock the worker reads too
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-outgoing-bench-'));
let server;
const cleanup = () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// ---- callback servers (worker thread) and matching receipts to acknowledged posts -----------
const lat = { ackToCb: [], schedToCb: [] };
const awaiting = new Map();  // post id → { sched, ack }, acknowledged, callback not yet seen
const early = new Map();     // post id → receive time, callback seen before the 201 was read
let received = 0;
let deadRequests = 0;
let callbackConnections = 0;
const record = (a, t) => {
  received++;
  lat.ackToCb.push(Math.max(0, t - a.ack));
  lat.schedToCb.push(t - a.sched);
};
const onAck = (id, sched, ack) => {
  const t = early.get(id);
  if (t === undefined) {
    awaiting.set(id, { sched, ack });
  } else {
    early.delete(id);
    record({ sched, ack }, t);
  }
};
const worker = new Worker(new URL('./callback_worker.mjs', import.meta.url));
const ports = await new Promise((ok) => worker.once('message', (m) => ok(m.ports)));
let stopped;
const workerStopped = new Promise((ok) => { stopped = ok; });
worker.on('message', (m) => {
  const r = m.receipts ?? [];
  for (let i = 0; i < r.length; i += 2) {
    const a = awaiting.get(r[i]);
    if (a) {
      awaiting.delete(r[i]);
      record(a, r[i + 1]);
    } else {
      early.set(r[i], r[i + 1]);
    }
  }
  if (m.dead !== undefined) deadRequests = m.dead;
  if (m.connections !== undefined) callbackConnections = m.connections;
  if (m.stopped) stopped();
});

// ---- the server ------------------------------------------------------------------------------
let port;
({ server, port } = await startPatchbay({
  build, work,
  service: { OutgoingIntegrationRequestsTimeout: 30 },
  plugins: { outgoing_webhooks: { MaxInFlightPerHook: inFlight, MaxQueuedPerHook: maxQueued } },
  store: { SyncMode: sync },
}));
const { request, must } = apiClient(port, connections);
const { token, team, channel } = await setUpAdminTeam({ request, must });
// A free loopback port for the native tool's callback server (it listens there once started;
// nothing is delivered before it posts).
const freePort = () => new Promise((ok) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});
const nativePort = native ? await freePort() : 0;
for (const [word, p] of [['go', native ? nativePort : ports.answering], ['dead', ports.dead]]) {
  await must(201, request('POST', '/api/v4/hooks/outgoing', { team_id: team, trigger_words: [word],
    callback_urls: [`http://127.0.0.1:${p}/hook`] }, token), 'POST /hooks/outgoing');
}

// ---- load ------------------------------------------------------------------------------------
// VmRSS, and its anonymous part (RssAnon: heap and stacks). The rest is mostly LMDB's mapped
// file, which grows with every post stored: that is data, not a leak, so "flat" is judged on
// RssAnon.
const rssKb = () => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
};
// The server's CPU time so far (user + system, ms), from /proc/PID/stat (clock ticks of 10 ms).
const cpuMs = () => {
  const fields = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const postIdOf = (body) => /"id":"([a-z0-9]+)"/.exec(body)?.[1];

// One post; `sched` is when it was due. Resolves to its acknowledgement time, or -1.
async function post(word, seq, sched, schedToAck, track) {
  const r = await request('POST', '/api/v4/posts', { channel_id: channel, message: `${word} ${seq}` }, token)
    .catch(() => ({ status: 0 }));
  const t = nowMs();
  if (r.status !== 201) return -1;
  schedToAck.push(t - sched);
  if (track) onAck(postIdOf(r.body), sched, t);
  return t;
}

// Closed loop: `connections` posters back to back for `ms`.
async function postFlatOut(word, ms, track) {
  let n = 0, failed = 0;
  const schedToAck = [];
  const t0 = nowMs();
  const end = t0 + ms;
  const poster = async () => {
    while (nowMs() < end) {
      if ((await post(word, n++, nowMs(), schedToAck, track)) < 0) failed++;
    }
  };
  await Promise.all(Array.from({ length: connections }, poster));
  return { posts: n - failed, failed, seconds: (nowMs() - t0) / 1000, schedToAck, maxLag: 0 };
}

// Open loop: post i due at t0 + i/rate, for `ms`.
async function postAtRate(word, ms, track) {
  let total = Math.round((rate * ms) / 1000);
  let abortedAt = 0;
  const interval = 1000 / rate;
  const schedToAck = [];
  let failed = 0, maxLag = 0, lastAck = 0;
  const t0 = nowMs() + 5;
  await new Promise((allAnswered) => {
    let issued = 0, answered = 0;
    const tick = () => {
      const t = nowMs();
      while (issued < total && t0 + issued * interval <= t) {
        const sched = t0 + issued * interval;
        maxLag = Math.max(maxLag, t - sched);
        post(word, issued, sched, schedToAck, track).then((a) => {
          if (a < 0) failed++; else lastAck = Math.max(lastAck, a);
          if (++answered === total) allAnswered();
        });
        issued++;
      }
      if (issued - answered > maxBacklog) {  // not sustainable: stop rather than queue for minutes
        abortedAt = (t - t0) / 1000;
        total = issued;
        if (answered === total) allAnswered();
        return;
      }
      if (issued < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 5);
  });
  return { posts: total - failed, failed, seconds: (lastAck - t0) / 1000, schedToAck, maxLag, abortedAt };
}

const load = (word, track) => (rate > 0 ? postAtRate(word, duration, track) : postFlatOut(word, duration, track));
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const sorted = (a) => Float64Array.from(a).sort();
const dist = (a) => {
  const s = sorted(a);
  return `p50 ${f(pct(s, 0.5))}  p99 ${f(pct(s, 0.99))}  p99.9 ${f(pct(s, 0.999))}  max ${f(s.at(-1))}`;
};

const mode = rate > 0 ? `open loop at ${rate} posts/s over at most ${connections} connections`
                      : `closed loop, ${connections} connections flat out`;
console.log(`outgoing webhooks bench — ${mode}, ${duration / 1000} s per run, SyncMode ${sync}, MaxInFlightPerHook ${inFlight}, MaxQueuedPerHook ${maxQueued}`);
console.log(`load average before: ${os.loadavg().map(f).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);

const pluginQueueToDone = async () => {
  const d = JSON.parse((await request('GET', '/api/v4/outgoing_webhooks/metrics', undefined, token)).body)
    .deliveries ?? {};
  const q2d = d.queue_to_done_ms ?? {};
  console.log(`   in the server, queued → callback answered (ms, the plugin's metrics): p50 ${f(q2d.p50)}  p99 ${f(q2d.p99)}  max ${f(q2d.max)}`);
  console.log(`   the plugin's counters: delivered ${d.delivered}, shed ${d.shed}, dropped ${d.dropped}, still queued ${d.queued}, in flight ${d.in_flight}`);
};
if (native && (phase === 'all' || phase === 'deliveries')) {
  const toolArgs = ['--port', port, '--token', token, '--channel', channel, '--server-pid', server.pid,
    '--callback-port', nativePort, '--word', 'go', '--rate', rate, '--duration', duration / 1000,
    '--connections', connections, '--max-backlog', maxBacklog, '--rss-every', rssEvery / 1000].map(String);
  const tool = spawn(native, toolArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((ok) => { tool.on('exit', ok); tool.on('error', (e) => { console.error(e.message); ok(127); }); });
  if (code !== 0) { console.error(`outgoing_load exited with ${code}`); process.exit(1); }
  await pluginQueueToDone();
} else if (phase === 'all' || phase === 'deliveries') {
  const rss = [rssKb()];
  const sampler = setInterval(() => rss.push(rssKb()), rssEvery);
  const t0 = nowMs();
  const cpu0 = cpuMs();
  const run = await load('go', true);
  const acked = run.posts;
  const drainUntil = nowMs() + 10000;
  while (received < acked && nowMs() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const deliverySeconds = (nowMs() - t0) / 1000;
  const cpu = cpuMs() - cpu0;
  clearInterval(sampler);
  rss.push(rssKb());
  console.log(`1. posts/s with one delivery each:     ${f(run.posts / run.seconds)} (${run.posts} posts, ${run.failed} failed; issuer max lag ${f(run.maxLag)} ms)`);
  if (run.abortedAt) console.log(`   NOT SUSTAINED: over ${maxBacklog} posts unanswered after ${f(run.abortedAt)} s; issuing stopped there`);
  console.log(`   deliveries received:                 ${received} of ${acked}; ${f(received / deliverySeconds)}/s over ${f(deliverySeconds)} s, on ${callbackConnections} connections`);
  console.log(`   server CPU:                          ${f((100 * cpu) / (deliverySeconds * 1000))}% of one core, ${f((1000 * cpu) / Math.max(1, run.posts))} µs per post and its delivery`);
  console.log(`   post scheduled → acknowledged (ms):  ${dist(run.schedToAck)}`);
  console.log(`   post ack → callback received (ms):   ${dist(lat.ackToCb)}`);
  console.log(`   scheduled → callback received (ms):  ${dist(lat.schedToCb)}`);
  await pluginQueueToDone();
  console.log(`   server RSS (MiB) every ${rssEvery / 1000} s:     ${rss.map((m) => f(m.rss / 1024)).join(' ')}`);
  console.log(`   of which anonymous (MiB, heap):      ${rss.map((m) => f(m.anon / 1024)).join(' ')}`);
}
if (phase === 'all' || phase === 'dead') {
  const quiet = await load('quiet', false);
  const deadRun = await load('dead', false);
  const metrics = JSON.parse((await request('GET', '/api/v4/outgoing_webhooks/metrics', undefined, token)).body);
  const q = sorted(quiet.schedToAck), d = sorted(deadRun.schedToAck);
  for (const [name, r] of [['quiet', quiet], ['dead', deadRun]]) {
    if (r.abortedAt) console.log(`   NOT SUSTAINED (${name}): over ${maxBacklog} posts unanswered after ${f(r.abortedAt)} s`);
  }
  console.log(`2. posts/s firing nothing:              ${f(quiet.posts / quiet.seconds)} (${quiet.failed} failed); scheduled → ack p50 ${f(pct(q, 0.5))} p99 ${f(pct(q, 0.99))} ms`);
  console.log(`   posts/s to a never-answering hook:   ${f(deadRun.posts / deadRun.seconds)} (${deadRun.failed} failed); scheduled → ack p50 ${f(pct(d, 0.5))} p99 ${f(pct(d, 0.99))} ms`);
  console.log(`   dead endpoint got ${deadRequests} requests; queued ${metrics.deliveries?.queued}, in flight ${metrics.deliveries?.in_flight}, shed ${metrics.deliveries?.shed}`);
}
console.log(`load average after: ${os.loadavg().map(f).join(' ')}`);
server.kill('SIGKILL');
worker.postMessage({ stop: true });
await Promise.race([workerStopped, new Promise((r) => setTimeout(r, 1000))]);
process.exit(0);
