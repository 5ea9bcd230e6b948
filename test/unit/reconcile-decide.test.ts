import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashBackoffMs, decide, type DecideInput, type DesiredState } from '../../electron/control-plane/reconcile/decide.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const spec = serviceSpec({ replicas: 3 });

const desired = (replicas = 3, containerHash = 'h1', extra: Partial<DesiredState> = {}): DesiredState => ({ spec: { ...spec, replicas }, revision: 1, containerHash, replicas, preferredHost: null, strategy: 'spread', ...extra });

const host = (name: string, ready = true): HostCandidate => ({
  name,
  ready,
  hostname: name,
  labels: {},
  engineLabels: {},
  nanoCpus: 2e9,
  memoryBytes: 4 * 2 ** 30,
  reservedNanoCpus: 0,
  reservedMemoryBytes: 0,
  usedHostPorts: [],
  replicasByService: {},
});

let nextId = 0;
const replica = (slot: number, hostName: string, extra: Partial<ObservedReplica> = {}): ObservedReplica => ({
  id: `c${++nextId}`,
  name: `shop_web.${slot}`,
  host: hostName,
  stack: 'shop',
  service: 'web',
  slot,
  revision: 1,
  containerHash: 'h1',
  state: 'running',
  health: 'healthy',
  exitCode: null,
  createdMs: 1000 + nextId,
  ports: [],
  ...extra,
});

const HOSTS = [host('a'), host('b'), host('c')];
const input = (over: Partial<DecideInput>): DecideInput => ({ desired: desired(), replicas: [], hosts: HOSTS, lostSinceMs: {}, nowMs: 100_000, graceMs: 5000, history: {}, ...over });
const kinds = (d: ReturnType<typeof decide>) => d.actions.map((a) => `${a.kind}:${a.kind === 'unplaced' ? a.slots.join(',') : a.slot}`).sort();

test('an empty cluster gets one start per slot, spread over the hosts', () => {
  const d = decide(input({}));
  assert.deepEqual(kinds(d), ['start:1', 'start:2', 'start:3']);
  assert.deepEqual(d.actions.map((a) => (a.kind === 'start' ? a.host : '')).sort(), ['a', 'b', 'c']);
});

test('idempotent: when the hosts match the desire, nothing is done', () => {
  const d = decide(input({ replicas: [replica(1, 'a'), replica(2, 'b'), replica(3, 'c')] }));
  assert.deepEqual(d.actions, []);
  assert.equal(d.recheckAtMs, null);
});

test('scale down removes the highest slots, gracefully', () => {
  const d = decide(input({ desired: desired(1), replicas: [replica(1, 'a'), replica(2, 'b'), replica(3, 'c')] }));
  assert.deepEqual(kinds(d), ['remove:2', 'remove:3']);
  assert.ok(d.actions.every((a) => a.kind === 'remove' && a.graceful));
});

test('a removed service loses every replica on reachable hosts', () => {
  const d = decide(input({ desired: null, replicas: [replica(1, 'a'), replica(2, 'b', { state: 'exited' })] }));
  assert.deepEqual(kinds(d), ['remove:1', 'remove:2']);
});

test('an exited replica is started again in place at once the first time', () => {
  const dead = replica(2, 'b', { state: 'exited', health: 'none', exitCode: 137 });
  const d = decide(input({ replicas: [replica(1, 'a'), dead, replica(3, 'c')] }));
  assert.deepEqual(d.actions, [{ kind: 'restart', slot: 2, id: dead.id, host: 'b', reason: 'exited with code 137' }]);
});

test('one that keeps crashing waits a growing backoff', () => {
  const dead = replica(2, 'b', { state: 'exited', health: 'none', exitCode: 1 });
  const history = { 2: { crashes: 3, lastRestartMs: 99_000 } };
  const d = decide(input({ replicas: [replica(1, 'a'), dead, replica(3, 'c')], history }));
  assert.deepEqual(d.actions, []);
  assert.equal(d.recheckAtMs, 99_000 + crashBackoffMs(3));
  assert.deepEqual([0, 1, 2, 3, 7, 20].map(crashBackoffMs), [0, 500, 1000, 2000, 30_000, 30_000]);
  const later = decide(input({ replicas: [replica(1, 'a'), dead, replica(3, 'c')], history, nowMs: 99_000 + crashBackoffMs(3) }));
  assert.deepEqual(kinds(later), ['restart:2']);
});

test('an unhealthy replica is replaced on another host and removed', () => {
  const sick = replica(2, 'b', { health: 'unhealthy' });
  const d = decide(input({ replicas: [replica(1, 'a'), sick, replica(3, 'c')] }));
  assert.deepEqual(kinds(d), ['remove:2', 'start:2']);
  const start = d.actions.find((a) => a.kind === 'start');
  assert.ok(start && start.kind === 'start' && start.host !== 'b', 'avoids the host it failed on');
});

