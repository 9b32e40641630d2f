// bench/lib/patchbay.mjs — what the Node benchmarks (bench/outgoing, bench/slash) share: their
// command line, a patchbay started on a free loopback port with a fresh store, a keep-alive
// HTTP client for it, the set-up a client does (first user, login, team, town-square), and a
// percentile. Node's standard library only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

// "--key value" and bare "--flag" (= '1') as an object.
export function parseArgs(argv) {
  return Object.fromEntries(argv.reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : '1']);
    return acc;
  }, []));
}

// Starts BUILD/bin/patchbay with BUILD/plugins, a store in WORK/store and the given settings
// merged over a bench base (loopback, INFO console log: the port is on an INFO line, the
// cheapest password hashing). Resolves to { server, port } once it listens; rejects with the
// log if it exits first.
export async function startPatchbay({ build, work, service = {}, plugins = {}, store = {} }) {
  const config = {
    ServiceSettings: { ListenAddress: '127.0.0.1:0', AllowedUntrustedInternalConnections: '127.0.0.1',
                       ...service },
    LogSettings: { ConsoleLevel: 'INFO' },
    PluginSettings: { Enable: true, Directory: path.join(build, 'plugins'),
                      Plugins: { auth: { PasswordHashCost: 'minimum' }, ...plugins } },
    StoreSettings: { Directory: path.join(work, 'store'), ...store },
  };
  fs.writeFileSync(path.join(work, 'config.json'), JSON.stringify(config));
  const server = spawn(path.join(build, 'bin', 'patchbay'), ['serve', '--config', path.join(work, 'config.json')],
                       { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((ok, fail) => {
    server.stderr.on('data', (d) => {
      if (log === null) return;  // port known: the rest of the log is drained, not kept
      log += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { log = null; ok(Number(m[1])); }
    });
    server.on('exit', (code) => fail(new Error(`patchbay exited (${code}):\n${log}`)));
  });
  return { server, port };
}

// request(method, target, body?, token?) → { status, headers, body } over keep-alive sockets
// (at most `connections`, the `agent` returned too); must(status, promise, what) throws unless
// the status is `status`.
export function apiClient(port, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const request = (method, target, body, token) => new Promise((ok, fail) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
  const must = async (status, p, what) => {
    const r = await p;
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body}`);
    return r;
  };
  return { request, must, agent };
}

// The first user (system admin), its session token, a team and its town-square channel.
export async function setUpAdminTeam({ request, must }) {
  const login = { username: 'benchadmin', email: 'benchadmin@example.com', password: 'Bench-Passw0rd-1' };
  await must(201, request('POST', '/api/v4/users', login), 'POST /users');
  const token = (await must(200, request('POST', '/api/v4/users/login',
    { login_id: login.username, password: login.password }), 'login')).headers.token;
  const team = JSON.parse((await must(201, request('POST', '/api/v4/teams',
    { name: 'bench', display_name: 'Bench', type: 'O' }, token), 'POST /teams')).body).id;
  const channel = JSON.parse((await must(200, request('GET', `/api/v4/teams/${team}/channels/name/town-square`,
    undefined, token), 'town-square')).body).id;
  return { token, team, channel };
}

// The q-quantile (0..1) of an ascending array (NaN when empty).
export const percentile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
