// What the scripts that drive patchbay with the official Mattermost client share
// (client4/client4.mjs, slash_commands/client4/slash_client4.mjs): the server URL from the command
// line, steps that print "ok <step>", and on the first failure one line
// "FAIL <step>: <what>" with the server's status and error id, then exit code 1. CMake copies
// this file beside each script in the build tree, where that script's npm ci installed
// @mattermost/client, so the import below resolves there.
import clientPackage from '@mattermost/client';

export const {Client4, ClientError} = clientPackage;

// The server URL (argv[2]). Without it: a usage line naming `script`, exit 2.
export function serverUrl(script) {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${script} <server url>`);
    process.exit(2);
  }
  return url;
}

// A client for `url`, authenticated with `token` when one is given.
export function newClient(url, token) {
  const c = new Client4();
  c.setUrl(url);
  if (token) c.setToken(token);
  return c;
}

function describe(err) {
  if (err instanceof ClientError) {
    return `HTTP ${err.status_code ?? '?'} ${err.server_error_id ?? ''} ${err.message} (${err.url})`;
  }
  return err && err.stack ? err.stack : String(err);
}

let current = '';

// Runs one named step; its name is what a failure reports.
export async function step(name, fn) {
  current = name;
  const result = await fn();
  console.log(`ok ${name}`);
  return result;
}

// Runs `steps` (an async function made of step() calls): "PASS" when all pass, otherwise the
// FAIL line for the step that failed and exit code 1. Never throws.
export async function runSteps(steps) {
  try {
    await steps();
    console.log('PASS');
  } catch (err) {
    console.log(`FAIL ${current}: ${describe(err)}`);
    process.exitCode = 1;
  }
}
