import { test } from 'node:test';
import assert from 'node:assert/strict';
import { managerOrder, tryNextManager, type KnownManager } from '../../electron/control-plane/swarm/failover.ts';
import { checkSwarmManager } from '../../electron/control-plane/swarm/manager-check.ts';
import { BatonError } from '../../shared/errors.ts';

const m = (n: number, learned = false): KnownManager => ({ target: `root@10.0.0.${n}:22`, address: `10.0.0.${n}`, learned });

test('managers are tried: the one used last, the last leader seen, those given, then those learned', () => {
  const all = [m(1), m(2), m(3, true), m(4)];
  assert.deepEqual(managerOrder(all, 'root@10.0.0.2:22', '10.0.0.3').map((x) => x.address), ['10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.4']);
  assert.deepEqual(managerOrder(all, null, null).map((x) => x.address), ['10.0.0.1', '10.0.0.2', '10.0.0.4', '10.0.0.3']);
  // the one used last is the leader too: first once
  assert.deepEqual(managerOrder(all, 'root@10.0.0.4:22', '10.0.0.4').map((x) => x.address), ['10.0.0.4', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
});

test('a manager that cannot be reached, or is no manager now, sends the call to the next; other errors do not', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:22'), { code: 'ECONNREFUSED' });
  assert.equal(tryNextManager(refused), true);
  assert.equal(tryNextManager(new BatonError('HOST_UNREACHABLE', 'Cannot reach 10.0.0.1:22')), true);
  assert.equal(tryNextManager(new BatonError('TIMEOUT', 'no answer')), true);
  assert.equal(tryNextManager(new BatonError('DOCKER_ERROR', 'The swarm manager refused GET /info: socket hang up')), true);
  let demoted: unknown;
  try {
    checkSwarmManager({ Swarm: { LocalNodeState: 'active', ControlAvailable: false, RemoteManagers: [{ Addr: '10.0.0.2:2377' }] } }, 'root@10.0.0.1:22');
  } catch (err) {
    demoted = err;
  }
  assert.equal(tryNextManager(demoted), true, 'a demoted manager');
  let left: unknown;
  try {
    checkSwarmManager({ Swarm: { LocalNodeState: 'inactive' } }, 'root@10.0.0.1:22');
  } catch (err) {
    left = err;
  }
  assert.equal(tryNextManager(left), true, 'a node that left the swarm');
  // another manager would say the same, or must not be asked
  assert.equal(tryNextManager(new BatonError('HOST_KEY_CHANGED', 'the key changed')), false);
  assert.equal(tryNextManager(new BatonError('AUTH_FAILED', 'refused')), false);
  assert.equal(tryNextManager(new BatonError('DOCKER_ERROR', 'The swarm manager refused GET /nodes (HTTP 503): The swarm does not have a leader.')), false);
  assert.equal(tryNextManager(new BatonError('NOT_FOUND', 'no service')), false);
  assert.equal(tryNextManager(new Error('unexpected')), false);
});
