// Which slots a service keeps: a replica removed from the middle leaves a gap that is not refilled,
// and no other replica is moved, renumbered or removed for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSlots, decide, type DecideInput, type DesiredState } from '../../electron/control-plane/reconcile/decide.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const desired = (replicas: number, extra: Partial<DesiredState> = {}): DesiredState => ({
  spec: serviceSpec({ replicas }),
  revision: 1,
  containerHash: 'h1',
  replicas,
  preferredHost: null,
  strategy: 'spread',
  ...extra,
});

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
  name: `shop_web.${slot}.1-${nextId}`,
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
const input = (over: Partial<DecideInput>): DecideInput => ({ desired: desired(3), replicas: [], hosts: HOSTS, lostSinceMs: {}, nowMs: 100_000, graceMs: 5000, history: {}, ...over });
const summary = (d: ReturnType<typeof decide>) => d.actions.map((a) => `${a.kind}:${a.kind === 'unplaced' ? a.slots.join(',') : a.slot}`).sort();
const ready = new Set(['a', 'b', 'c']);

test('after the middle replica of three is removed and the count lowered to 2, nothing moves', () => {
  const d = decide(input({ desired: desired(2), replicas: [replica(1, 'a'), replica(3, 'c')] }));
  assert.deepEqual(d.actions, [], 'slot 3 stays, and no replica is started for slot 2');
  assert.equal(d.recheckAtMs, null);
});

test('scaling up again fills the gap first, then the next free numbers', () => {
  const gap = [replica(1, 'a'), replica(3, 'c')];
  assert.deepEqual(summary(decide(input({ desired: desired(3), replicas: gap }))), ['start:2']);
  assert.deepEqual(summary(decide(input({ desired: desired(5), replicas: gap }))), ['start:2', 'start:4', 'start:5']);
});

test('scaling down keeps the replicas that serve: a crashed one goes before a healthy one', () => {
  const crashed = replica(2, 'b', { state: 'exited', health: 'none', exitCode: 1 });
  const d = decide(input({ desired: desired(2), replicas: [replica(1, 'a'), crashed, replica(3, 'c')] }));
  assert.deepEqual(d.actions.map((a) => (a.kind === 'remove' ? a.id : a.kind)), [crashed.id], 'only the crashed one is removed; nothing restarts');
});

test('among equals the lowest slots stay (plain scale down)', () => {
  const rs = [replica(1, 'a'), replica(2, 'b'), replica(3, 'c'), replica(4, 'a')];
  const d = decide(input({ desired: desired(2), replicas: rs }));
  assert.deepEqual(summary(d), ['remove:3', 'remove:4']);
});

test('a replica on a host lost within the grace period counts after those on ready hosts', () => {
  const hosts = [host('a'), host('b', false), host('c')];
  const rs = [replica(1, 'b'), replica(2, 'a'), replica(3, 'c')];
  const d = decide(input({ hosts, desired: desired(2), replicas: rs, lostSinceMs: { b: 99_000 } }));
  assert.deepEqual(d.actions, [], 'slots 2 and 3 serve; slot 1 cannot be reached to be removed and is not replaced');
  assert.deepEqual(chooseSlots({ replicas: rs, wanted: 2, ready: new Set(['a', 'c']), lostSinceMs: { b: 99_000 }, nowMs: 100_000, graceMs: 5000 }), { kept: [2, 3], added: [] });
});

test('a lost replica keeps its slot number when it is replaced', () => {
  const hosts = [host('a'), host('b', false), host('c')];
  const rs = [replica(1, 'a'), replica(5, 'b'), replica(9, 'c')];
  const d = decide(input({ hosts, desired: desired(3), replicas: rs, lostSinceMs: { b: 1000 } }));
  assert.deepEqual(summary(d), ['start:5']);
});

test('the choice is stable and ranks live, then in grace, then restartable, then the rest', () => {
  const rs = [
    replica(1, 'a', { state: 'exited', health: 'none' }), // restartable
    replica(2, 'x'), // lost long ago
    replica(3, 'y'), // lost within the grace period
    replica(4, 'b', { health: 'unhealthy' }),
    replica(5, 'c'), // live
  ];
  const args = { replicas: rs, wanted: 5, ready, lostSinceMs: { x: 1, y: 99_000 }, nowMs: 100_000, graceMs: 5000 };
  assert.deepEqual(chooseSlots(args), { kept: [5, 3, 1, 2, 4], added: [] });
  assert.deepEqual(chooseSlots(args), chooseSlots({ ...args, replicas: [...rs].reverse() }), 'order of the input does not matter');
  assert.deepEqual(chooseSlots({ ...args, wanted: 2 }).kept, [5, 3]);
  assert.deepEqual(chooseSlots({ ...args, wanted: 7 }).added, [6, 7]);
  assert.deepEqual(chooseSlots({ ...args, wanted: 0 }), { kept: [], added: [] });
});

test('a slot with two replicas (an update under way) counts once', () => {
  const old = replica(1, 'a', { containerHash: 'h0' });
  const next = replica(1, 'b', { health: 'starting' });
  const d = decide(input({ desired: desired(2), replicas: [old, next, replica(2, 'c')] }));
  assert.deepEqual(d.actions, [], 'the old one is held until the new one is available; nothing else moves');
});
