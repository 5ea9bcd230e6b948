import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilitySpec, nodeRows, resolveNode, type SwarmNodeAnswer } from '../../electron/control-plane/swarm/nodes.ts';
import { BatonError } from '../../shared/errors.ts';

// as GET /nodes answers on Docker 20.10 (trimmed): a leader that listens on 0.0.0.0, a reachable
// manager, a worker that is down
const nodes: SwarmNodeAnswer[] = [
  {
    ID: 'b2k3wq0zq9lm1x',
    Version: { Index: 41 },
    Spec: { Role: 'manager', Availability: 'active', Labels: { zone: 'a' } },
    Description: { Hostname: 'm2', Engine: { EngineVersion: '20.10.24' } },
    Status: { State: 'ready', Addr: '10.0.0.2' },
    ManagerStatus: { Leader: false, Reachability: 'reachable', Addr: '10.0.0.2:2377' },
  },
  {
    ID: 'a1j2vp9yp8kl0w',
    Version: { Index: 40 },
    Spec: { Role: 'manager', Availability: 'drain', Labels: {} },
    Description: { Hostname: 'm1', Engine: { EngineVersion: '20.10.24' } },
    Status: { State: 'ready', Addr: '0.0.0.0' },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.0.0.1:2377' },
  },
  {
    ID: 'c3l4xr1ar0mn2y',
    Version: { Index: 12 },
    Spec: { Role: 'worker', Availability: 'active' },
    Description: { Hostname: 'w1', Engine: { EngineVersion: '24.0.5' } },
    Status: { State: 'down', Addr: '10.0.0.3', Message: 'heartbeat failure' },
  },
];

test('nodes are rows in hostname order: role, leader and reachability, availability, state, engine, address', () => {
  const rows = nodeRows(nodes);
  assert.deepEqual(rows.map((r) => r.hostname), ['m1', 'm2', 'w1']);
  assert.deepEqual(rows[0], { id: 'a1j2vp9yp8kl0w', hostname: 'm1', address: '10.0.0.1', role: 'manager', manager: { leader: true, reachability: 'reachable' }, availability: 'drain', state: 'ready', engine: '20.10.24', message: null });
  assert.equal(rows[1]!.address, '10.0.0.2');
  assert.deepEqual(rows[2], { id: 'c3l4xr1ar0mn2y', hostname: 'w1', address: '10.0.0.3', role: 'worker', manager: null, availability: 'active', state: 'down', engine: '24.0.5', message: 'heartbeat failure' });
});

test('a node is found by hostname, ID or a unique ID prefix; an unknown one is refused with the nodes there are', () => {
  assert.equal(resolveNode(nodes, 'm2', 'prod').ID, 'b2k3wq0zq9lm1x');
  assert.equal(resolveNode(nodes, 'c3l4xr1ar0mn2y', 'prod').Description?.Hostname, 'w1');
  assert.equal(resolveNode(nodes, 'a1j', 'prod').Description?.Hostname, 'm1');
  assert.throws(() => resolveNode(nodes, 'm9', 'prod'), (e: unknown) => e instanceof BatonError && e.code === 'NOT_FOUND' && /no node m9/.test(e.message) && /m1, m2, w1/.test(e.hint ?? ''));
  // too short a prefix names nothing: "a" is not a node
  assert.throws(() => resolveNode(nodes, 'a', 'prod'), (e: unknown) => e instanceof BatonError && e.code === 'NOT_FOUND');
  const twins = [...nodes, { ...nodes[0]!, ID: 'zz99', Description: { Hostname: 'm2' } }];
  assert.throws(() => resolveNode(twins, 'm2', 'prod'), (e: unknown) => e instanceof BatonError && e.code === 'INVALID_INPUT' && /several nodes/.test(e.message));
});

test('setting availability sends the node spec back whole, only Availability changed', () => {
  assert.deepEqual(availabilitySpec(nodes[0]!, 'drain'), { Role: 'manager', Availability: 'drain', Labels: { zone: 'a' } });
  assert.deepEqual(availabilitySpec(nodes[2]!, 'active'), { Role: 'worker', Availability: 'active' });
  assert.deepEqual(availabilitySpec({ ID: 'x', ManagerStatus: { Leader: true } }, 'pause'), { Role: 'manager', Availability: 'pause' });
});
