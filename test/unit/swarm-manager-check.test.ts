import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatonError } from '../../shared/errors.ts';
import { checkSwarmManager } from '../../electron/control-plane/swarm/manager-check.ts';
import { managersOf, quorumOf } from '../../electron/control-plane/swarm/quorum.ts';

const manager = { Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeID: 'n1', Managers: 3, Nodes: 3, Cluster: { ID: 'swarm-1' } } };

test('an active manager is accepted, with its swarm', () => {
  assert.deepEqual(checkSwarmManager(manager, 'root@10.0.0.1:22'), { swarmId: 'swarm-1', nodeId: 'n1', managers: 3, nodes: 3 });
});

test('an engine in no swarm is refused with docker swarm init as the fix', () => {
  assert.throws(
    () => checkSwarmManager({ Swarm: { LocalNodeState: 'inactive', ControlAvailable: false } }, 'root@h1'),
    (e: unknown) => e instanceof BatonError && e.code === 'INVALID_INPUT' && /in no swarm/.test(e.message) && /docker swarm init/.test(e.hint ?? ''),
  );
  assert.throws(() => checkSwarmManager({}, 'root@h1'), (e: unknown) => e instanceof BatonError && /in no swarm/.test(e.message));
});

test('a worker is refused, naming the managers to give instead', () => {
  const worker = { Swarm: { LocalNodeState: 'active', ControlAvailable: false, RemoteManagers: [{ NodeID: 'a', Addr: '10.0.0.1:2377' }] } };
  assert.throws(
    () => checkSwarmManager(worker, 'root@h2'),
    (e: unknown) => e instanceof BatonError && /worker, not a manager/.test(e.message) && /10\.0\.0\.1/.test(e.hint ?? '') && /docker node promote/.test(e.hint ?? ''),
  );
});

test('a locked or joining swarm is refused with what to do', () => {
  assert.throws(() => checkSwarmManager({ Swarm: { LocalNodeState: 'locked' } }, 'h'), (e: unknown) => e instanceof BatonError && /docker swarm unlock/.test(e.hint ?? ''));
  assert.throws(() => checkSwarmManager({ Swarm: { LocalNodeState: 'pending' } }, 'h'), (e: unknown) => e instanceof BatonError && /pending/.test(e.message));
});

const node = (hostname: string, manager: { Leader?: boolean; Reachability: string; Addr: string } | null) => ({ Description: { Hostname: hostname }, Status: { Addr: '10.0.0.9' }, ...(manager ? { ManagerStatus: manager } : {}) });

test('the managers and the quorum come from GET /nodes; workers are not managers', () => {
  const nodes = [
    node('h2', { Reachability: 'unreachable', Addr: '10.0.0.2:2377' }),
    node('h1', { Leader: true, Reachability: 'reachable', Addr: '10.0.0.1:2377' }),
    node('w1', null),
    node('h3', { Reachability: 'reachable', Addr: '10.0.0.3:2377' }),
  ];
  const managers = managersOf(nodes);
  assert.deepEqual(managers.map((m) => [m.hostname, m.address, m.reachability, m.leader]), [
    ['h1', '10.0.0.1', 'reachable', true],
    ['h2', '10.0.0.2', 'unreachable', false],
    ['h3', '10.0.0.3', 'reachable', false],
  ]);
  assert.deepEqual(quorumOf(managers), { reachable: 2, total: 3, ok: true });
  assert.deepEqual(quorumOf(managers.slice(0, 2)), { reachable: 1, total: 2, ok: false }, 'half is no majority');
  assert.deepEqual(quorumOf([]), { reachable: 0, total: 0, ok: false });
  assert.deepEqual(managersOf('not a list'), []);
});
