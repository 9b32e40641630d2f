// The official Mattermost JavaScript client (Client4, npm @mattermost/client), unchanged,
// against a running patchbay: the issue-3 compatibility proof.
//
//   node client4.mjs http://127.0.0.1:8065
//
// The server must be empty (the first user needs no auth and becomes system_admin) and have
// ServiceSettings.EnableUserAccessTokens=true. Each step prints "ok <step>" on stdout; the
// first failure prints "FAIL <step>: <what>" (with the server's status and error id) and exits
// 1, so the caller can tell exactly how far the client got. Exit 2: bad usage.
import assert from 'node:assert/strict';

import {ClientError, newClient as clientFor, runSteps, serverUrl, step} from './client4_steps.mjs';

const url = serverUrl('client4.mjs');

// A unique suffix so a rerun by hand against a kept server does not collide on names.
const suffix = Date.now().toString(36);
const username = `client4admin${suffix}`;
const password = 'Client4-test-password!1';

const newClient = (token) => clientFor(url, token);

async function expectStatus(status, fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ClientError && err.status_code === status) return err;
    throw err;
  }
  throw new Error(`expected HTTP ${status}, the request succeeded`);
}

await runSteps(async () => {
  const client = newClient();

  const ping = await step('ping', () => client.ping());
  assert.equal(ping.status, 'OK');

  const created = await step('createUser (first user, no auth)', () =>
    client.createUser({username, email: `${username}@example.com`, password}));
  assert.match(created.id, /^[a-z0-9]{26}$/, 'a Mattermost id');
  assert.equal(created.password, undefined, 'a user object never carries the password');

  const loggedIn = await step('login', () => client.login(username, password));
  assert.equal(loggedIn.id, created.id);
  const sessionToken = client.getToken();
  assert.ok(sessionToken, 'the session token from the Token response header');

  const me = await step('getMe', () => client.getMe());
  assert.equal(me.id, created.id);
  assert.equal(me.username, username);
  assert.ok(me.roles.split(' ').includes('system_admin'), `first user is system_admin: ${me.roles}`);

  const team = await step('createTeam', () =>
    client.createTeam({name: `c4team${suffix}`, display_name: 'Client4 team', type: 'O'}));
  assert.match(team.id, /^[a-z0-9]{26}$/);

  const townSquare = await step('getChannelByName town-square', () =>
    client.getChannelByName(team.id, 'town-square'));
  assert.equal(townSquare.team_id, team.id);
  assert.equal(townSquare.name, 'town-square');

  const channel = await step('createChannel', () =>
    client.createChannel({team_id: team.id, name: `c4chan${suffix}`, display_name: 'Client4', type: 'O'}));
  assert.equal(channel.team_id, team.id);
  assert.equal(channel.type, 'O');

  const first = await step('createPost', () =>
    client.createPost({channel_id: channel.id, message: 'hello from Client4'}));
  assert.equal(first.channel_id, channel.id);
  assert.equal(first.user_id, me.id);
  assert.equal(first.message, 'hello from Client4');
  const second = await step('createPost (second)', () =>
    client.createPost({channel_id: channel.id, message: 'and again'}));

  const list = await step('getPosts (newest first)', () => client.getPosts(channel.id));
  assert.ok(Array.isArray(list.order), 'PostList.order is an array');
  assert.deepEqual(list.order.slice(0, 2), [second.id, first.id], 'order is newest first');
  assert.equal(list.posts[first.id].message, 'hello from Client4');
  assert.equal(list.posts[second.id].message, 'and again');

  const pat = await step('createUserAccessToken', () =>
    client.createUserAccessToken(me.id, 'Client4 compatibility test'));
  assert.match(pat.token, /^[a-z0-9]{26}$/, 'the token itself, shown once');
  assert.equal(pat.user_id, me.id);

  const bot = newClient(pat.token);
  const viaToken = await step('getMe with the access token (second client)', () => bot.getMe());
  assert.equal(viaToken.id, me.id);

  await step('logout', async () => {
    const response = await client.logout();
    assert.ok(response.ok, `logout answered ${response.status}`);
  });

  await step('the logged-out session token is refused with 401', () =>
    expectStatus(401, () => newClient(sessionToken).getMe()));

  const stillValid = await step('the access token survives the logout', () => bot.getMe());
  assert.equal(stillValid.id, me.id);

});
