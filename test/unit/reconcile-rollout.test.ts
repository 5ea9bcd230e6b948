import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type DecideInput, type DesiredState } from '../../electron/control-plane/reconcile/decide.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import { stepRollout, type RolloutInput, type RolloutTarget } from '../../electron/control-plane/reconcile/rollout.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';
import type { UpdatePolicy } from '../../shared/stack.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const policy = (over: Partial<UpdatePolicy> = {}): UpdatePolicy => ({ parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5000, maxFailureRatio: 0, order: 'start-first', ...over });
const target = (over: Partial<RolloutTarget> = {}): RolloutTarget => ({ revision: 2, containerHash: 'v2', replicas: 3, update: policy(), rollback: policy(), progressDeadlineMs: 600_000, ...over });

let n = 0;
const replica = (slot: number, host: string, hash: string, extra: Partial<ObservedReplica> = {}): ObservedReplica => ({
  id: `c${++n}`,
  name: `shop_web.${slot}.${hash}-${n}`,
  host,
  stack: 'shop',
  service: 'web',
  slot,
  revision: hash === 'v1' ? 1 : 2,
  containerHash: hash,
  state: 'running',
  health: 'healthy',
  exitCode: null,
  createdMs: 1000,
  ports: [],
  ...extra,
});
const old3 = () => [replica(1, 'a', 'v1'), replica(2, 'b', 'v1'), replica(3, 'c', 'v1')];
const step = (over: Partial<RolloutInput>) => stepRollout({ record: null, target: target(), replicas: old3(), nowMs: 10_000, ...over });

test('a changed revision with older replicas serving begins a rollout from their revision', () => {
  const s = step({});
  assert.equal(s.next?.phase, 'rolling');
  assert.equal(s.next?.fromRevision, 1);
  assert.equal(s.next?.toRevision, 2);
  assert.deepEqual(s.gate, { mayStart: true, parallelism: 1, order: 'start-first' });
  assert.deepEqual(s.events.map((e) => e.kind), ['rollout.started']);
});

test('nothing older running: no rollout (a first deploy, or a change only to update_config)', () => {
  const s = step({ replicas: [replica(1, 'a', 'v2')] });
  assert.equal(s.next, null);
  assert.equal(s.events.length, 0);
});

test('progress is recorded, and the rollout completes only after the monitor period of the last replica', () => {
  const begun = step({}).next!;
  const all = [replica(1, 'a', 'v2'), replica(2, 'b', 'v2'), replica(3, 'c', 'v2')];
  const s1 = step({ record: begun, replicas: all, nowMs: 20_000 });
  assert.equal(s1.next?.phase, 'rolling');
  assert.equal(s1.next?.lastProgressAtMs, 20_000);
  assert.equal(s1.recheckAtMs, 25_000);
  const s2 = step({ record: s1.next, replicas: all, nowMs: 25_000 });
  assert.equal(s2.next?.phase, 'completed');
  assert.ok(s2.events.some((e) => e.kind === 'rollout.completed'));
});

test('a new replica that fails its health check pauses the rollout by default, saying why', () => {
  const begun = step({}).next!;
  const bad = replica(1, 'a', 'v2', { health: 'unhealthy' });
  const s = step({ record: begun, replicas: [...old3(), bad], nowMs: 12_000, failureDetail: { [bad.id]: 'curl: (7) connection refused' } });
  assert.equal(s.next?.phase, 'paused');
  assert.equal(s.gate.mayStart, false);
  assert.match(s.next!.reason!, /connection refused/);
  assert.deepEqual(s.events.map((e) => e.kind), ['rollout.replica-failed', 'rollout.paused']);
});

test('failure_action rollback: the service goes back to the last good revision, and the event names revision, replicas and reason', () => {
  const t = target({ update: policy({ failureAction: 'rollback' }), rollback: policy({ parallelism: 0 }) });
  const begun = step({ target: t }).next!;
  const crashed = replica(1, 'a', 'v2', { state: 'exited', health: 'none', exitCode: 3 });
  const s = step({ target: t, record: begun, replicas: [...old3(), crashed], nowMs: 12_000 });
  assert.equal(s.revertTo, 1);
  assert.equal(s.next?.phase, 'rolling-back');
  assert.equal(s.next?.kind, 'rollback');
  assert.equal(s.next?.toRevision, 1);
  assert.equal(s.next?.failedRevision, 2);
  assert.equal(s.gate.parallelism, Infinity); // rollback_config's parallelism 0: all at once
  const back = s.events.find((e) => e.kind === 'rollout.rolling-back')!;
  assert.deepEqual((back.data as { replicas: string[] }).replicas, [crashed.name]);
  assert.match(back.message, /revision 2 failed.*exited with code 3/);
  // the next step, with the service now at revision 1, is the rollback itself: no new retarget
  const after = stepRollout({ record: s.next, target: { ...t, revision: 1, containerHash: 'v1' }, replicas: [...old3()], nowMs: 13_000 });
  assert.ok(!after.events.some((e) => e.kind === 'rollout.started' || e.kind === 'rollout.retargeted'));
});

