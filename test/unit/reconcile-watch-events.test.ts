// Which Docker events become Baton events: every change the topology shows is said once (so a
// client that looks again on replica.* events stays right), and nothing is said for what did not
// change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcedByExecutor, announcement } from '../../electron/control-plane/reconcile/host-watch.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';

const replica = (extra: Partial<ObservedReplica> = {}): ObservedReplica => ({
  id: 'c1',
  name: 'shop_web.1.1-abc123',
  host: 'h1',
  stack: 'shop',
  service: 'web',
  slot: 1,
  revision: 1,
  containerHash: 'h',
  state: 'running',
  health: 'starting',
  exitCode: null,
  createdMs: 0,
  ports: [],
  ...extra,
});

test('health: passing its check is replica.healthy, failing it replica.unhealthy, each once', () => {
  const starting = replica({ health: 'starting' });
  const healthy = replica({ health: 'healthy' });
  const unhealthy = replica({ health: 'unhealthy' });
  assert.deepEqual(announcement('health_status: healthy', starting, healthy, {}), { kind: 'replica.healthy', severity: 'info', message: 'passes its health check' });
  assert.equal(announcement('health_status: healthy', healthy, healthy, {}), null, 'already known: nothing');
  assert.equal(announcement('health_status: unhealthy', healthy, unhealthy, {})?.kind, 'replica.unhealthy');
  assert.equal(announcement('health_status: unhealthy', unhealthy, unhealthy, {}), null);
  assert.equal(announcement('health_status: healthy', starting, replica({ state: 'exited', health: 'none' }), {}), null, 'exited meanwhile: the die says it');
});

test('exits, restarts by Docker and containers started by hand are said; stop and restart after them are not', () => {
  const running = replica({ health: 'none' });
  const exited = replica({ state: 'exited', health: 'none', exitCode: 137 });
  assert.deepEqual(announcement('die', running, exited, { exitCode: '137' }), { kind: 'replica.exited', severity: 'warning', message: 'exited with code 137' });
  assert.equal(announcement('start', exited, running, {})?.kind, 'replica.restarted');
  assert.equal(announcement('start', null, running, {})?.kind, 'replica.started');
  assert.equal(announcement('start', running, running, {}), null, 'already running: nothing');
  assert.equal(announcement('stop', exited, exited, {}), null);
  assert.equal(announcement('restart', running, running, {}), null);
  assert.equal(announcement('oom', running, exited, {})?.kind, 'replica.oom');
});

test('pause and unpause change the state shown, and are said', () => {
  const running = replica({ health: 'none' });
  const paused = replica({ state: 'paused', health: 'none' });
  assert.equal(announcement('pause', running, paused, {})?.kind, 'replica.paused');
  assert.equal(announcement('unpause', paused, running, {})?.kind, 'replica.unpaused');
});

test('what the executor says itself: its starts, its removals, and the die and start of a restart or stop asked for', () => {
  assert.equal(announcedByExecutor(null, 'die'), false, 'nobody acting: a die is a crash, said by the watch');
  assert.equal(announcedByExecutor('start', 'start'), true);
  assert.equal(announcedByExecutor('start', 'die'), false, 'a crash right after a start is the watch’s to say');
  assert.equal(announcedByExecutor('remove', 'die'), true);
  for (const doing of ['restart', 'stop'] as const) {
    for (const action of ['kill', 'die', 'stop', 'start', 'restart']) assert.equal(announcedByExecutor(doing, action), true, `${doing}: ${action}`);
    assert.equal(announcedByExecutor(doing, 'health_status: healthy'), false, 'health is still news');
  }
});
