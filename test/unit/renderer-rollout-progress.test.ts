// A rollout's progress bar, pure: its parts out of the widest count, the phase and what it
// waits for, the deadline, the controls that apply, and a rollback made by itself with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RolloutRecord, RolloutStatus } from '../../shared/rollout.ts';
import { durationLeft, progressModel, showsRevisions } from '../../renderer/src/views/rollout/progress.ts';

const record = (over: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id: 2,
  kind: 'update',
  phase: 'rolling',
  toRevision: 2,
  fromRevision: 1,
  failedRevision: null,
  policy: { parallelism: 1, delayMs: 0, failureAction: 'rollback', monitorMs: 5000, maxFailureRatio: 0, order: 'start-first' },
  progressDeadlineMs: 600_000,
  reason: null,
  startedAtMs: 0,
  lastProgressAtMs: 0,
  endedAtMs: null,
  nextBatchAtMs: 0,
  inFlight: 1,
  available: 1,
  seenAvailable: [],
  failures: [],
  pausedByUser: false,
  ...over,
});

const status = (over: Partial<RolloutStatus> = {}): RolloutStatus => ({
  stack: 'shop',
  service: 'web',
  revision: 2,
  desired: 3,
  updated: 2,
  old: 2,
  healthy: 1,
  phase: 'rolling',
  waitingFor: 'web.2 to become healthy',
  deadlineAtMs: 90_000,
  rollout: record(),
  ...over,
});

test('mid-rollout: healthy, starting and old parts of the widest count, what it waits for, the deadline', () => {
  const m = progressModel(status(), 10_000);
  assert.deepEqual([m.healthy, m.starting, m.old], [1, 1, 2]);
  assert.deepEqual(m.parts, { healthy: 0.25, starting: 0.25, old: 0.5 }, 'a surge makes the bar 4 wide, not 3');
  assert.equal(m.countText, '1 of 3 replicas on revision 2');
  assert.equal(m.phaseText, 'rolling out');
  assert.equal(m.waitingFor, 'web.2 to become healthy');
  assert.equal(m.deadlineText, 'deadline in 1m 20s');
  assert.deepEqual([m.canPause, m.canResume, m.canUndo], [true, false, true]);
  assert.equal(m.autoRollback, null);
  assert.equal(progressModel(status(), 95_000).deadlineText, 'past its deadline');
});

test('paused: resume instead of pause, no deadline running, the reason shown', () => {
  const m = progressModel(status({ phase: 'paused', rollout: record({ phase: 'paused', reason: '1 replica failed its health check' }) }), 0);
  assert.deepEqual([m.canPause, m.canResume], [false, true]);
  assert.equal(m.deadlineText, null);
  assert.equal(m.reason, '1 replica failed its health check');
  assert.equal(m.tone, 'warning');
});

test('completed: the whole bar healthy, nothing waited for', () => {
  const m = progressModel(status({ phase: 'completed', updated: 3, old: 0, healthy: 3, waitingFor: null, deadlineAtMs: null, rollout: record({ phase: 'completed' }) }), 0);
  assert.deepEqual(m.parts, { healthy: 1, starting: 0, old: 0 });
  assert.equal(m.active, false);
  assert.equal(m.waitingFor, null);
  assert.equal(m.tone, 'done');
});

test('a rollback by itself says which revision it undid and why; one by hand does not', () => {
  const auto = record({ kind: 'rollback', phase: 'rolled-back', toRevision: 1, fromRevision: null, failedRevision: 2, reason: 'web.1 exited with code 1' });
  const m = progressModel(status({ phase: 'rolled-back', revision: 1, rollout: auto }), 0);
  assert.deepEqual(m.autoRollback, { failedRevision: 2, toRevision: 1, reason: 'web.1 exited with code 1' });
  assert.equal(m.reason, null);
  const byHand = record({ kind: 'rollback', phase: 'rolled-back', toRevision: 1, failedRevision: 2, reason: 'rolled back by hand' });
  assert.equal(progressModel(status({ phase: 'rolled-back', rollout: byHand }), 0).autoRollback, null);
});

test('never rolled out: an empty bar of one, no controls but none to undo', () => {
  const m = progressModel(status({ phase: 'none', desired: 0, updated: 0, old: 0, healthy: 0, rollout: null, waitingFor: null, deadlineAtMs: null }), 0);
  assert.deepEqual(m.parts, { healthy: 0, starting: 0, old: 0 });
  assert.deepEqual([m.canPause, m.canResume, m.canUndo], [false, false, false]);
  assert.equal(m.countText, '0 of 0 replicas on revision 2');
});

test('durations and when the topology colours by revision', () => {
  assert.deepEqual([durationLeft(0), durationLeft(59_400), durationLeft(120_000), durationLeft(3_720_000)], ['0s', '59s', '2m', '1h 2m']);
  assert.equal(showsRevisions({ phase: 'rolling', old: 1, updated: 1 }), true);
  assert.equal(showsRevisions({ phase: 'rolling', old: 0, updated: 3 }), false);
  assert.equal(showsRevisions({ phase: 'completed', old: 1, updated: 3 }), false);
});
