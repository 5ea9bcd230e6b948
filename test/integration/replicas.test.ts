// One replica at a time on real lab hosts, as the topology drives it: drag a replica out
// (replica.remove) and exactly it goes, drag a service onto a host (scale +1 with preferHost) and
// the new replica lands there; inspect a service and a replica; the events that keep the view live.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatonEvent, ClusterSnapshot, ReplicaDetail, ReplicaStatus, ServiceDetail, ServiceStatus } from '../../shared/api.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, waitForEvent, type TestPlane, until } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
const dir = mkdtempSync(join(tmpdir(), 'baton-replicas-'));

const STACK = `name: drag
services:
  web:
    image: baton-test/web:1
    environment:
      SESSION_SECRET: never-shown-anywhere
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 3
`;

/** This cluster's containers of drag/web as Docker on each host lists them. */
async function containers(hosts: LabHost[] = lab.hosts): Promise<{ host: string; id: string; healthy: boolean }[]> {
  const clusterId = t.plane.store.settings.get('cluster_id');
  const rows = await Promise.all(
    hosts.map(async (h, i) => {
      const out = await dockerCli(h, ['ps', '-a', '--no-trunc', '--filter', 'label=baton.stack=drag', '--filter', `label=baton.cluster=${clusterId}`, '--format', '{{.ID}} {{.Status}}']);
      return out.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ host: `h${i + 1}`, id: l.slice(0, l.indexOf(' ')), healthy: l.includes('(healthy)') }));
    }),
  );
  return rows.flat();
}

const web = async () => ((await call(t.plane, 'service.list', {})) as ServiceStatus[]).find((s) => s.name === 'web')!;
const replicas = async () => (await call(t.plane, 'replica.list', { service: 'drag/web' })) as ReplicaStatus[];

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  const file = join(dir, 'drag.yaml');
  writeFileSync(file, STACK);
  await call(t.plane, 'stack.apply', { source: readFileSync(file, 'utf8'), file });
  await until('3 healthy', () => containers(), (r) => r.length === 3 && r.every((c) => c.healthy), 30_000);
  await until('the control plane sees 3 healthy', web, (s) => s.healthy === 3, 10_000);
});

after(async () => {
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

describe('drag a replica out, drag the service onto a host', () => {
  test('replica.remove of the middle replica of 3: exactly the other 2 remain, the same containers, desired 2', async () => {
    const before = await replicas();
    assert.deepEqual(before.map((r) => r.slot), [1, 2, 3]);
    const middle = before.find((r) => r.slot === 2)!;
    const others = before.filter((r) => r !== middle).map((r) => r.id).sort();
    const status = (await call(t.plane, 'replica.remove', { replica: middle.name })) as ServiceStatus;
    assert.equal(status.desired, 2);
    assert.equal(status.name, 'web');
    // at once, and still after the reconciler has had every chance to act
    assert.deepEqual((await containers()).map((c) => c.id).sort(), others, 'exactly the other two, the same containers');
    await t.plane.reconciler.idle();
    await new Promise((r) => setTimeout(r, 3000));
    await t.plane.reconciler.idle();
    assert.deepEqual((await containers()).map((c) => c.id).sort(), others, 'no replica started for the gap, none removed instead');
    assert.deepEqual((await replicas()).map((r) => r.slot), [1, 3]);
    const s = await web();
    assert.deepEqual([s.desired, s.running, s.healthy], [2, 2, 2]);
    const events = t.plane.events.list({ stack: 'drag', service: 'web', limit: 20 });
    assert.ok(events.some((e) => e.kind === 'replica.removed' && e.replica === middle.name), 'the removal is an event');
    assert.ok(events.some((e) => e.kind === 'service.scaled' && /scaled to 2/.test(e.message)), 'so is the new count');
    assert.ok(!events.some((e) => e.kind === 'replica.exited' && e.replica === middle.name), 'a removal on request is no crash');
  });

  test('replica.remove of something that is not a replica says how to list them', async () => {
    await expectError(call(t.plane, 'replica.remove', { replica: 'drag_web.9.1-nothere' }), 'NOT_FOUND', /no replica drag_web\.9\.1-nothere.*baton ps/);
  });

  test('scale +1 with preferHost h2, twice: both new replicas land on h2 (spread alone would not put the second there)', async () => {
    const h2 = lab.hosts[1]!;
    let lastHealthy: BatonEvent | null = null;
    for (const desired of [3, 4]) {
      const beforeIds = new Set((await containers()).map((c) => c.id));
      const healthy = waitForEvent(t.plane, (e) => e.kind === 'replica.healthy' && e.service === 'web' && e.host === 'h2', 20_000);
      const [scaled] = (await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: desired, preferHost: 'h2' }] })) as ServiceStatus[];
      assert.equal(scaled!.preferredHost, 'h2');
      const now = await until(`${desired} healthy`, () => containers(), (r) => r.length === desired && r.every((c) => c.healthy), 30_000);
      const added = now.filter((c) => !beforeIds.has(c.id));
      assert.equal(added.length, 1);
      assert.equal(added[0]!.host, 'h2', `the new replica runs on ${h2.name}`);
      const onH2 = (await dockerCli(h2, ['ps', '-q', '--no-trunc', '--filter', 'label=baton.stack=drag'])).stdout;
      assert.ok(onH2.includes(added[0]!.id), 'docker on host 2 shows it');
      lastHealthy = await healthy; // the health change reached the event stream, so the topology sees it
    }
    const snapshot = (await call(t.plane, 'cluster.snapshot', {})) as ClusterSnapshot;
    assert.equal(snapshot.usage.find((u) => u.host === 'h2')!.replicas, 2);
    assert.equal(snapshot.services.find((s) => s.name === 'web')!.preferredHost, 'h2');
    assert.ok(snapshot.lastEventId >= lastHealthy!.id && snapshot.lastEventId <= t.plane.lastEventId(), 'the picture names the newest event it includes');
  });

  test('scale with an unknown preferred host: NOT_FOUND naming it, nothing changes', async () => {
    await expectError(call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 5, preferHost: 'h9' }] }), 'NOT_FOUND', /no host named h9.*baton host ls/);
    assert.equal((await web()).desired, 4);
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 4, preferHost: null }] });
    assert.equal((await web()).preferredHost, null);
  });
});