test('max_failure_ratio tolerates failures up to the ratio', () => {
  const t = target({ update: policy({ maxFailureRatio: 0.5 }) });
  const begun = step({ target: t }).next!;
  const s = step({ target: t, record: begun, replicas: [...old3(), replica(1, 'a', 'v2', { health: 'unhealthy' })], nowMs: 12_000 });
  assert.equal(s.next?.phase, 'rolling'); // 1 of 3 is under 0.5
});

test('a replica that was available and fails after the monitor period is not the rollout\'s failure', () => {
  const begun = step({}).next!;
  const ok = replica(1, 'a', 'v2', { createdMs: 11_000 });
  const s1 = step({ record: begun, replicas: [...old3(), ok], nowMs: 12_000 });
  const s2 = step({ record: s1.next, replicas: [...old3(), { ...ok, health: 'unhealthy' }], nowMs: 30_000 });
  assert.equal(s2.next?.phase, 'rolling');
  assert.equal(s2.next?.failures.length, 0);
});

test('the progress deadline pauses a rollout that stops moving', () => {
  const begun = step({ target: target({ progressDeadlineMs: 60_000 }) }).next!;
  const s = step({ target: target({ progressDeadlineMs: 60_000 }), record: begun, replicas: [...old3(), replica(1, 'a', 'v2', { health: 'starting' })], nowMs: 10_000 + 60_001 });
  assert.equal(s.next?.phase, 'paused');
  assert.match(s.next!.reason!, /no progress for 60 s/);
});

test('a newer revision during a rollout retargets it and keeps the last good revision', () => {
  const begun = step({}).next!;
  const s = step({ record: begun, target: target({ revision: 3, containerHash: 'v3' }), replicas: [...old3(), replica(1, 'a', 'v2')], nowMs: 11_000 });
  assert.equal(s.next?.toRevision, 3);
  assert.equal(s.next?.fromRevision, 1);
  assert.equal(s.next?.id, begun.id);
  assert.deepEqual(s.events.map((e) => e.kind), ['rollout.retargeted']);
});

test('delay: the next batch waits until the batch under way is healthy plus the delay', () => {
  const t = target({ update: policy({ delayMs: 5000 }) });
  const begun = step({ target: t }).next!;
  const starting = replica(1, 'a', 'v2', { health: 'starting' });
  const s1 = step({ target: t, record: begun, replicas: [...old3(), starting], nowMs: 11_000 });
  assert.equal(s1.gate.mayStart, false);
  const s2 = step({ target: t, record: s1.next, replicas: [replica(2, 'b', 'v1'), replica(3, 'c', 'v1'), { ...starting, health: 'healthy' }], nowMs: 12_000 });
  assert.equal(s2.gate.mayStart, false);
  assert.equal(s2.recheckAtMs, 17_000);
  const s3 = step({ target: t, record: s2.next, replicas: [replica(2, 'b', 'v1'), replica(3, 'c', 'v1'), { ...starting, health: 'healthy' }], nowMs: 17_000 });
  assert.equal(s3.gate.mayStart, true);
});

// ---- decide under the gate

const host = (name: string, extra: Partial<HostCandidate> = {}): HostCandidate => ({ name, ready: true, hostname: name, labels: {}, engineLabels: {}, nanoCpus: 2e9, memoryBytes: 4 * 2 ** 30, reservedNanoCpus: 0, reservedMemoryBytes: 0, usedHostPorts: [], replicasByService: {}, ...extra });
const counted = (hosts: HostCandidate[], replicas: ObservedReplica[]) => hosts.map((h) => ({ ...h, replicasByService: { 'shop/web': replicas.filter((r) => r.host === h.name).length } }));
const want = (replicas: number, over: Partial<DesiredState> = {}): DesiredState => ({ spec: serviceSpec({ replicas }), revision: 2, containerHash: 'v2', replicas, preferredHost: null, strategy: 'spread', ...over });
const run = (over: Partial<DecideInput>) => decide({ desired: want(3), replicas: [], hosts: [host('a'), host('b'), host('c')], lostSinceMs: {}, nowMs: 100_000, graceMs: 5000, history: {}, ...over });

