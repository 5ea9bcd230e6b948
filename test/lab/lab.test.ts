// Checks the lab itself: real engines, distinct hosts, SSH access as promised, the test
// images, and killing/reviving hosts. Needs root. Leaves the lab up (reused by the
// integration tests); `npm run lab -- down` removes it.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { before, test } from 'node:test';
import { tryRun } from './exec.ts';
import { dockerCli, killHost, labUp, reviveHost, type LabHost, type LabInfo } from './lab.ts';

let lab: LabInfo;

before(async () => {
  lab = await labUp({ hosts: 3 });
}, { timeout: 180_000 });

function tcpConnects(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

async function httpGetWhenUp(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await httpGet(url);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function ssh(host: LabHost, user: string, key: string, command: string) {
  const opts = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'BatchMode=yes', 'LogLevel=ERROR', 'ConnectTimeout=5', 'IdentitiesOnly=yes'];
  return tryRun('ssh', ['-i', key, ...opts.flatMap((o) => ['-o', o]), '-p', String(host.sshPort), `${user}@${host.address}`, command]);
}

async function docker(host: LabHost, args: string[]): Promise<string> {
  const r = await dockerCli(host, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} on ${host.name}: ${r.stderr}`);
  return r.stdout.trim();
}

function lastHost(): LabHost {
  const host = lab.hosts.at(-1);
  assert.ok(host);
  return host;
}

test('every host answers docker version over its socket', async () => {
  for (const host of lab.hosts) assert.match(await docker(host, ['version', '--format', '{{.Server.Version}}']), /^\d+\.\d+/);
});

test('each engine reports its own host name, and they differ', async () => {
  const names = await Promise.all(lab.hosts.map((h) => docker(h, ['info', '--format', '{{.Name}}'])));
  assert.deepEqual(names, lab.hosts.map((h) => h.hostname));
  assert.equal(new Set(names).size, lab.hosts.length);
});

test('ssh with the lab key reaches that host and its engine', async () => {
  for (const host of lab.hosts) {
    const r = await ssh(host, 'root', lab.keys.root, "docker info --format '{{.Name}}'");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), host.hostname);
  }
});

test('sshd presents the host key fingerprint the lab describes', async () => {
  for (const host of [...lab.hosts, lab.bareHost]) {
    const scan = await tryRun('ssh-keyscan', ['-t', 'ed25519', '-p', String(host.sshPort), host.address]);
    const fp = await tryRun('ssh-keygen', ['-l', '-f', '-'], { input: scan.stdout });
    assert.equal(fp.stdout.split(' ')[1], host.hostKeyFingerprint, host.name);
  }
});

test('failure cases: no Docker permission, unauthorized key, no Docker on the bare host', async () => {
  const [first] = lab.hosts;
  assert.ok(first);
  const noDocker = await ssh(first, lab.users.noDocker, lab.keys.root, 'docker version');
  assert.notEqual(noDocker.code, 0);
  assert.match(noDocker.stderr, /permission denied/i);
  const unauthorized = await ssh(first, 'root', lab.keys.unauthorized, 'true');
  assert.equal(unauthorized.code, 255);
  assert.match(unauthorized.stderr, /Permission denied \(publickey\)/);
  const bare = await ssh(lab.bareHost, 'root', lab.keys.root, 'hostname && docker version');
  assert.equal(bare.stdout.trim().split('\n')[0], lab.bareHost.hostname);
  assert.notEqual(bare.code, 0);
  assert.match(bare.stderr, /Cannot connect to the Docker daemon/);
});

test('web images serve /health and their version at the host address', async () => {
  const cases = [
    { host: lab.hosts[0], image: lab.images.web1, version: '1' },
    { host: lab.hosts[1] ?? lab.hosts[0], image: lab.images.web2, version: '2' },
  ];
  const name = `lab-test-web-${process.pid}`;
  for (const { host, image, version } of cases) {
    assert.ok(host);
    const id = await docker(host, ['run', '-d', '--name', name, '-p', '8080', image]);
    try {
      const port = (await docker(host, ['port', name, '8080/tcp'])).split('\n')[0]?.split(':').at(-1);
      const health = await httpGetWhenUp(`http://${host.address}:${port}/health`);
      assert.equal(health.status, 200);
      assert.equal(health.body.trim(), 'ok');
      const root = await httpGet(`http://${host.address}:${port}/`);
      assert.match(root.body, new RegExp(`version=${version} hostname=${id.slice(0, 12)}`));
    } finally {
      await dockerCli(host, ['rm', '-f', name]);
    }
  }
});

test('FAIL_HEALTH=1 makes /health fail', async () => {
  const host = lab.hosts[0];
  assert.ok(host);
  const name = `lab-test-failing-${process.pid}`;
  await docker(host, ['run', '-d', '--name', name, '-e', 'FAIL_HEALTH=1', '-p', '8080', lab.images.web1]);
  try {
    const port = (await docker(host, ['port', name, '8080/tcp'])).split('\n')[0]?.split(':').at(-1);
    const health = await httpGetWhenUp(`http://${host.address}:${port}/health`);
    assert.equal(health.status, 404);
  } finally {
    await dockerCli(host, ['rm', '-f', name]);
  }
});

test('the haproxy image runs HAProxy 2.6', async () => {
  const out = await docker(lastHost(), ['run', '--rm', lab.images.haproxy, '-v']);
  assert.match(out, /HAProxy version 2\.6\./);
});

test("killHost 'link' makes the ssh port unreachable; reviveHost restores it", async () => {
  const host = lastHost();
  assert.ok(await tcpConnects(host.address, host.sshPort, 2000));
  await killHost(host.name, 'link');
  try {
    assert.equal(await tcpConnects(host.address, host.sshPort, 1500), false);
    assert.match(await docker(host, ['info', '--format', '{{.Name}}']), /.+/, 'the host itself keeps running');
  } finally {
    await reviveHost(host.name);
  }
  assert.ok(await tcpConnects(host.address, host.sshPort, 2000));
  const r = await ssh(host, 'root', lab.keys.root, 'hostname');
  assert.equal(r.stdout.trim(), host.hostname);
});

test("killHost 'process' kills everything; reviveHost brings back sshd, dockerd and restart=always containers", async () => {
  const host = lastHost();
  const name = `lab-test-survivor-${process.pid}`;
  await docker(host, ['run', '-d', '--restart', 'always', '--name', name, lab.images.web1]);
  try {
    await killHost(host.name, 'process');
    assert.equal(await tcpConnects(host.address, host.sshPort, 1000), false);
    assert.notEqual((await dockerCli(host, ['version'])).code, 0);
    await reviveHost(host.name);
    assert.ok(await tcpConnects(host.address, host.sshPort, 2000));
    const running = () => docker(host, ['inspect', '--format', '{{.State.Running}}', name]);
    const deadline = Date.now() + 15_000;
    while ((await running()) !== 'true' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(await running(), 'true');
  } finally {
    await dockerCli(host, ['rm', '-f', name]);
  }
});