describe('inspect', () => {
  test('service.inspect: spec without environment values, file, revisions, its events', async () => {
    const detail = (await call(t.plane, 'service.inspect', { service: 'drag/web' })) as ServiceDetail;
    assert.equal(detail.status.desired, 4);
    assert.equal(detail.spec['image'], 'baton-test/web:1');
    assert.deepEqual(detail.spec['environment'], { SESSION_SECRET: '[hidden]' });
    assert.ok(!JSON.stringify(detail).includes('never-shown-anywhere'));
    assert.equal(detail.file, join(dir, 'drag.yaml'));
    assert.deepEqual(detail.revisions.map((r) => r.revision), [1]);
    assert.ok(detail.events.length > 0 && detail.events.every((e) => e.stack === 'drag' && e.service === 'web'));
  });

  test('at rest: the environment value is nowhere in the state file (WAL included), yet the replicas run with it', async () => {
    const raw = ['baton.db', 'baton.db-wal', 'baton.db-shm']
      .map((f) => join(t.home, f))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    assert.ok(raw.length > 0);
    assert.ok(!raw.includes('never-shown-anywhere'), 'no environment value in clear in baton.db, -wal or -shm');
    const r = (await replicas()).find((x) => x.host === 'h1') ?? (await replicas())[0]!;
    const host = lab.hosts[Number(r.host.slice(1)) - 1]!;
    const env = await dockerCli(host, ['inspect', '--format', '{{json .Config.Env}}', r.id]);
    assert.ok((JSON.parse(env.stdout) as string[]).includes('SESSION_SECRET=never-shown-anywhere'), 'the container got the plain value');
  });

  test('replica.inspect: live from the host, environment names only, by name or by 12 characters of its id', async () => {
    const r = (await replicas()).find((x) => x.host === 'h2')!;
    const byName = (await call(t.plane, 'replica.inspect', { replica: r.name })) as ReplicaDetail;
    const byId = (await call(t.plane, 'replica.inspect', { replica: r.id.slice(0, 12) })) as ReplicaDetail;
    assert.equal(byId.replica.id, r.id);
    assert.equal(byName.replica.host, 'h2');
    assert.equal(byName.image, 'baton-test/web:1');
    assert.ok(byName.envNames.includes('SESSION_SECRET') && byName.envNames.includes('PATH'));
    assert.ok(!JSON.stringify(byName).includes('never-shown-anywhere'), 'no environment value');
    assert.equal(byName.labels['baton.service'], 'web');
    assert.ok(byName.startedAt !== null && byName.exitCode === null);
    assert.ok(byName.events.some((e) => e.kind === 'replica.started'));
  });

  test('a replica on a host that went away: replica.inspect says UNAVAILABLE, naming the host', async () => {
    const lost = lab.hosts[2]!;
    const r = (await replicas()).find((x) => x.host === 'h3')!;
    const gone = waitForEvent(t.plane, (e: BatonEvent) => e.kind === 'host.unreachable' && e.host === 'h3', 20_000);
    await killHost(lost.name, 'link');
    try {
      await gone;
      await expectError(call(t.plane, 'replica.inspect', { replica: r.name }), 'UNAVAILABLE', /Can't inspect .* on h3 now: host h3 is unreachable.*baton host ls/);
      const snapshot = (await call(t.plane, 'cluster.snapshot', {})) as ClusterSnapshot;
      assert.equal(snapshot.hosts.find((h) => h.name === 'h3')!.state, 'unreachable');
      assert.equal(snapshot.replicas.find((x) => x.id === r.id)!.hostReady, false);
    } finally {
      await reviveHost(lost.name);
    }
    await waitForEvent(t.plane, (e) => e.kind === 'host.ready' && e.host === 'h3', 30_000);
  });
});