test('replacements go where a fresh placement puts them: each on its own host, so the spread stays', () => {
  const rs = old3();
  const d = run({ replicas: rs, hosts: counted([host('a'), host('b'), host('c')], rs), gate: { mayStart: true, parallelism: Infinity, order: 'start-first' } });
  assert.deepEqual(d.actions.map((a) => (a.kind === 'start' ? `${a.slot}@${a.host}` : a.kind)).sort(), ['1@a', '2@b', '3@c']);
});

test('a closed gate replaces nothing, but a missing replica is still started', () => {
  const rs = [replica(1, 'a', 'v1'), replica(2, 'b', 'v1')];
  const d = run({ replicas: rs, hosts: counted([host('a'), host('b'), host('c')], rs), gate: { mayStart: false, parallelism: 0, order: 'start-first' } });
  assert.deepEqual(d.actions.map((a) => (a.kind === 'start' ? `${a.slot}@${a.host}:${a.reason}` : a.kind)), ['3@c:missing replica']);
});

test('a host-mode port: the replica on its own host is replaced stop-first', () => {
  const spec = serviceSpec({ replicas: 3, ports: [{ target: 80, published: 8090, protocol: 'tcp', mode: 'host' }] });
  const rs = old3();
  const hosts = counted([host('a'), host('b'), host('c')], rs).map((h) => ({ ...h, usedHostPorts: ['tcp/8090'] }));
  const d = run({ desired: want(3, { spec }), replicas: rs, hosts, gate: { mayStart: true, parallelism: 1, order: 'start-first' } });
  assert.equal(d.actions.length, 1);
  const a = d.actions[0]!;
  assert.equal(a.kind, 'replace');
  assert.ok(a.kind === 'replace' && a.host === 'a' && a.newHost === 'a' && a.id === rs[0]!.id);
});

test('stop-first order replaces in one action: the old one goes, then the new one starts', () => {
  const rs = old3();
  const d = run({ replicas: rs, hosts: counted([host('a'), host('b'), host('c')], rs), gate: { mayStart: true, parallelism: 2, order: 'stop-first' } });
  assert.deepEqual(d.actions.map((a) => a.kind), ['replace', 'replace']);
});

test('a drained host: its replica moves start-first, and the old one stays until the new one is available', () => {
  const rs = [replica(1, 'a', 'v2'), replica(2, 'b', 'v2'), replica(3, 'c', 'v2')];
  const hosts = counted([host('a'), host('b'), host('c', { drained: true }), host('d')], rs);
  const d = run({ replicas: rs, hosts });
  assert.deepEqual(d.actions.map((a) => (a.kind === 'start' ? `${a.slot}@${a.host}` : a.kind)), ['3@d']);
  const moving = replica(3, 'd', 'v2', { health: 'starting', createdMs: 5000 });
  assert.deepEqual(run({ replicas: [...rs, moving], hosts }).actions, []);
  const moved = { ...moving, health: 'healthy' as const };
  const done = run({ replicas: [...rs, moved], hosts });
  assert.deepEqual(done.actions.map((a) => (a.kind === 'remove' ? `${a.slot}@${a.host}` : a.kind)), ['3@c']);
});

test('rebalance: hosts that differ by 2 or more move one replica; a difference of 1 moves nothing', () => {
  const rs = [replica(1, 'a', 'v2'), replica(2, 'a', 'v2'), replica(3, 'a', 'v2'), replica(4, 'b', 'v2')];
  const hosts = counted([host('a'), host('b'), host('c')], rs);
  const d = run({ desired: want(4), replicas: rs, hosts, rebalance: true });
  assert.deepEqual(d.actions.map((a) => (a.kind === 'start' ? `${a.slot}@${a.host}` : a.kind)), ['3@c']);
  assert.deepEqual(run({ desired: want(4), replicas: rs, hosts, rebalance: false }).actions, []);
  const even = [replica(1, 'a', 'v2'), replica(2, 'a', 'v2'), replica(3, 'b', 'v2'), replica(4, 'c', 'v2')];
  assert.deepEqual(run({ desired: want(4), replicas: even, hosts: counted([host('a'), host('b'), host('c')], even), rebalance: true }).actions, []);
});
