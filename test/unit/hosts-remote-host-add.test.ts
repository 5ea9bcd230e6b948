// What a remote (WebSocket) client may name in host.add: only what the control plane's own
// machine names (its ~/.ssh keys, its agent, the engine's well-known sockets), said the same way
// whether a path it names exists or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { checkRemoteHostAdd, wellKnownEngineSockets, type ServerSide } from '../../electron/control-plane/hosts/remote-host-add.ts';

const home = mkdtempSync(join(tmpdir(), 'baton-remote-'));
mkdirSync(join(home, '.ssh'));
writeFileSync(join(home, '.ssh', 'config'), 'Host web-1\n  HostName 10.0.0.5\n  User root\n  IdentityFile ~/.ssh/web_key\n');
const exists = join(home, 'secret.key');
writeFileSync(exists, '-----BEGIN OPENSSH PRIVATE KEY-----\n');
const server: ServerSide = { userHome: home, agentSocket: '/tmp/ssh-agent.42', localSocket: '/srv/lab/docker.sock' };

function refusal(params: Parameters<typeof checkRemoteHostAdd>[0]): BatonError {
  try {
    checkRemoteHostAdd(params, server);
  } catch (err) {
    assert.ok(err instanceof BatonError);
    return err;
  }
  assert.fail(`${JSON.stringify(params)} was allowed`);
}

test('a key file the client names is refused the same way whether it exists or not', () => {
  const there = refusal({ target: 'root@10.0.0.9', identityFile: exists });
  const absent = refusal({ target: 'root@10.0.0.9', identityFile: join(home, 'no-such.key') });
  const etc = refusal({ target: 'root@10.0.0.9', identityFile: '/etc/shadow' });
  assert.equal(there.code, 'INVALID_INPUT');
  assert.deepEqual(there.details, { field: 'identityFile' });
  assert.equal(there.message, absent.message, 'no word on whether the file exists');
  assert.equal(there.message, etc.message);
  assert.match(there.message, /reads no file a remote client names/);
  assert.ok(!there.message.includes(exists) && !there.message.includes('shadow'));
});

test("the control plane's own keys, agent and engine sockets are allowed", () => {
  checkRemoteHostAdd({ target: 'web-1' }, server);
  checkRemoteHostAdd({ target: 'web-1', identityFile: '~/.ssh/web_key' }, server); // the alias's
  checkRemoteHostAdd({ target: 'root@10.0.0.9', identityFile: join(home, '.ssh', 'web_key') }, server); // named by its config
  checkRemoteHostAdd({ target: 'root@10.0.0.9', identityFile: '~/.ssh/id_ed25519' }, server); // a default key
  checkRemoteHostAdd({ target: 'root@10.0.0.9', agentSocket: '/tmp/ssh-agent.42' }, server);
  for (const socket of ['/var/run/docker.sock', '/run/docker.sock', '/srv/lab/docker.sock']) checkRemoteHostAdd({ target: `unix://${socket}` }, server);
  assert.ok(wellKnownEngineSockets(server).includes('/srv/lab/docker.sock'));
});

test('another agent socket, or any other unix socket, is refused', () => {
  const agent = refusal({ target: 'root@10.0.0.9', agentSocket: '/run/user/0/other-agent' });
  assert.deepEqual(agent.details, { field: 'agentSocket' });
  const socket = refusal({ target: 'unix:///run/dbus/system_bus_socket' });
  const absent = refusal({ target: 'unix:///run/no/such.sock' });
  const sneaky = refusal({ target: 'unix:///var/run/../dbus/docker.sock' });
  assert.deepEqual(socket.details, { field: 'target' });
  assert.equal(socket.message, absent.message);
  assert.equal(socket.message, sneaky.message);
  assert.match(socket.message, /dials no other socket a remote client names/);
});
