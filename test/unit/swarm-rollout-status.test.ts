import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkResume, checkUndo, historyOf, pauseRefusal, phaseOf, rolloutStatus } from '../../electron/control-plane/swarm/rollout-status.ts';
import type { SwarmServiceAnswer, SwarmTaskAnswer } from '../../electron/control-plane/swarm/swarm-engine.ts';
import type { SwarmServiceSpec } from '../../shared/swarm-spec.ts';
import { BatonError } from '../../shared/errors.ts';

const update = { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' } as const;
const spec = (image: string, replicas: number): SwarmServiceSpec => ({
  Name: 'shop_web',
  Labels: { 'com.docker.stack.namespace': 'shop' },
  TaskTemplate: { ContainerSpec: { Image: image, Labels: {} }, RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 0, Window: 0 } },
  Mode: { Replicated: { Replicas: replicas } },
  UpdateConfig: update,
  RollbackConfig: update,
  EndpointSpec: { Mode: 'vip', Ports: [] },
});
const task = (id: string, image: string, state: string, desired = 'running'): SwarmTaskAnswer => ({ ID: id, ServiceID: 'svc', NodeID: 'n', Slot: 1, DesiredState: desired, Status: { State: state, Timestamp: '2026-01-01T00:00:00Z' }, Spec: { ContainerSpec: { Image: image } } });

const paused: SwarmServiceAnswer = {
  ID: 'svc',
  Version: { Index: 30 },
  Spec: spec('web:2', 3),
  PreviousSpec: spec('web:1', 3),
  UpdateStatus: { State: 'paused', Message: 'update paused due to failure or early termination of task abc', StartedAt: '2026-01-01T00:00:01Z', CompletedAt: '0001-01-01T00:00:00Z' },
};

test("Swarm's update states map to rollout phases; no state is none, an unknown one goes on as updating", () => {
  assert.deepEqual(
    ['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed', undefined, '', 'something_new'].map(phaseOf),
    ['updating', 'paused', 'completed', 'rolling-back', 'rollback-paused', 'rolled-back', 'none', 'none', 'updating'],
  );
});

test('status: phase, Swarm\'s message, times (the zero time is none), images, and the tasks on the current image', () => {
  const tasks = [task('a', 'web:1', 'running'), task('b', 'web:2', 'running'), task('c', 'web:2', 'rejected', 'shutdown'), task('d', 'web:1', 'running')];
  const status = rolloutStatus('prod', paused, tasks);
  assert.deepEqual(status, {
    cluster: 'prod',
    stack: 'shop',
    service: 'web',
    swarmService: 'shop_web',
    phase: 'paused',
    state: 'paused',
    message: 'update paused due to failure or early termination of task abc',
    startedAt: '2026-01-01T00:00:01Z',
    completedAt: null,
    image: 'web:2',
    previousImage: 'web:1',
    desired: 3,
    running: 3,
    runningCurrent: 1,
    failureAction: 'pause',
  });
  const fresh = rolloutStatus('prod', { ID: 'svc', Version: { Index: 2 }, Spec: spec('web:1', 2) }, [task('a', 'web:1', 'running')]);
  assert.equal(fresh.phase, 'none');
  assert.equal(fresh.previousImage, null);
});

test('history is the two specs Swarm keeps, the current one with what changed', () => {
  assert.deepEqual(historyOf(paused), [
    { which: 'previous', image: 'web:1', replicas: 3, changes: [] },
    { which: 'current', image: 'web:2', replicas: 3, changes: ['TaskTemplate'] },
  ]);
  assert.deepEqual(historyOf({ ...paused, PreviousSpec: undefined }), [{ which: 'current', image: 'web:2', replicas: 3, changes: [] }]);
});

test('undo needs a previous spec; pause is refused saying when Swarm pauses; resume only a paused update', () => {
  assert.doesNotThrow(() => checkUndo('prod', paused));
  assert.throws(() => checkUndo('prod', { ...paused, PreviousSpec: undefined }), (e: unknown) => e instanceof BatonError && /never been updated/.test(e.message));
  const refusal = pauseRefusal('prod', paused);
  assert.match(refusal.message, /cannot be paused on request.*failure_action is pause/);
  assert.match(refusal.hint ?? '', /baton rollout undo web --cluster prod/);
  assert.doesNotThrow(() => checkResume('prod', paused));
  assert.doesNotThrow(() => checkResume('prod', { ...paused, UpdateStatus: { State: 'rollback_paused' } }));
  assert.throws(() => checkResume('prod', { ...paused, UpdateStatus: { State: 'completed' } }), (e: unknown) => e instanceof BatonError && /not paused \(it is completed\)/.test(e.message));
});
