// The cluster's new views, on a real control plane (its SQLite store and dispatcher) whose hosts
// are records only, so no host is needed: the snapshot (cheap at 1000 replicas, usage summed,
// lastEventId read first), scale's preferred host, service.inspect without secret values, and the
// errors for replicas and hosts that do not exist.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSnapshot, ServiceDetail, ServiceStatus } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import { containerSpecHash, serviceSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';
import { serviceSpec } from './fixtures/service-spec.ts';
import { IN_PROCESS } from '../../electron/control-plane/api/caller.ts';

const HOSTS = 10;
const SERVICES = 20;
const REPLICAS = 1000;
const GIB = 2 ** 30;

let plane: ControlPlane;

async function call(method: string, params: unknown): Promise<unknown> {
  const answer = await plane.dispatch(method, params, IN_PROCESS);
  if ('error' in answer) throw BatonError.fromBody(answer.error);
  return answer.result;
}

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'baton-cluster-'));
  plane = await ControlPlane.start({ home, userHome: mkdtempSync(join(tmpdir(), 'baton-cluster-user-')), logger: silentLogger() });
  const now = new Date().toISOString();
  for (let h = 1; h <= HOSTS; h++) {
    plane.store.hosts.insert({
      name: `h${h}`,
      kind: 'ssh',
      ssh: { user: 'root', address: `10.0.0.${h}`, port: 22 },
      socketPath: null,
      auth: 'key',
      identityFile: '/keys/id',
      passphraseSealed: null,
      agentSocket: null,
      hostKeyFingerprint: null,
      labels: {},
      inventory: null,
      addedAt: now,
      lastSeenAt: null,
    });
  }
  const { stacks } = plane.store;
  stacks.upsertStack({ name: 'shop', file: '/srv/shop/compose.yaml', source: '', declarations: { secrets: {}, configs: {}, volumes: {}, networks: {} }, placementStrategy: 'spread', updatedAt: now }, now);
  const perService = REPLICAS / SERVICES;
  let id = 0;
  for (let s = 1; s <= SERVICES; s++) {
    const spec = serviceSpec({
      name: `svc${s}`,
      replicas: perService,
      reservations: { nanoCpus: 250_000_000, memoryBytes: GIB / 4 },
      environment: { DATABASE_PASSWORD: 'hunter2-do-not-show', MODE: 'production' },
      secrets: [{ source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o400 }],
    });
    const containerHash = containerSpecHash(spec);
    const revision = stacks.addRevision({ stack: 'shop', service: spec.name, spec, specHash: serviceSpecHash(spec), containerHash, createdAt: now });
    stacks.putService({ stack: 'shop', name: spec.name, replicas: perService, revision, preferredHost: null });
    for (let slot = 1; slot <= perService; slot++) {
      id++;
      const replica: ObservedReplica = {
        id: id.toString(16).padStart(64, '0'),
        name: `shop_svc${s}.${slot}.1-${id.toString(16).padStart(6, '0')}`,
        host: `h${(id % HOSTS) + 1}`,
        stack: 'shop',
        service: spec.name,
        slot,
        revision,
        containerHash,
        state: 'running',
        health: 'healthy',
        exitCode: null,
        createdMs: Date.parse(now),
        ports: [],
      };
      plane.reconciler.state.upsert(replica);
    }
  }
});

after(async () => {
  await plane.stop();
});

test('cluster.snapshot: 1000 replicas answer in a few ms, with usage per host and services as listed', async (t) => {
  plane.events.append({ kind: 'host.synced', message: 'the newest event before the snapshot' });
  const marker = plane.events.lastId();
  for (let i = 0; i < 5; i++) await call('cluster.snapshot', {}); // warm up the JIT
  const times: number[] = [];
  let snapshot: ClusterSnapshot | null = null;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    snapshot = (await call('cluster.snapshot', {})) as ClusterSnapshot;
    times.push(performance.now() - t0);
  }
  const best = Math.min(...times);
  t.diagnostic(`cluster.snapshot with ${REPLICAS} replicas: best of 10 ${best.toFixed(1)} ms`);
  assert.ok(best < 25, `cluster.snapshot took ${best.toFixed(1)} ms at best (all: ${times.map((t) => t.toFixed(1)).join(', ')})`);
  const s = snapshot!;
  assert.equal(s.lastEventId, marker);
  assert.equal(s.hosts.length, HOSTS);
  assert.equal(s.replicas.length, REPLICAS);
  assert.equal(s.services.length, SERVICES);
  assert.deepEqual(s.services[0]!.reservation, { nanoCpus: 250_000_000, memoryBytes: GIB / 4 });
  assert.equal(s.services[0]!.desired, REPLICAS / SERVICES);
  // the hosts here never connected: what they showed last is not known to be true now
  assert.equal(s.services[0]!.running, 0);
  assert.equal(s.services[0]!.healthy, 0);
  assert.equal(s.services[0]!.unknown, REPLICAS / SERVICES);
  assert.ok(s.replicas.every((r) => r.status === 'unknown' && r.health === 'healthy'), 'unknown now, healthy as Docker said last');
  assert.equal(s.services[0]!.preferredHost, null);
  const usage = s.usage.find((u) => u.host === 'h1')!;
  assert.equal(usage.replicas, REPLICAS / HOSTS);
  assert.equal(usage.nanoCpusReserved, (REPLICAS / HOSTS) * 250_000_000);
  assert.equal(usage.memoryBytesReserved, (REPLICAS / HOSTS) * (GIB / 4));
  assert.equal(s.usage.reduce((n, u) => n + u.replicas, 0), REPLICAS);
});

