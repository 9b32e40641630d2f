#!/usr/bin/env node
// bench/slash/slash_bench.mjs — executeCommand against a local command endpoint (issue 6).
//
//   node bench/slash/slash_bench.mjs --build DIR [--duration S] [--connections C] [--rate R]
//                                     [--perf FILE | --sched FILE] [--open-loop-only]
//
// Starts DIR/bin/patchbay (plugins from DIR/plugins) with a fresh store and a command endpoint in
// a second Node process (this script with --endpoint), sets up over HTTP like a client (first
// user, login, team, town-square, the custom command /bench → the endpoint, method POST), then:
//   0. the endpoint alone: wrk straight at it with the form body patchbay sends (the ceiling);
//   1. wrk -t1 -cC -dS: POST /api/v4/commands/execute "/bench <n>" → commands/s, p50/p99 of the
//      whole round trip [goal: ≥ 5,000 commands/s at 32 connections], and the server's CPU time
//      per command (/proc/<pid>/stat: every thread, user + system);
//   2. patchbay's own share at C connections and at 1, closed loop: a Node client times each
//      execute, the endpoint puts the time it spent on the call (request headers parsed →
//      answer written, on CLOCK_MONOTONIC, which both processes share) into its answer's text,
//      and the own share is the round trip minus that. Closed loop at saturation this is mostly
//      queueing (every process waits for one of the 2 cores), so:
//   3. open loop at a fixed rate (--rate R, default 5000/s, over C keep-alive connections): the
//      client sends request i at start + i/R whatever the answers do (a request waits for a free
//      connection if all C are busy), and records, per command, the round trip from its send and
//      from its scheduled time. First against the endpoint alone at the same rate (what the
//      client, the loopback and the endpoint's own HTTP handling add outside its stamps), then
//      through patchbay: the own share p50/p99, the same minus the endpoint-alone baseline
//      (p50 − p50: patchbay's part proper), and patchbay's CPU µs per command at that rate.
//      With --perf FILE, `perf record -g` samples patchbay during the open-loop run into FILE;
//      with --sched FILE (instead), `perf sched record -a` records every CPU's scheduling.
//   --open-loop-only skips 0–2.
// The endpoint answers {"response_type":"ephemeral",...} as application/json: nothing is stored,
// so the run measures the command path (auth, lookup, outbound call, answer) and not the post
// store. Prints the load average with every run: the machine is shared, read the figures with it.
// Every process started here is stopped at exit. Needs Node's standard library and wrk.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { apiClient, parseArgs, percentile as pct, setUpAdminTeam, startPatchbay } from '../lib/patchbay.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));

