// depends_on on a first deploy: what a service waits for, by condition, and when it waits no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitingOn } from '../../electron/control-plane/reconcile/start-order.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import type { DependsOn } from '../../shared/stack.ts';

const replica = (service: string, state: ObservedReplica['state'], health: ObservedReplica['health'], exitCode: number | null = null): ObservedReplica =>
  ({ id: `${service}-${state}-${health}`, name: service, host: 'h1', stack: 's', service, slot: 1, revision: 1, containerHash: 'x', state, health, exitCode, ports: [] }) as unknown as ObservedReplica;
const dep = (service: string, condition: DependsOn['condition'] = 'service_started'): DependsOn => ({ service, condition, required: true, restart: false });
const declared = new Set(['db', 'api', 'job', 'web']);

test('waits for each dependency as its condition says, and names it with its count', () => {
  const none = () => [] as ObservedReplica[];
  assert.deepEqual(waitingOn([dep('db', 'service_healthy')], [], none, declared).map((w) => w.text), ['db to be healthy (0 of 0 healthy)']);
  const starting = (s: string) => (s === 'db' ? [replica('db', 'running', 'starting')] : []);
  assert.deepEqual(waitingOn([dep('db', 'service_healthy'), dep('api')], [], starting, declared).map((w) => w.text), ['db to be healthy (0 of 1 healthy)', 'api to run (0 of 0 running)']);
  const healthy = (s: string) => (s === 'db' ? [replica('db', 'running', 'healthy')] : s === 'api' ? [replica('api', 'running', 'none')] : []);
  assert.deepEqual(waitingOn([dep('db', 'service_healthy'), dep('api')], [], healthy, declared), [], 'healthy and running: nothing to wait for');
  const done = (s: string) => (s === 'job' ? [replica('job', 'exited', 'none', 0)] : []);
  assert.deepEqual(waitingOn([dep('job', 'service_completed_successfully')], [], done, declared), []);
  const failed = (s: string) => (s === 'job' ? [replica('job', 'exited', 'none', 1)] : []);
  assert.equal(waitingOn([dep('job', 'service_completed_successfully')], [], failed, declared)[0]!.text, 'job to complete successfully');
});

test('only a first deploy waits; a dependency left out of the stack is not waited for', () => {
  const none = () => [] as ObservedReplica[];
  assert.deepEqual(waitingOn([dep('db', 'service_healthy')], [replica('web', 'running', 'none')], none, declared), [], 'the service runs already: it is healed as usual');
  assert.deepEqual(waitingOn([dep('cache')], [], none, declared), [], 'not in the stack (required: false, or its profile is off)');
  assert.deepEqual(waitingOn(undefined, [], none, declared), []);
});
