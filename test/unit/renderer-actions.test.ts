// The actions a person asks for in the details: one at a time, confirmed where they destroy or
// interrupt something, and the words that say what follows (a stop is replaced, a removal is not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, ReplicaStatus, ServiceStatus } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import { idleAction, stepAction, type ActionState } from '../../renderer/src/state/action-state.ts';
import { replicaActionBlocked, replicaActionCopy, replicaActionDone } from '../../renderer/src/views/topology/replica-actions.ts';
import { hostActionDone, hostActionNeedsConfirmation, hostActionsFor, hostRemovalText } from '../../renderer/src/views/hosts/host-actions.ts';

const replica: ReplicaStatus = {
  id: 'a'.repeat(64),
  name: 'shop_web.2.1-abc123',
  stack: 'shop',
  service: 'web',
  slot: 2,
  host: 'h1',
  hostReady: true,
  state: 'running',
  health: 'healthy',
  status: 'healthy',
  revision: 1,
  current: true,
  createdAt: '2026-01-01T00:00:00Z',
};

test('an action that needs confirming is sent only once confirmed; cancel sends nothing', () => {
  let s: ActionState<'stop' | 'restart'> = idleAction();
  let step = stepAction(s, { type: 'ask', kind: 'stop', needsConfirmation: true });
  assert.equal(step.send, null);
  assert.equal(step.state.confirming, 'stop');
  assert.equal(stepAction(step.state, { type: 'cancel' }).state.confirming, null);
  assert.equal(stepAction(step.state, { type: 'cancel' }).send, null);
  step = stepAction(step.state, { type: 'confirm' });
  assert.equal(step.send, 'stop');
  assert.deepEqual(step.state, { confirming: null, pending: 'stop', done: null, error: null });
  s = step.state;
  assert.equal(stepAction(s, { type: 'ask', kind: 'restart', needsConfirmation: false }).send, null, 'one at a time');
  s = stepAction(s, { type: 'succeeded', message: 'Stopped.' }).state;
  assert.deepEqual(s, { confirming: null, pending: null, done: 'Stopped.', error: null });
});

test('an action that needs no confirming is sent at once; a refusal is kept until dismissed or a new ask', () => {
  const step = stepAction(idleAction<'drain'>(), { type: 'ask', kind: 'drain', needsConfirmation: false });
  assert.equal(step.send, 'drain');
  const error = new BatonError('INVALID_INPUT', 'Draining h1 would leave services with nowhere to go', undefined, 'Add a host');
  const failed = stepAction(step.state, { type: 'failed', error }).state;
  assert.equal(failed.error, error);
  assert.equal(failed.pending, null);
  assert.equal(stepAction(failed, { type: 'dismiss' }).state.error, null);
  assert.equal(stepAction(failed, { type: 'ask', kind: 'drain', needsConfirmation: false }).state.error, null);
  assert.equal(stepAction(idleAction<'drain'>(), { type: 'confirm' }).send, null, 'nothing asked: nothing confirmed');
});

test('the confirmations say what follows: a restart keeps the container, a stop is replaced, a removal lowers the count', () => {
  const restart = replicaActionCopy('restart', replica, 3);
  assert.match(restart.explain, /same container is restarted on h1/);
  assert.match(restart.explain, /drained out of the ingress first/);
  const stop = replicaActionCopy('stop', replica, 3);
  assert.match(stop.explain, /drained out of the ingress first, then stopped gracefully within its stop grace period/);
  assert.match(stop.explain, /shop\/web keeps 3 replicas, so Baton then starts a new replica in its place/);
  assert.match(replicaActionCopy('stop', replica, 1).explain, /keeps 1 replica,/);
  const remove = replicaActionCopy('remove', replica, 3);
  assert.match(remove.explain, /goes from 3 to 2 replicas: no replica takes its place/);
  assert.match(replicaActionCopy('remove', replica, 2).explain, /from 2 to 1 replica:/);
  assert.match(replicaActionCopy('remove', replica, null).explain, /down by one replica/);
  assert.equal(stop.title, 'Stop shop_web.2.1-abc123?');
});

test('what can be asked: nothing without a connection or on an unreachable host; stop only a running replica', () => {
  assert.equal(replicaActionBlocked('restart', replica, true), null);
  assert.match(replicaActionBlocked('restart', replica, false) ?? '', /Not connected/);
  assert.match(replicaActionBlocked('stop', { ...replica, hostReady: false }, true) ?? '', /Host h1 is not reachable/);
  assert.match(replicaActionBlocked('stop', { ...replica, state: 'exited' }, true) ?? '', /exited, not running/);
  assert.equal(replicaActionBlocked('restart', { ...replica, state: 'exited' }, true), null, 'an exited one can be started again in place');
  assert.match(replicaActionBlocked('restart', { ...replica, state: 'removing' }, true) ?? '', /removing/);
  assert.equal(replicaActionBlocked('remove', { ...replica, state: 'exited' }, true), null);
});

test('the answers in words', () => {
  assert.equal(replicaActionDone('restart', { ...replica, health: 'starting' }), 'Restarted in place on h1: running, starting.');
  assert.equal(replicaActionDone('stop', { ...replica, state: 'exited' }), 'Stopped on h1. A new replica takes its place.');
  const service = { stack: 'shop', name: 'web', desired: 1 } as ServiceStatus;
  assert.equal(replicaActionDone('remove', service), 'Removed. shop/web now has 1 desired replica.');
});

test('a host offers drain or activate as it stands, and remove; only remove is confirmed', () => {
  assert.deepEqual(hostActionsFor({}), ['drain', 'remove']);
  assert.deepEqual(hostActionsFor({ availability: 'active' }), ['drain', 'remove']);
  assert.deepEqual(hostActionsFor({ availability: 'drain' }), ['activate', 'remove']);
  assert.deepEqual((['drain', 'activate', 'remove'] as const).map(hostActionNeedsConfirmation), [false, false, true]);
  const host = { name: 'h2' } as Host;
  assert.match(hostRemovalText(host, 3), /Its 3 replicas keep running on it, unwatched, and their services get new replicas on the other hosts: drain it first to move them gracefully/);
  assert.match(hostRemovalText(host, 0), /Nothing of Baton runs there/);
  assert.equal(hostActionDone('drain', { host: 'h2', moving: ['shop/web'] }), 'h2 is drained: moving shop/web.');
  assert.equal(hostActionDone('drain', { host: 'h2', moving: [] }), 'h2 is drained: nothing ran there.');
  assert.equal(hostActionDone('activate', { host: 'h2' }), 'h2 is active: it takes new replicas.');
  assert.equal(hostActionDone('remove', { name: 'h2' }), 'h2 was removed from the cluster.');
});