test('a lost host: its replicas wait out the grace period, then are started elsewhere', () => {
  const hosts = [host('a'), host('b', false), host('c')];
  const replicas = [replica(1, 'a'), replica(2, 'b'), replica(3, 'c')];
  const early = decide(input({ hosts, replicas, lostSinceMs: { b: 98_000 } }));
  assert.deepEqual(early.actions, []);
  assert.equal(early.recheckAtMs, 98_000 + 5000);
  const late = decide(input({ hosts, replicas, lostSinceMs: { b: 94_000 } }));
  assert.deepEqual(kinds(late), ['start:2']);
  const start = late.actions[0]!;
  assert.ok(start.kind === 'start' && start.host !== 'b');
});

test('when the lost host returns, the surplus in its slot goes and the count is exact', () => {
  const old = replica(2, 'b', { createdMs: 1 });
  const replacement = replica(2, 'a', { createdMs: 50_000 });
  const d = decide(input({ replicas: [replica(1, 'a'), old, replacement, replica(3, 'c')] }));
  assert.deepEqual(d.actions.map((a) => (a.kind === 'remove' ? a.id : a.kind)), [old.id]);
});

test('an older revision is replaced start-first, parallelism slots at a time, the old kept until the new is available', () => {
  const replicas = [replica(1, 'a', { containerHash: 'old' }), replica(2, 'b', { containerHash: 'old' }), replica(3, 'c', { containerHash: 'old' })];
  const d = decide(input({ desired: desired(3, 'new'), replicas }));
  assert.deepEqual(kinds(d), ['start:1']);
  // the new one in slot 1 is starting: the old one stays, nothing else moves
  const starting = replica(1, 'b', { health: 'starting', containerHash: 'new' });
  const d2 = decide(input({ desired: desired(3, 'new'), replicas: [...replicas, starting] }));
  assert.deepEqual(d2.actions, []);
  // once available, the old one goes and the next slot starts
  const ready1 = { ...starting, health: 'healthy' as const };
  const d3 = decide(input({ desired: desired(3, 'new'), replicas: [...replicas, ready1] }));
  assert.deepEqual(kinds(d3), ['remove:1', 'start:2']);
});

test('replicas that fit nowhere are reported with the reason, not dropped', () => {
  const hosts = [host('a', false), host('b', false)];
  const d = decide(input({ hosts, desired: desired(2) }));
  const unplaced = d.actions.find((a) => a.kind === 'unplaced');
  assert.ok(unplaced && unplaced.kind === 'unplaced');
  assert.deepEqual(unplaced.slots, [1, 2]);
  assert.match(unplaced.reason, /not ready/);
});

test('duplicates in one slot: the newest is kept, the one that serves is held until it is available, then removed', () => {
  // a second replica in a slot is what a move (drain, rebalance) starts: it takes over the slot
  const a = replica(1, 'a', { health: 'starting', createdMs: 9 });
  const b = replica(1, 'b', { health: 'healthy', createdMs: 5 });
  assert.deepEqual(decide(input({ desired: desired(1), replicas: [a, b] })).actions, []);
  const c = replica(1, 'c', { health: 'healthy', createdMs: 3 });
  const ready = { ...a, health: 'healthy' as const };
  assert.deepEqual(decide(input({ desired: desired(1), replicas: [ready, b, c] })).actions.map((x) => (x.kind === 'remove' ? x.id : x.kind)), [b.id, c.id]);
});

test('a replica a person stopped is not started again in place: its slot gets a new replica, and it goes', () => {
  const stopped = replica(2, 'b', { state: 'exited', health: 'none', exitCode: 0 });
  const d = decide(input({ replicas: [replica(1, 'a'), stopped, replica(3, 'c')], stoppedOnRequest: new Set([stopped.id]) }));
  assert.deepEqual(kinds(d), ['remove:2', 'start:2']);
  const removal = d.actions.find((a) => a.kind === 'remove')!;
  assert.deepEqual(removal, { kind: 'remove', slot: 2, id: stopped.id, host: 'b', reason: 'stopped on request', graceful: false });
  const start = d.actions.find((a) => a.kind === 'start')!;
  assert.equal(start.kind === 'start' && start.reason, 'replacing a replica stopped on request');
  // the same replica, exited by itself, is started again in place
  assert.deepEqual(kinds(decide(input({ replicas: [replica(1, 'a'), stopped, replica(3, 'c')] }))), ['restart:2']);
});