// ---- the endpoint process ----------------------------------------------------------------------
if (args.endpoint) {
  const server = http.createServer((req, res) => {
    const arrived = process.hrtime.bigint();
    req.resume();
    req.on('end', () => {
      const answered = process.hrtime.bigint();
      const body = `{"response_type":"ephemeral","text":"${arrived} ${answered}"}`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}

async function main() {
  const build = args.build;
  if (!build) {
    console.error('usage: slash_bench.mjs --build DIR [--duration S] [--connections C]');
    process.exit(2);
  }
  const duration = Number(args.duration ?? 10);
  const connections = Number(args.connections ?? 32);
  const rate = Number(args.rate ?? 5000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-slash-bench-'));
  const children = [];
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });
  process.on('SIGINT', () => process.exit(130));

  const endpoint = spawn(process.execPath, [fileURLToPath(import.meta.url), '--endpoint'],
                         { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(endpoint);
  const endpointPort = await new Promise((ok) => endpoint.stdout.once('data', (d) => ok(Number(String(d).trim()))));

  const { server, port } = await startPatchbay({
    build, work, service: { SiteURL: 'http://chat.example.com' } });
  children.push(server);
  const { request, must, agent } = apiClient(port, connections);
  const { token, team, channel } = await setUpAdminTeam({ request, must });
  await must(201, request('POST', '/api/v4/commands', { team_id: team, trigger: 'bench', method: 'P',
    url: `http://127.0.0.1:${endpointPort}/cmd` }, token), 'POST /commands');
  const probe = await must(200, request('POST', '/api/v4/commands/execute',
    { command: '/bench 0', channel_id: channel }, token), 'execute');
  if (!/^\d+ \d+$/.test(JSON.parse(probe.body).text)) throw new Error(`unexpected answer ${probe.body}`);

  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const us = (ns) => (Math.round(Number(ns)) / 1000).toFixed(0);

  // wrk's "Requests/sec" and its 50%/99% latency lines, in µs.
  const wrk = (target, script, env, c) => {
    const r = spawnSync('timeout', [String(duration + 30), 'wrk', '-t1', `-c${c}`, `-d${duration}s`, '--latency',
                        '--timeout', '10s', '-s', path.join(here, script), target],
                        { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
    const unit = { us: 1, ms: 1000, s: 1e6 };
    const lat = (q) => {
      const m = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(r.stdout);
      return m ? Math.round(Number(m[1]) * unit[m[2]]) : NaN;
    };
    const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(r.stdout) ?? [])[1]);
    const bad = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
    const errors = /Socket errors: (.*)/.exec(r.stdout);
    return { rps, p50: lat(50), p99: lat(99), bad: bad ? Number(bad[1]) : 0, errors: errors ? errors[1] : '' };
  };

  // The own share, timed by a Node client with `c` connections for the duration.
  const ownShare = async (c) => {
    const own = [], total = [];
    let n = 0, failed = 0;
    const end = performance.now() + duration * 1000;
    const body = (i) => JSON.stringify({ command: `/bench ${i}`, channel_id: channel });
    const one = (i) => new Promise((ok, fail) => {
      const payload = body(i);
      const t0 = process.hrtime.bigint();
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v4/commands/execute', agent,
                                 headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`,
                                            'Content-Length': Buffer.byteLength(payload) } }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { data += d; });
        res.on('end', () => ok({ status: res.statusCode, data, t0, t1: process.hrtime.bigint() }));
      });
      req.on('error', fail);
      req.end(payload);
    });
    const worker = async () => {
      while (performance.now() < end) {
        const r = await one(n++);
        if (r.status !== 200) { failed++; continue; }
        const [arrived, answered] = JSON.parse(r.data).text.split(' ').map(BigInt);
        total.push(r.t1 - r.t0);
        own.push(r.t1 - r.t0 - (answered - arrived));
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: c }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const sort = (a) => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    sort(own); sort(total);
    return { rate: total.length / seconds, failed, own50: pct(own, 0.5), own99: pct(own, 0.99),
             total50: pct(total, 0.5), total99: pct(total, 0.99) };
  };

  console.log(`slash commands bench — ${duration} s per run, ${os.cpus().length} cores; endpoint: a Node http server answering ephemeral JSON`);
  const form = 'channel_id=x&channel_name=town-square&command=%2Fbench&response_url=http%3A%2F%2Fchat.example.com%2Fhooks%2Fcommands%2Fx' +
               '&root_id=&team_domain=&team_id=x&text=1&token=x&trigger_id=x&user_id=x&user_name=benchadmin';
  console.log(`load average (1/5/15 min) at start: ${load()}; pids: patchbay ${server.pid}, endpoint ${endpoint.pid}, client ${process.pid}`);
  // The server's CPU time (every thread, user + system) from /proc: its own cost per command,
  // whatever the queueing on the shared cores.
  const cpuSeconds = () => {
    const fields = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in USER_HZ ticks
  };
  if (!args['open-loop-only']) await closedLoop();
  await openLoops();
  process.exit(0);

  async function closedLoop() {
  const alone = wrk(`http://127.0.0.1:${endpointPort}/cmd`, 'endpoint.lua', { PB_FORM: form }, connections);
  console.log(`0. the endpoint alone, wrk -c${connections}:      ${alone.rps.toFixed(0)} req/s, p50 ${alone.p50} µs, p99 ${alone.p99} µs   [load ${load()}]`);
  const cpu0 = cpuSeconds();
  const run = wrk(`http://127.0.0.1:${port}`, 'execute.lua', { PB_TOKEN: token, PB_CHANNEL: channel }, connections);
  const cpuPerCommand = (cpuSeconds() - cpu0) / (run.rps * duration) * 1e6;
  const verdict = run.rps >= 5000 ? 'met' : 'NOT met';
  console.log(`1. executeCommand, wrk -c${connections}:           ${run.rps.toFixed(0)} commands/s (goal ≥ 5,000: ${verdict}), ` +
              `round trip p50 ${run.p50} µs, p99 ${run.p99} µs${run.bad ? `, ${run.bad} non-2xx` : ''}${run.errors ? `, socket errors ${run.errors}` : ''}   [load ${load()}]`);
  console.log(`   patchbay CPU per command (all threads, user+system): ${cpuPerCommand.toFixed(0)} µs`);
  for (const c of [connections, 1]) {
    const s = await ownShare(c);
    const goal = c === connections ? ` (goal p50 ≤ 300 µs: ${Number(s.own50) <= 300000 ? 'met' : 'NOT met'})` : '';
    console.log(`2. own share, Node client -c${String(c).padEnd(3)}     ${us(s.own50)} µs p50, ${us(s.own99)} µs p99${goal}; ` +
                `round trip ${us(s.total50)}/${us(s.total99)} µs p50/p99 at ${s.rate.toFixed(0)} commands/s` +
                `${s.failed ? `, ${s.failed} failed` : ''}   [load ${load()}]`);
  }
  }

  // Open loop: `rate` requests/s for the duration over `c` connections (see the header, 3.).
  // `target` gives the port, path, headers and the body of request i.
  async function openLoop(target, c) {
    const openAgent = new http.Agent({ keepAlive: true, maxSockets: c });
    const own = [], ownScheduled = [], total = [];
    const n = Math.floor(rate * duration);
    let sent = 0, finished = 0, failed = 0;
    const step = 1e9 / rate;
    const start = process.hrtime.bigint() + 20_000_000n;
    const at = (i) => start + BigInt(Math.round(i * step));
    const began = performance.now();
    await new Promise((finish) => {
      const settle = () => { if (++finished === n) finish(); };
      const fire = (i, scheduled) => {
        const payload = target.body(i);
        const t0 = process.hrtime.bigint();
        const req = http.request({ host: '127.0.0.1', port: target.port, method: 'POST', path: target.path,
                                   agent: openAgent,
                                   headers: { ...target.headers, 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d) => { data += d; });
          res.on('end', () => {
            const t1 = process.hrtime.bigint();
            if (res.statusCode !== 200) {
              failed++;
            } else {
              const [arrived, answered] = JSON.parse(data).text.split(' ').map(BigInt);
              const endpoint = answered - arrived;
              total.push(t1 - t0);
              own.push(t1 - t0 - endpoint);
              ownScheduled.push(t1 - scheduled - endpoint);
            }
            settle();
          });
        });
        req.on('error', () => { failed++; settle(); });
        req.end(payload);
      };
      // A 1 ms timer sends every request whose time has come (Node's timers are no finer).
      const tick = () => {
        const now = process.hrtime.bigint();
        while (sent < n && at(sent) <= now) { fire(sent, at(sent)); sent++; }
        if (sent < n) setTimeout(tick, 1);
      };
      setTimeout(tick, 20);
    });
    const seconds = (performance.now() - began) / 1000 - 0.02;
    openAgent.destroy();
    const sort = (a) => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    sort(own); sort(ownScheduled); sort(total);
    return { rate: total.length / seconds, n: total.length, failed,
             own50: pct(own, 0.5), own99: pct(own, 0.99), sched50: pct(ownScheduled, 0.5),
             sched99: pct(ownScheduled, 0.99), total50: pct(total, 0.5), total99: pct(total, 0.99) };
  }

  // The same open loop with a lighter client: C keep-alive sockets speaking HTTP/1.1 directly
  // (one request at a time on each, as the agent does), the request bytes built once, times kept
  // as plain numbers in preallocated arrays. Node's http client (openLoop above, --node-client)
  // costs the client process several times the CPU per request, and on this 2-core machine that
  // CPU is taken from patchbay and the endpoint: it was the busiest of the three processes, and
  // every µs it waited for a core or kept one from patchbay counted in patchbay's part. Answers
  // must carry Content-Length (both patchbay and the endpoint do); anything else fails the run.
  async function openLoopRaw(target, c) {
    const n = Math.floor(rate * duration);
    const own = new Float64Array(n), ownScheduled = new Float64Array(n), total = new Float64Array(n);
    let done = 0, sent = 0, finished = 0, failed = 0;
    const head = `POST ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: keep-alive\r\n` +
                 Object.entries(target.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const bytes = (i) => {
      const body = target.body(i);
      return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const nsNow = () => performance.now() * 1e6;  // the monotonic clock, as a plain number
    const step = 1e9 / rate;
    const start = nsNow() + 20e6;
    const began = performance.now();
    const free = [], waiting = [];
    let finish;
    const allDone = new Promise((ok) => { finish = ok; });
    const settle = () => { if (++finished === n) finish(); };
    const send = (conn, i) => {
      conn.i = i;
      conn.t0 = nsNow();
      conn.sock.write(bytes(i));
    };
    const answered = (conn, status, body) => {
      const t1 = nsNow();
      const i = conn.i;
      if (status !== 200) {
        failed++;
      } else {
        const text = JSON.parse(body).text.split(' ');
        const endpoint = Number(text[1]) - Number(text[0]);
        total[done] = t1 - conn.t0;
        own[done] = t1 - conn.t0 - endpoint;
        ownScheduled[done] = t1 - (start + i * step) - endpoint;
        done++;
      }
      settle();
      if (waiting.length) send(conn, waiting.shift()); else free.push(conn);
    };
    const conns = await Promise.all(Array.from({ length: c }, () => new Promise((ok, fail) => {
      const conn = { sock: net.connect(target.port, '127.0.0.1'), buf: '', i: -1, t0: 0 };
      conn.sock.setNoDelay(true);
      conn.sock.setEncoding('latin1');
      conn.sock.once('connect', () => ok(conn));
      conn.sock.once('error', fail);
      conn.sock.on('close', () => {
        if (finished < n) { console.error('a connection was closed by the server during the run'); process.exit(1); }
      });
      conn.sock.on('data', (d) => {
        conn.buf += d;
        for (;;) {
          const end = conn.buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const m = /\r\ncontent-length: *(\d+)/i.exec(conn.buf.slice(0, end + 2));
          if (!m) { console.error(`answer without Content-Length: ${conn.buf.slice(0, end)}`); process.exit(1); }
          const size = end + 4 + Number(m[1]);
          if (conn.buf.length < size) return;
          const status = Number(conn.buf.slice(9, 12));
          const body = Buffer.from(conn.buf.slice(end + 4, size), 'latin1').toString('utf8');
          conn.buf = conn.buf.slice(size);
          answered(conn, status, body);
        }
      });
    })));
    free.push(...conns);
    // A 1 ms timer sends every request whose time has come (Node's timers are no finer).
    const tick = () => {
      const now = nsNow();
      while (sent < n && start + sent * step <= now) {
        if (free.length) send(free.pop(), sent); else waiting.push(sent);
        sent++;
      }
      if (sent < n) setTimeout(tick, 1);
    };
    setTimeout(tick, 20);
    await allDone;
    const seconds = (performance.now() - began) / 1000 - 0.02;
    for (const conn of conns) conn.sock.destroy();
    const sorted = (a) => a.subarray(0, done).sort();
    const o = sorted(own), s = sorted(ownScheduled), t = sorted(total);
    return { rate: done / seconds, n: done, failed,
             own50: pct(o, 0.5), own99: pct(o, 0.99), sched50: pct(s, 0.5), sched99: pct(s, 0.99),
             total50: pct(t, 0.5), total99: pct(t, 0.99) };
  }

  async function openLoops() {
    const loop = args['node-client'] ? openLoop : openLoopRaw;
    const endpointTarget = { port: endpointPort, path: '/cmd',
                             headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: () => form };
    // The client's own CPU per request (this process, user + system): what the load tool takes
    // from the two cores the measured processes share.
    const clientCpu = async (fn) => {
      const c0 = process.cpuUsage();
      const r = await fn();
      const c = process.cpuUsage(c0);
      r.clientUs = (c.user + c.system) / Math.max(1, r.n + r.failed);
      return r;
    };
    const base = await clientCpu(() => loop(endpointTarget, connections));
    console.log(`3. open loop ${rate}/s over ${connections} connections, ${duration} s, ` +
                `${args['node-client'] ? "Node's http client" : 'raw-socket client'}:`);
    console.log(`   endpoint alone: outside its stamps ${us(base.own50)} µs p50, ${us(base.own99)} µs p99 ` +
                `(from the scheduled time ${us(base.sched50)}/${us(base.sched99)}) at ${base.rate.toFixed(0)}/s, ` +
                `client CPU ${base.clientUs.toFixed(0)} µs per request` +
                `${base.failed ? `, ${base.failed} failed` : ''}   [load ${load()}]`);
    let perf = null;
    if (args.perf) {
      perf = spawn('perf', ['record', '--call-graph', 'dwarf,16384', '-F', '499', '-p', String(server.pid), '-o', args.perf, '--',
                            'sleep', String(duration)], { stdio: 'inherit' });
      children.push(perf);
    } else if (args.sched) {
      // Every CPU's scheduler events (wake-ups, switches) for the run: `perf sched timehist -i
      // FILE` shows how long each thread of the three processes waited for a core once woken.
      perf = spawn('perf', ['sched', 'record', '-a', '-o', args.sched, '--', 'sleep', String(duration)],
                   { stdio: 'inherit' });
      children.push(perf);
    }
    const cpu0 = cpuSeconds();
    const run = await clientCpu(() => loop({ port, path: '/api/v4/commands/execute',
                                 headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
                                 body: (i) => JSON.stringify({ command: `/bench ${i}`, channel_id: channel }) },
                               connections));
    const cpuPerCommand = (cpuSeconds() - cpu0) / run.n * 1e6;
    if (perf) await new Promise((ok) => (perf.exitCode !== null ? ok() : perf.once('exit', ok)));
    const proper = Number(run.own50 - base.own50);
    // A difference of medians means something only while both runs kept the rate and the
    // baseline is below the total; else the machine was starved and no verdict is given.
    const kept = base.rate >= 0.97 * rate && run.rate >= 0.97 * rate && proper >= 0;
    console.log(`   through patchbay: own share ${us(run.own50)} µs p50, ${us(run.own99)} µs p99 ` +
                `(from the scheduled time ${us(run.sched50)}/${us(run.sched99)}); round trip ${us(run.total50)}/${us(run.total99)} µs ` +
                `at ${run.rate.toFixed(0)}/s, client CPU ${run.clientUs.toFixed(0)} µs per request` +
                `${run.failed ? `, ${run.failed} failed` : ''}   [load ${load()}]`);
    console.log(`   patchbay's part (own share p50 − endpoint-alone p50): ${us(proper)} µs (goal p50 ≤ 300 µs: ` +
                `${!kept ? 'not measurable on this run: the rate was not kept or the baseline exceeds the total' : proper <= 300000 ? 'met' : 'NOT met'}); CPU per command (all threads, user+system): ${cpuPerCommand.toFixed(0)} µs`);
  }
}
