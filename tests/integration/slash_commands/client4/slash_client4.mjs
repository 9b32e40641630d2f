// Issue 6's proof: the official Mattermost JavaScript client (Client4, npm @mattermost/client),
// unchanged, creates a slash command with addCommand and runs it with executeCommand against a
// running patchbay whose command endpoint is an HTTP server on loopback inside this script. The
// in-channel answer appears in getPosts, an ephemeral answer does not, and a later POST to the
// response_url adds a post.
//
//   node slash_client4.mjs http://127.0.0.1:8065
//
// The server must be empty (the first user becomes system_admin) and allow 127.0.0.1 in
// ServiceSettings.AllowedUntrustedInternalConnections. Each step prints "ok <step>"; the first
// failure prints "FAIL <step>: <what>" and exits 1. Exit 2: bad usage.
import assert from 'node:assert/strict';
import http from 'node:http';

import {newClient, runSteps, serverUrl, step} from './client4_steps.mjs';

const url = serverUrl('slash_client4.mjs');

const suffix = Date.now().toString(36);
const username = `slashadmin${suffix}`;
const password = 'Client4-test-password!1';

// The command endpoint: answers `/deploy <env>` in the channel, `/deploy quiet` only to the
// caller, and remembers every request it got.
const received = [];
const endpoint = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const form = new URLSearchParams(body);
    received.push({method: req.method, headers: req.headers, form});
    const text = form.get('text');
    const answer = text === 'quiet'
      ? {response_type: 'ephemeral', text: 'only you can see this'}
      : {response_type: 'in_channel', text: `deploying ${text}`};
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify(answer));
  });
});
await new Promise((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
const endpointUrl = `http://127.0.0.1:${endpoint.address().port}/deploy`;

await runSteps(async () => {
  const client = newClient(url);
  await step('createUser (first user)', () =>
    client.createUser({username, email: `${username}@example.com`, password}));
  const me = await step('login', () => client.login(username, password));
  const team = await step('createTeam', () =>
    client.createTeam({name: `slash${suffix}`, display_name: 'Slash team', type: 'O'}));
  const channel = await step('createChannel', () =>
    client.createChannel({team_id: team.id, name: `deploys${suffix}`, display_name: 'Deploys', type: 'O'}));

  const command = await step('addCommand', () => client.addCommand({
    team_id: team.id, trigger: 'Deploy', method: 'P', url: endpointUrl,
    display_name: 'Deploy', description: 'Deploys', auto_complete: true,
  }));
  assert.equal(command.trigger, 'deploy', 'triggers are lower-cased');
  assert.match(command.token, /^[a-z0-9]{26}$/);

  const listed = await step('getCustomTeamCommands', () => client.getCustomTeamCommands(team.id));
  assert.deepEqual(listed.map((c) => c.id), [command.id]);
  const suggested = await step('getAutocompleteCommandsList', () =>
    client.getAutocompleteCommandsList(team.id));
  assert.ok(suggested.some((c) => c.trigger === 'deploy'), 'the command is offered');
  assert.ok(suggested.some((c) => c.trigger === 'echo'), 'the built-ins are offered');

  const answer = await step('executeCommand /deploy prod', () =>
    client.executeCommand('/deploy prod', {channel_id: channel.id, team_id: team.id}));
  assert.equal(answer.text, 'deploying prod');
  assert.equal(answer.response_type, 'in_channel');
  assert.equal(received.length, 1);
  assert.equal(received[0].method, 'POST');
  assert.equal(received[0].headers.authorization, `Token ${command.token}`);
  assert.equal(received[0].form.get('token'), command.token);
  assert.equal(received[0].form.get('command'), '/deploy');
  assert.equal(received[0].form.get('user_id'), me.id);
  assert.equal(received[0].form.get('channel_id'), channel.id);
  const responseUrl = received[0].form.get('response_url');
  assert.match(responseUrl, /\/hooks\/commands\/[a-z0-9]{26}$/);

  const afterInChannel = await step('getPosts shows the in-channel answer', () => client.getPosts(channel.id));
  assert.equal(afterInChannel.order.length, 1);
  const post = afterInChannel.posts[afterInChannel.order[0]];
  assert.equal(post.message, 'deploying prod');
  assert.equal(post.user_id, me.id, 'posted as the user who ran the command');

  const quiet = await step('executeCommand /deploy quiet (ephemeral)', () =>
    client.executeCommand('/deploy quiet', {channel_id: channel.id, team_id: team.id}));
  assert.equal(quiet.text, 'only you can see this');
  const afterEphemeral = await step('getPosts does not show the ephemeral answer', () =>
    client.getPosts(channel.id));
  assert.equal(afterEphemeral.order.length, 1);

  await step('POST to the response_url', async () => {
    const r = await fetch(responseUrl, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({response_type: 'in_channel', text: 'prod is live'}),
    });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'ok');
  });
  const afterDelayed = await step('getPosts shows the delayed answer', () => client.getPosts(channel.id));
  assert.equal(afterDelayed.order.length, 2);
  assert.equal(afterDelayed.posts[afterDelayed.order[0]].message, 'prod is live');

});
endpoint.close();
