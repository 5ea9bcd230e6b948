import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseReplicasToRemove, type RunningReplica } from '../../electron/control-plane/scheduler/choose-removals.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';

function host(name: string, ready = true): HostCandidate {
  return {
    name,
    ready,
    hostname: name,
    labels: {},
    engineLabels: {},
    nanoCpus: 4e9,
    memoryBytes: 8 * 1024 ** 3,
    reservedNanoCpus: 0,
    reservedMemoryBytes: 0,
    usedHostPorts: [],
    replicasByService: {},
  };
}

const HOSTS = [host('a'), host('b'), host('c')];

function replica(id: string, hostName: string, slot: number, over: Partial<RunningReplica> = {}): RunningReplica {
  return { id, host: hostName, slot, healthy: true, running: true, startedAt: '2024-05-01T10:00:00.000Z', ...over };
}

test('not running first, then on a host that is not ready, then unhealthy', () => {
  const replicas = [
    replica('r1', 'a', 1),
    replica('r2', 'a', 2, { healthy: false }),
    replica('r3', 'b', 3, { running: false, healthy: false }),
    replica('r4', 'c', 4),
    replica('r5', 'gone', 5),
  ];
  assert.deepEqual(chooseReplicasToRemove(replicas, 3, HOSTS), ['r3', 'r5', 'r2']);
  const draining = [host('a'), host('b', false), host('c')];
  assert.deepEqual(chooseReplicasToRemove([replica('r1', 'a', 9), replica('r2', 'b', 1)], 1, draining), ['r2']);
});

test('then from the host with the most replicas, recounted after each removal, so the rest stay spread', () => {
  const replicas = [
    replica('a1', 'a', 1),
    replica('a2', 'a', 4),
    replica('a3', 'a', 7),
    replica('b1', 'b', 2),
    replica('b2', 'b', 5),
    replica('c1', 'c', 3),
  ];
  // a: 3, b: 2, c: 1 → a (highest slot there: 7), then a and b tie at 2 → highest slot: b's 5
  assert.deepEqual(chooseReplicasToRemove(replicas, 2, HOSTS), ['a3', 'b2']);
  assert.deepEqual(chooseReplicasToRemove(replicas, 3, HOSTS), ['a3', 'b2', 'a2']);
});

test('then the highest slot, then the newest, then the id', () => {
  const replicas = [
    replica('x', 'a', 2, { startedAt: '2024-05-01T10:00:00.000Z' }),
    replica('y', 'b', 2, { startedAt: '2024-05-02T10:00:00.000Z' }),
    replica('z', 'c', 1, { startedAt: '2024-06-01T10:00:00.000Z' }),
  ];
  assert.deepEqual(chooseReplicasToRemove(replicas, 3, HOSTS), ['y', 'x', 'z']);
  const twins = [replica('q', 'a', 1), replica('p', 'b', 1)];
  assert.deepEqual(chooseReplicasToRemove(twins, 1, HOSTS), ['p']);
});

test('count is clamped, the input order does not matter, and the input is left unchanged', () => {
  const replicas = [replica('r1', 'a', 1), replica('r2', 'b', 2, { healthy: false }), replica('r3', 'a', 3)];
  const snapshot = structuredClone(replicas);
  assert.deepEqual(chooseReplicasToRemove(replicas, 0, HOSTS), []);
  assert.deepEqual(chooseReplicasToRemove(replicas, -2, HOSTS), []);
  assert.deepEqual(chooseReplicasToRemove(replicas, 10, HOSTS), ['r2', 'r3', 'r1']);
  assert.deepEqual(chooseReplicasToRemove([...replicas].reverse(), 2, [...HOSTS].reverse()), ['r2', 'r3']);
  assert.deepEqual(replicas, snapshot);
});
