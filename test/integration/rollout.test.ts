// Rollouts on real lab hosts, under load through the front door with every non-2xx answer and
// socket error counted: a rolling update, a failing revision that rolls back by itself, the
// control plane killed -9 mid-rollout, a service with a host-mode port, and a host drained and
// activated again (its replicas move away and back, one at a time).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BatonEvent, ReplicaStatus } from '../../shared/api.ts';
import type { RevisionEntry, RolloutStatus } from '../../shared/rollout.ts';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import { describeLoad, startLoad } from '../lab/load.ts';
import { call, expectError, startTestPlane, until as untilHolds, waitForEvent, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
const run = promisify(execFile);

function stack(image: string, extra: { command?: string; replicas?: number; order?: string; parallelism?: number; delay?: string } = {}): string {
  return `name: roll
services:
  web:
    image: ${image}
${extra.command ? `    command: ${extra.command}\n` : ''}    ports: ["8081:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 2s
    deploy:
      replicas: ${extra.replicas ?? 6}
      update_config:
        parallelism: ${extra.parallelism ?? 2}
        order: ${extra.order ?? 'start-first'}
        monitor: 2s
        failure_action: rollback
${extra.delay ? `        delay: ${extra.delay}\n` : ''}      rollback_config:
        parallelism: 0
`;
}

function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  return untilHolds(what, probe, ok, timeoutMs, { retryErrors: true, pollMs: 250 });
}
const status = (service = 'web') => call(t.plane, 'rollout.status', { service }) as Promise<RolloutStatus>;
const replicas = async (service = 'roll/web') => (await call(t.plane, 'replica.list', { service })) as ReplicaStatus[];
const url = () => `http://${lab.hosts[0]!.address}:8081/`;
const load = (durationS: number) => startLoad({ url: url(), connections: 8, threads: 2, durationS, timeoutS: 3 });

async function containers(service: string): Promise<{ host: string; image: string }[]> {
  const perHost = await Promise.all(
    lab.hosts.map(async (h, i) => {
      const out = await dockerCli(h, ['ps', '-a', '--filter', `label=baton.stack=${service === 'web' ? 'roll' : service === 'edge' ? 'hp' : service}`, '--filter', `label=baton.service=${service}`, '--format', '{{.Image}}']);
      return out.stdout.split('\n').filter(Boolean).map((image) => ({ host: `h${i + 1}`, image }));
    }),
  );
  return perHost.flat();
}

async function settled(image: string, count: number, phase: RolloutStatus['phase'] = 'completed'): Promise<void> {
  await until(`the rollout ${phase}`, status, (s) => s.phase === phase, 120_000);
  await until(`exactly ${count} containers, all ${image}`, () => containers('web'), (cs) => cs.length === count && cs.every((c) => c.image === image), 30_000);
}

const perHost = (cs: { host: string }[]) => ['h1', 'h2', 'h3'].map((h) => cs.filter((c) => c.host === h).length);

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(t.plane, 'stack.apply', { source: stack('baton-test/web:1'), file: '/stacks/roll/compose.yaml' });
  await until('6 healthy replicas', replicas, (rs) => rs.filter((r) => r.health === 'healthy').length === 6, 90_000);
  await until('the front door answers', () => fetch(url(), { signal: AbortSignal.timeout(2000) }).then((r) => r.status), (s) => s === 200, 30_000);
});

