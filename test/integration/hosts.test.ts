// Hosts over SSH against real lab hosts: adding (keys, agent, ~/.ssh/config, host-key checks),
// every way adding can fail (and that nothing is stored then), one connection per host, streams
// beside requests, and noticing and recovering from a dead host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host, HostDetail } from '../../shared/api.ts';
import { killHost, readLab, reviveHost, rotateHostKey, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, waitForEvent, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

const target = (address: string, user = 'root') => `${user}@${address}`;
const hostNames = async () => ((await call(t.plane, 'host.list', {})) as Host[]).map((h) => h.name).sort();

before(async () => {
  lab = readLab();
  t = await startTestPlane();
});

after(async () => {
  await t.plane.stop();
});

describe('adding a host', () => {
  test('an unknown host key is refused with its fingerprint, and nothing is stored', async () => {
    const h = lab.hosts[0]!;
    const err = await expectError(call(t.plane, 'host.add', { target: target(h.address), identityFile: lab.keys.root }), 'HOST_KEY_UNKNOWN', /new to this machine/);
    assert.equal(err.details?.['fingerprint'], h.hostKeyFingerprint);
    assert.ok(err.message.includes(h.hostKeyFingerprint));
    assert.deepEqual(await hostNames(), []);
  });

  test('a pinned key is accepted; the host is ready with its inventory and events', async () => {
    const h = lab.hosts[0]!;
    const added = (await call(t.plane, 'host.add', { target: target(h.address), name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint, labels: { zone: 'a' } })) as Host;
    assert.equal(added.name, 'h1');
    assert.equal(added.state, 'ready');
    assert.equal(added.hostKeyFingerprint, h.hostKeyFingerprint);
    assert.equal(added.inventory?.hostname, h.hostname);
    assert.equal(added.inventory?.osType, 'linux');
    assert.ok((added.inventory?.cpus ?? 0) >= 1);
    assert.ok((added.inventory?.memoryBytes ?? 0) > 100 * 2 ** 20);
    assert.match(added.inventory?.dockerVersion ?? '', /^\d+\./);
    assert.deepEqual(added.labels, { zone: 'a' });
    const detail = (await call(t.plane, 'host.inspect', { name: 'h1' })) as HostDetail;
    assert.deepEqual(detail.events.map((e) => e.kind), ['host.added', 'host.ready']);
  });

  test('a name already taken, or the same engine twice, is ALREADY_EXISTS', async () => {
    const h2 = lab.hosts[1]!;
    await expectError(call(t.plane, 'host.add', { target: target(h2.address), name: 'h1', identityFile: lab.keys.root, trustNewHostKey: true }), 'ALREADY_EXISTS', /named h1 already exists/);
    await expectError(call(t.plane, 'host.add', { target: target(lab.hosts[0]!.address), name: 'again', identityFile: lab.keys.root, trustNewHostKey: true }), 'ALREADY_EXISTS', /already in the cluster as h1/);
  });

  test('an encrypted key: no passphrase and a wrong one are told apart; the right one works and is kept sealed', async () => {
    const h2 = lab.hosts[1]!;
    const base = { target: target(h2.address), name: 'h2', identityFile: lab.keys.encrypted, trustNewHostKey: true };
    await expectError(call(t.plane, 'host.add', base), 'KEY_PASSPHRASE', /is encrypted/);
    await expectError(call(t.plane, 'host.add', { ...base, passphrase: 'not-it' }), 'KEY_PASSPHRASE', /wrong/);
    const added = (await call(t.plane, 'host.add', { ...base, passphrase: lab.keys.encryptedPassphrase })) as Host;
    assert.equal(added.state, 'ready');
    assert.equal(added.inventory?.hostname, h2.hostname);
    const raw = ['baton.db', 'baton.db-wal'].map((f) => (existsSync(join(t.home, f)) ? readFileSync(join(t.home, f)).toString('latin1') : '')).join('');
    assert.ok(raw.includes(h2.address), 'the state file was read');
    assert.ok(!raw.includes(lab.keys.encryptedPassphrase), 'the passphrase is not stored in the clear');
  });

  test('a key the host does not accept, or a user that does not exist, is AUTH_FAILED', async () => {
    const h3 = lab.hosts[2]!;
    await expectError(call(t.plane, 'host.add', { target: target(h3.address), identityFile: lab.keys.unauthorized, trustNewHostKey: true }), 'AUTH_FAILED', /refused the login/);
    await expectError(call(t.plane, 'host.add', { target: target(h3.address, 'nosuchuser'), identityFile: lab.keys.root, trustNewHostKey: true }), 'AUTH_FAILED', /nosuchuser@/);
  });

  test('nothing listening, and nobody at the address, are HOST_UNREACHABLE with the cause', async () => {
    const h3 = lab.hosts[2]!;
    await expectError(call(t.plane, 'host.add', { target: `root@${h3.address}:2223`, identityFile: lab.keys.root, trustNewHostKey: true }), 'HOST_UNREACHABLE', /refused the connection/);
    const nobody = lab.subnet.replace(/\.\d+\/\d+$/, '.250');
    await expectError(call(t.plane, 'host.add', { target: `root@${nobody}`, identityFile: lab.keys.root, trustNewHostKey: true }), 'HOST_UNREACHABLE', /No route|timed out|did not complete/);
  });

  test('a host without Docker is DOCKER_NOT_FOUND; a user without access to the socket is DOCKER_PERMISSION', async () => {
    await expectError(call(t.plane, 'host.add', { target: target(lab.bareHost.address), identityFile: lab.keys.root, trustNewHostKey: true }), 'DOCKER_NOT_FOUND', /No Docker engine/);
    await expectError(call(t.plane, 'host.add', { target: target(lab.hosts[2]!.address, lab.users.noDocker), name: 'h3-nodocker', identityFile: lab.keys.root, trustNewHostKey: true }), 'DOCKER_PERMISSION', /usermod -aG docker batonlab/);
  });

  test('failed adds left nothing behind', async () => {
    assert.deepEqual(await hostNames(), ['h1', 'h2']);
  });

  test('an alias from ~/.ssh/config, and a key from ~/.ssh/known_hosts, are honoured', async () => {
    const h3 = lab.hosts[2]!;
    writeFileSync(join(t.userHome, '.ssh', 'config'), `Host lab-three\n  HostName ${h3.address}\n  User root\n  IdentityFile ${lab.keys.root}\n`);
    const pub = execFileSync('ssh-keyscan', ['-t', 'ed25519', h3.address], { encoding: 'utf8' });
    writeFileSync(join(t.userHome, '.ssh', 'known_hosts'), pub);
    const added = (await call(t.plane, 'host.add', { target: 'lab-three' })) as Host;
    assert.equal(added.name, 'lab-three');
    assert.equal(added.ssh?.address, h3.address);
    assert.equal(added.identityFile, lab.keys.root);
    assert.equal(added.hostKeyFingerprint, h3.hostKeyFingerprint);
    await call(t.plane, 'host.remove', { name: 'lab-three' });
  });

  test('the SSH agent can log in instead of a key file', async () => {
    const h3 = lab.hosts[2]!;
    const agent = spawnSync('ssh-agent', ['-s'], { encoding: 'utf8' }).stdout;
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(agent)?.[1];
    const pid = /SSH_AGENT_PID=(\d+);/.exec(agent)?.[1];
    assert.ok(sock && pid, 'ssh-agent started');
    try {
      execFileSync('ssh-add', [lab.keys.root], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const added = (await call(t.plane, 'host.add', { target: target(h3.address), name: 'h3', agentSocket: sock, hostKey: h3.hostKeyFingerprint })) as Host;
      assert.equal(added.auth, 'agent');
      assert.equal(added.state, 'ready');
    } finally {
      process.kill(Number(pid));
    }
    await call(t.plane, 'host.remove', { name: 'h3' });
  });
});

describe('the link to a host', () => {
  test('one SSH connection carries every request, also 64 at once and beside long streams', async () => {
    const h = lab.hosts[0]!;
    const engine = t.plane.hosts.link('h1').engine();
    // long streams on their own pool: they must not hold up the short calls
    const streams = await Promise.all(Array.from({ length: 12 }, () => engine.events({})));
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) => (i % 2 ? engine.listContainers({}) : engine.docker.version())));
    assert.equal(answers.length, 64);
    assert.ok(Date.now() - started < 10_000, 'requests were not starved by the streams');
    const established = execFileSync('ss', ['-Htn', 'state', 'established', 'dst', `${h.address}:22`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.equal(established.length, 1, `exactly one SSH connection to ${h.address}, saw:\n${established.join('\n')}`);
    for (const s of streams) s.destroy();
  });

  test('a host whose link goes down is noticed within 5 s, and comes back by itself', async () => {
    const h = lab.hosts[0]!;
    const down = waitForEvent(t.plane, (e) => e.kind === 'host.unreachable' && e.host === 'h1', 8000);
    const cut = Date.now();
    await killHost(h.name, 'link');
    await down;
    const noticedMs = Date.now() - cut;
    assert.ok(noticedMs < 5000, `noticed after ${noticedMs} ms`);
    await expectError(Promise.resolve().then(() => t.plane.hosts.link('h1').engine()), 'HOST_UNREACHABLE');
    const up = waitForEvent(t.plane, (e) => e.kind === 'host.ready' && e.host === 'h1', 30_000);
    await reviveHost(h.name);
    await up;
    await t.plane.hosts.link('h1').engine().docker.ping();
  });

  test('a host whose sshd and dockerd die is noticed at once, and reconnects when they return', async () => {
    const h = lab.hosts[1]!;
    const down = waitForEvent(t.plane, (e) => e.kind === 'host.unreachable' && e.host === 'h2', 8000);
    const cut = Date.now();
    await killHost(h.name, 'process');
    await down;
    assert.ok(Date.now() - cut < 5000);
    const up = waitForEvent(t.plane, (e) => e.kind === 'host.ready' && e.host === 'h2', 60_000);
    await reviveHost(h.name);
    await up; // the sealed passphrase of its encrypted key was opened again for this
  });

  test('a changed host key is refused on reconnect and on a new add, naming both fingerprints', async () => {
    const h3 = lab.hosts[2]!;
    await call(t.plane, 'host.add', { target: target(h3.address), name: 'h3', identityFile: lab.keys.root, hostKey: h3.hostKeyFingerprint });
    const newFp = await rotateHostKey(h3.name);
    try {
      // sshd's restart keeps established connections: cut the link so Baton must connect anew
      const lost = waitForEvent(t.plane, (e) => e.kind === 'host.unreachable' && e.host === 'h3', 8000);
      await killHost(h3.name, 'link');
      await lost;
      await reviveHost(h3.name);
      // the link keeps retrying, and keeps refusing the new key
      await new Promise((r) => setTimeout(r, 3000));
      const h = (await call(t.plane, 'host.list', {}) as Host[]).find((x) => x.name === 'h3')!;
      assert.equal(h.state, 'unreachable');
      assert.match(h.stateReason ?? '', /CHANGED/);
      assert.ok(h.stateReason?.includes(newFp) && h.stateReason.includes(h3.hostKeyFingerprint));

      await call(t.plane, 'host.remove', { name: 'h3' });
      const err = await expectError(call(t.plane, 'host.add', { target: target(h3.address), name: 'h3', identityFile: lab.keys.root, trustNewHostKey: true }), 'HOST_KEY_CHANGED');
      assert.ok(err.message.includes(newFp) && err.message.includes(h3.hostKeyFingerprint));
      const readded = (await call(t.plane, 'host.add', { target: target(h3.address), name: 'h3', identityFile: lab.keys.root, hostKey: newFp })) as Host;
      assert.equal(readded.state, 'ready');
    } finally {
      lab.hosts[2]!.hostKeyFingerprint = newFp;
    }
  });

  test('after a control-plane restart every stored host is connected again', async () => {
    await t.plane.stop();
    t = await startTestPlane({ home: t.home, userHome: t.userHome });
    const names = await hostNames();
    assert.deepEqual(names, ['h1', 'h2', 'h3']);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const hosts = (await call(t.plane, 'host.list', {})) as Host[];
      if (hosts.every((h) => h.state === 'ready')) break;
      if (Date.now() > deadline) assert.fail(`not all ready: ${hosts.map((h) => `${h.name}=${h.state} ${h.stateReason ?? ''}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