test('service.scale with preferHost keeps it with the service; null clears it; an unknown host changes nothing', async () => {
  const [scaled] = (await call('service.scale', { targets: [{ service: 'svc1', replicas: 51, preferHost: 'h2' }] })) as ServiceStatus[];
  assert.equal(scaled!.preferredHost, 'h2');
  assert.equal(scaled!.desired, 51);
  const kept = (await call('service.scale', { targets: [{ service: 'svc1', replicas: 50 }] })) as ServiceStatus[];
  assert.equal(kept[0]!.preferredHost, 'h2', 'absent leaves it');
  const cleared = (await call('service.scale', { targets: [{ service: 'svc1', replicas: 50, preferHost: null }] })) as ServiceStatus[];
  assert.equal(cleared[0]!.preferredHost, null);
  const err = await call('service.scale', { targets: [{ service: 'svc2', replicas: 9 }, { service: 'svc1', replicas: 60, preferHost: 'nowhere' }] }).catch((e: BatonError) => e);
  assert.ok(err instanceof BatonError && err.code === 'NOT_FOUND');
  assert.match(err.message, /no host named nowhere.*baton host ls/);
  const services = (await call('service.list', {})) as ServiceStatus[];
  assert.equal(services.find((x) => x.name === 'svc2')!.desired, 50, 'nothing was scaled');
  const events = plane.events.list({ service: 'svc1', limit: 5 });
  assert.match(events.at(-1)!.message, /scaled to 50, no preferred host/);
});

test('service.inspect: the spec with secrets by name and no environment values; revisions; its events', async () => {
  const detail = (await call('service.inspect', { service: 'shop/svc3' })) as ServiceDetail;
  const text = JSON.stringify(detail);
  assert.ok(!text.includes('hunter2'), 'no environment value leaks');
  assert.deepEqual(detail.spec['environment'], { DATABASE_PASSWORD: '[hidden]', MODE: '[hidden]' });
  assert.deepEqual((detail.spec['secrets'] as { source: string }[]).map((x) => x.source), ['db_password']);
  assert.equal(detail.file, '/srv/shop/compose.yaml');
  assert.deepEqual(detail.revisions.map((r) => r.revision), [1]);
  assert.equal(detail.status.name, 'svc3');
  plane.events.append({ kind: 'replica.exited', stack: 'shop', service: 'svc3', replica: 'shop_svc3.1.1-x', message: 'about svc3' });
  plane.events.append({ kind: 'replica.exited', stack: 'shop', service: 'svc4', message: 'about svc4' });
  const again = (await call('service.inspect', { service: 'svc3' })) as ServiceDetail;
  assert.deepEqual(again.events.map((e) => e.message), ['about svc3']);
});

test('replicas that do not exist: NOT_FOUND with the way to list them', async () => {
  for (const method of ['replica.remove', 'replica.inspect']) {
    const err = await call(method, { replica: 'shop_svc1.99.1-nothere' }).catch((e: BatonError) => e);
    assert.ok(err instanceof BatonError && err.code === 'NOT_FOUND', method);
    assert.match(err.message, /no replica shop_svc1\.99\.1-nothere.*baton ps/);
  }
  // an id prefix of 12 characters finds the replica; its host is only a record here, so it is not reachable
  const err = await call('replica.inspect', { replica: '000000000000' }).catch((e: BatonError) => e);
  assert.ok(err instanceof BatonError && err.code === 'NOT_FOUND', 'twelve zeros are a prefix of many ids: not one replica');
  const one = await call('replica.inspect', { replica: (1).toString(16).padStart(64, '0') }).catch((e: BatonError) => e);
  assert.ok(one instanceof BatonError && one.code === 'UNAVAILABLE', `got ${(one as BatonError).code}`);
  assert.match(one.message, /Can't inspect shop_svc1\.1\.1-000001 on h2 now: host h2 is connecting.*baton host ls/);
});