after(async () => {
  await t?.plane.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

describe('rolling updates', () => {
  test('nothing rolls out yet: pause and undo say so, and what to do', async () => {
    await expectError(call(t.plane, 'rollout.pause', { service: 'web' }), 'INVALID_INPUT', /Nothing rolls out for roll\/web.*baton apply/);
    await expectError(call(t.plane, 'rollout.undo', { service: 'web' }), 'INVALID_INPUT', /no earlier revision/);
  });

  test('v1 → v2 under load: 0 failed requests, exactly 6 replicas on v2, spread 2/2/2, and the history says what changed', async () => {
    const running = load(25);
    await new Promise((r) => setTimeout(r, 2000));
    await call(t.plane, 'stack.apply', { source: stack('baton-test/web:2'), file: '/stacks/roll/compose.yaml' });
    await settled('baton-test/web:2', 6);
    const result = await running.result;
    assert.ok(result.requests > 500, `load ran: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, describeLoad(result));
    assert.deepEqual(perHost(await containers('web')), [2, 2, 2]);
    const s = await status();
    assert.equal(s.revision, 2);
    assert.equal(s.rollout?.fromRevision, 1);
    const history = (await call(t.plane, 'rollout.history', { service: 'web' })) as RevisionEntry[];
    assert.deepEqual(history.map((h) => [h.revision, h.image, h.current]), [[1, 'baton-test/web:1', false], [2, 'baton-test/web:2', true]]);
    assert.ok(history[1]!.changes.some((c) => c.field === 'image' && c.before === 'baton-test/web:1' && c.after === 'baton-test/web:2'), JSON.stringify(history[1]!.changes));
  });

  test('a revision whose replicas exit at once rolls back by itself under load: the event names it, its replicas and why', async () => {
    const running = load(20);
    await new Promise((r) => setTimeout(r, 1000));
    const rolledBack = waitForEvent(t.plane, (e) => e.kind === 'rollout.rolling-back', 60_000);
    await call(t.plane, 'stack.apply', { source: stack('baton-test/web:1', { command: '["sh", "-c", "echo bad config >&2; exit 3"]' }), file: '/stacks/roll/compose.yaml' });
    const event: BatonEvent = await rolledBack;
    assert.match(event.message, /revision 3 failed, rolling back to revision 2/);
    assert.match(event.message, /exited with code 3/);
    assert.ok(((event.data as { replicas: string[] }).replicas ?? []).length >= 1);
    await settled('baton-test/web:2', 6, 'rolled-back');
    const result = await running.result;
    assert.equal(result.failed, 0, describeLoad(result));
    const s = await status();
    assert.equal(s.revision, 2, 'the service is back on its last good revision');
    assert.equal(s.rollout?.failedRevision, 3);
  });

  test('rollout undo goes back to the revision before, and --to-revision to a chosen one', async () => {
    await call(t.plane, 'rollout.undo', { service: 'web', toRevision: 1 });
    await settled('baton-test/web:1', 6, 'rolled-back');
    assert.equal((await status()).revision, 1);
    await expectError(call(t.plane, 'rollout.undo', { service: 'web', toRevision: 9 }), 'NOT_FOUND', /no revision 9/);
    // applying the newer file again rolls forward to it
    await call(t.plane, 'stack.apply', { source: stack('baton-test/web:2'), file: '/stacks/roll/compose.yaml' });
    await settled('baton-test/web:2', 6);
  });

  test('pause holds a rollout where it is; resume finishes it', async () => {
    await call(t.plane, 'stack.apply', { source: stack('baton-test/web:1', { parallelism: 1, delay: '3s' }), file: '/stacks/roll/compose.yaml' });
    await until('one replica updated', status, (s) => s.updated >= 1, 30_000);
    await call(t.plane, 'rollout.pause', { service: 'web' });
    const held = (await status()).updated;
    await new Promise((r) => setTimeout(r, 5000));
    const s = await status();
    assert.equal(s.phase, 'paused');
    assert.ok(s.updated <= held + 1, `paused at ${held}, now ${s.updated}`); // one batch may have been under way
    assert.match(s.waitingFor ?? '', /paused by hand/);
    await call(t.plane, 'rollout.resume', { service: 'web' });
    await settled('baton-test/web:1', 6);
  });
});

describe('the control plane killed -9 mid-rollout', () => {
  test('a new one carries the rollout on and ends with exactly 6 replicas on the new revision', async () => {
    const { home, userHome } = t;
    await t.plane.stop();
    const env = { ...process.env, BATON_HOME: home, HOME: userHome };
    const logs: string[] = [];
    const startServe = async (): Promise<ChildProcess> => {
      const server = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--ingress-image', lab.images.haproxy], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const logFile = join(home, `serve-${logs.length + 1}.log`);
      logs.push(logFile);
      server.stderr!.pipe(createWriteStream(logFile));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('serve did not start')), 20_000);
        server.stderr!.on('data', (d: Buffer) => {
          if (/serving/.test(d.toString())) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      return server;
    };
    const cli = async (...args: string[]) => (await run(process.execPath, ['bin/baton.mjs', ...args], { env })).stdout;
    const dir = mkdtempSync(join(tmpdir(), 'baton-roll-'));
    writeFileSync(join(dir, 'compose.yaml'), stack('baton-test/web:2', { parallelism: 1, delay: '1s' }).replace('name: roll', 'name: roll'));
    let server = await startServe();
    const running = load(30);
    try {
      await cli('apply', '-f', join(dir, 'compose.yaml'), '-p', 'roll');
      await until('2 replicas updated', async () => JSON.parse(await cli('rollout', 'status', 'web', '--json')) as RolloutStatus, (s) => s.updated >= 2 && s.old >= 2, 60_000);
      server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      server = await startServe();
      const done = JSON.parse(await cli('rollout', 'status', 'web', '--wait', '120', '--json')) as RolloutStatus;
      assert.equal(done.phase, 'completed');
      assert.equal(done.updated, 6);
      assert.equal(done.old, 0);
      await until('exactly 6 containers, all v2', () => containers('web'), (cs) => cs.length === 6 && cs.every((c) => c.image === 'baton-test/web:2'), 30_000);
    } finally {
      server.kill('SIGKILL');
      // the suites after this one go on with a control plane of their own on the same home
      t = await startTestPlane({ home, userHome });
    }
    const result = await running.result;
    await until('the hosts are ready again', async () => (await call(t.plane, 'host.list', {})) as { state: string }[], (hs) => hs.length === 3 && hs.every((h) => h.state === 'ready'), 30_000);
    assert.equal(result.failed, 0, `${describeLoad(result)}; the serves' logs: ${logs.join(', ')}`);
  });
});

describe('a host drained, then activated', () => {
  test('under load: its replicas move away (new ones healthy first), then back one at a time, with 0 failed requests', async () => {
    await settled('baton-test/web:2', 6);
    const running = load(40);
    await new Promise((r) => setTimeout(r, 1000));
    await call(t.plane, 'host.drain', { name: 'h3' });
    await until('nothing on h3', () => containers('web'), (cs) => cs.length === 6 && perHost(cs)[2] === 0, 60_000);
    const hosts = (await call(t.plane, 'host.list', {})) as { name: string; availability?: string }[];
    assert.equal(hosts.find((h) => h.name === 'h3')?.availability, 'drain');
    await call(t.plane, 'host.activate', { name: 'h3' });
    await until('2 on every host again', () => containers('web'), (cs) => cs.length === 6 && perHost(cs).join() === '2,2,2', 60_000);
    const result = await running.result;
    assert.ok(result.requests > 500, `load ran: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, describeLoad(result));
  });

  test('a drain that would leave a service with nowhere to go is refused, and nothing changes', async () => {
    await call(t.plane, 'stack.apply', { source: `name: pinned\nservices:\n  one:\n    image: baton-test/web:1\n    deploy:\n      placement:\n        constraints: ["node.hostname == ${(await hostname('h1'))}"]\n`, file: '/stacks/pinned/compose.yaml' });
    await until('pinned/one runs', () => replicas('pinned/one'), (rs) => rs.some((r) => r.state === 'running'), 60_000);
    await expectError(call(t.plane, 'host.drain', { name: 'h1' }), 'INVALID_INPUT', /nowhere to go[\s\S]*pinned\/one/);
    const hosts = (await call(t.plane, 'host.list', {})) as { name: string; availability?: string }[];
    assert.equal(hosts.find((h) => h.name === 'h1')?.availability, undefined);
    await call(t.plane, 'stack.remove', { name: 'pinned' });
  });
});

describe('a service with a host-mode port', () => {
  test('rolls out, one host at a time, stop-first on each host', async () => {
    const hostMode = (image: string) => `name: hp
services:
  edge:
    image: ${image}
    ports:
      - target: 8080
        published: 8090
        mode: host
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    deploy:
      replicas: 3
`;
    await call(t.plane, 'stack.apply', { source: hostMode('baton-test/web:1'), file: '/stacks/hp/compose.yaml' });
    await until('3 edge replicas, one per host', () => containers('edge'), (cs) => cs.length === 3 && perHost(cs).join() === '1,1,1', 60_000);
    await call(t.plane, 'stack.apply', { source: hostMode('baton-test/web:2'), file: '/stacks/hp/compose.yaml' });
    await until('the rollout completed', () => status('hp/edge'), (s) => s.phase === 'completed', 90_000);
    const cs = await containers('edge');
    assert.deepEqual(perHost(cs), [1, 1, 1]);
    assert.ok(cs.every((c) => c.image === 'baton-test/web:2'));
    for (const h of lab.hosts) assert.equal((await fetch(`http://${h.address}:8090/`, { signal: AbortSignal.timeout(3000) })).status, 200);
    await call(t.plane, 'stack.remove', { name: 'hp' });
  });
});

async function hostname(name: string): Promise<string> {
  const hosts = (await call(t.plane, 'host.list', {})) as { name: string; inventory: { hostname: string } | null }[];
  return hosts.find((h) => h.name === name)!.inventory!.hostname;
}
