// A replica restarted or stopped by a person, on real lab hosts: a restart keeps the same container
// on its host (drained out of the ingress first, started again, back in the pool), and the
// reconciler neither replaces it meanwhile nor counts it as a crash; a stop drains it, stops it
// gracefully, and the reconciler puts a new replica in its slot and removes the stopped one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, ReplicaStatus, ServiceStatus } from '../../shared/api.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, type TestPlane, until } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

const STACK = `name: acts
services:
  web:
    image: baton-test/web:1
    ports: ["8090:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 2s
    deploy:
      replicas: 2
`;

const hostOf = (name: string): LabHost => lab.hosts[Number(name.slice(1)) - 1]!;

/** This cluster's containers of acts/web as Docker on each host lists them. */
async function containers(): Promise<{ host: string; id: string; running: boolean; healthy: boolean }[]> {
  const clusterId = t.plane.store.settings.get('cluster_id');
  const rows = await Promise.all(
    lab.hosts.map(async (h, i) => {
      const out = await dockerCli(h, ['ps', '-a', '--no-trunc', '--filter', 'label=baton.stack=acts', '--filter', `label=baton.cluster=${clusterId}`, '--format', '{{.ID}} {{.Status}}']);
      return out.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ host: `h${i + 1}`, id: l.slice(0, l.indexOf(' ')), running: l.includes(' Up '), healthy: l.includes('(healthy)') }));
    }),
  );
  return rows.flat();
}

async function startedAt(host: string, id: string): Promise<string> {
  return (await dockerCli(hostOf(host), ['inspect', '--format', '{{.State.StartedAt}}', id])).stdout.trim();
}

const web = async () => ((await call(t.plane, 'service.list', {})) as ServiceStatus[]).find((s) => s.name === 'web')!;
const replicas = async () => (await call(t.plane, 'replica.list', { service: 'acts/web' })) as ReplicaStatus[];
const eventsOf = (replica: string, afterId: number): BatonEvent[] => t.plane.events.list({ stack: 'acts', service: 'web', after: afterId, limit: 200 }).filter((e) => e.replica === replica);

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(t.plane, 'stack.apply', { source: STACK, file: '/stacks/acts/compose.yaml' });
  await until('2 healthy', () => containers(), (r) => r.length === 2 && r.every((c) => c.healthy), 30_000);
  await until('both serving in the ingress', replicas, (r) => r.length === 2 && r.every((x) => x.pool === 'serving'), 20_000);
});

after(async () => {
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

describe('restart a replica in place', () => {
  test('the same container on the same host, started again; drained first, no crash, nothing replaced meanwhile', async () => {
    const [target] = await replicas();
    const idsBefore = (await containers()).map((c) => c.id).sort();
    const startedBefore = await startedAt(target!.host, target!.id);
    const mark = t.plane.lastEventId();
    const status = (await call(t.plane, 'replica.restart', { replica: target!.name })) as ReplicaStatus;
    assert.equal(status.id, target!.id, 'the same container');
    assert.equal(status.host, target!.host, 'on the same host');
    assert.equal(status.state, 'running');
    assert.notEqual(await startedAt(target!.host, target!.id), startedBefore, 'Docker started it again');
    // the reconciler has every chance to act: it keeps the same two containers
    await t.plane.reconciler.idle();
    await new Promise((r) => setTimeout(r, 2000));
    await t.plane.reconciler.idle();
    assert.deepEqual((await containers()).map((c) => c.id).sort(), idsBefore, 'no replica started for it, none removed');
    const kinds = eventsOf(target!.name, mark).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k === 'replica.restarting' || k === 'replica.drained' || k === 'replica.restarted'), ['replica.restarting', 'replica.drained', 'replica.restarted'], `in this order: ${kinds.join(', ')}`);
    assert.ok(!kinds.includes('replica.exited'), `a restart asked for is no crash: ${kinds.join(', ')}`);
    const restarted = eventsOf(target!.name, mark).find((e) => e.kind === 'replica.restarted')!;
    assert.equal(restarted.data?.['requested'], true);
    // healthy again, and back in the ingress's pool under the same id
    await until('back in the pool', replicas, (r) => r.find((x) => x.id === target!.id)?.pool === 'serving' && r.find((x) => x.id === target!.id)?.health === 'healthy', 20_000);
    const s = await web();
    assert.deepEqual([s.desired, s.running], [2, 2]);
  });

  test('a replica that is not there: NOT_FOUND saying how to list them', async () => {
    await expectError(call(t.plane, 'replica.restart', { replica: 'acts_web.9.1-nothere' }), 'NOT_FOUND', /no replica acts_web\.9\.1-nothere.*baton ps/);
  });
});

describe('stop a replica', () => {
  test('drained, stopped gracefully, then replaced in its slot by a new replica; the stopped one is removed', async () => {
    const before = await replicas();
    const target = before[0]!;
    const other = before[1]!;
    const mark = t.plane.lastEventId();
    const status = (await call(t.plane, 'replica.stop', { replica: target.name })) as ReplicaStatus;
    assert.equal(status.id, target.id);
    assert.equal(status.state, 'exited', 'answered once it is stopped');
    const kinds = eventsOf(target.name, mark).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k === 'replica.drained' || k === 'replica.stopped'), ['replica.drained', 'replica.stopped'], `drained before it stopped: ${kinds.join(', ')}`);
    assert.ok(!kinds.includes('replica.exited'), 'a stop asked for is no crash');
    const now = await until(
      'a new replica healthy in its slot, the stopped one gone',
      () => containers(),
      (r) => r.length === 2 && r.every((c) => c.healthy) && !r.some((c) => c.id === target.id),
      30_000,
    );
    assert.ok(now.some((c) => c.id === other.id), 'the other replica was left alone');
    const after = await replicas();
    assert.deepEqual(after.map((r) => r.slot).sort(), [target.slot, other.slot].sort(), 'the new one took the stopped one’s slot');
    const s = await web();
    assert.equal(s.desired, 2, 'a stop does not lower the desired count');
    const replacement = after.find((r) => r.slot === target.slot)!;
    const started = t.plane.events.list({ stack: 'acts', service: 'web', after: mark, limit: 200 }).find((e) => e.kind === 'replica.started' && e.replica === replacement.name);
    assert.match(started?.message ?? '', /replacing a replica stopped on request/);
    const removed = eventsOf(target.name, mark).find((e) => e.kind === 'replica.removed');
    assert.match(removed?.message ?? '', /stopped on request/);
  });
});
