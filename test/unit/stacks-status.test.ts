// How a service's replicas are counted: healthy only when the host is ready and Docker's health
// check passes, running without a health check is not healthy, a replica on a host that is not
// ready is unknown and in no other count, and a rollout's revisions are counted apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import { countReplicas, type StatusDesired } from '../../electron/control-plane/stacks/status.ts';
import { isConverged, replicaCondition } from '../../shared/service-status.ts';

let next = 0;
const replica = (host: string, extra: Partial<ObservedReplica> = {}): ObservedReplica => {
  next++;
  return {
    id: `id${next}`,
    name: `s_web.${next}.1-x`,
    host,
    stack: 's',
    service: 'web',
    slot: next,
    revision: 1,
    containerHash: 'h1',
    state: 'running',
    health: 'healthy',
    exitCode: null,
    createdMs: next,
    ports: [],
    ...extra,
  };
};

const desired: StatusDesired = { revision: 1, replicas: 3, image: 'web:1' };
const images: Record<number, string> = { 1: 'web:1', 2: 'web:2', 3: 'web:3' };
const count = (replicas: ObservedReplica[], ready: string[] = ['h1', 'h2', 'h3'], want: StatusDesired = desired) =>
  countReplicas({ desired: want, replicas, readyHosts: new Set(ready), imageOf: (n) => images[n] });

test('3 running and healthy on ready hosts: 3 healthy, 3 running, 3 available, converged', () => {
  const c = count([replica('h1'), replica('h2'), replica('h3')]);
  assert.deepEqual([c.desired, c.running, c.healthy, c.available, c.unknown], [3, 3, 3, 3, 0]);
  assert.deepEqual(c.revisions, [{ revision: 1, image: 'web:1', running: 3, healthy: 3, available: 3, unknown: 0 }]);
  assert.equal(c.servingImage, 'web:1');
  assert.ok(isConverged({ revision: 1, ...c }));
});

test('no health check: running and available, not healthy', () => {
  const c = count([replica('h1', { health: 'none' }), replica('h2', { health: 'none' })], ['h1', 'h2'], { ...desired, replicas: 2 });
  assert.deepEqual([c.running, c.healthy, c.available, c.noHealthCheck], [2, 0, 2, 2]);
  assert.ok(isConverged({ revision: 1, ...c }), 'a service without a health check converges on available');
});

test('health check starting: running, neither healthy nor available', () => {
  const c = count([replica('h1'), replica('h2', { health: 'starting' }), replica('h3', { health: 'starting' })]);
  assert.deepEqual([c.running, c.healthy, c.available, c.starting], [3, 1, 1, 2]);
  assert.ok(!isConverged({ revision: 1, ...c }));
});

test('unhealthy: running, neither healthy nor available', () => {
  const c = count([replica('h1'), replica('h2'), replica('h3', { health: 'unhealthy' })]);
  assert.deepEqual([c.running, c.healthy, c.available, c.unhealthy], [3, 2, 2, 1]);
});

test('exited on a ready host: in no running count', () => {
  const c = count([replica('h1'), replica('h2'), replica('h3', { state: 'exited', health: 'none', exitCode: 1 })]);
  assert.deepEqual([c.running, c.healthy, c.available, c.stopped, c.unknown], [2, 2, 2, 1, 0]);
});

test('host unreachable: its replicas are unknown, not healthy, not running, whatever Docker said last', () => {
  const c = count([replica('h1'), replica('h2'), replica('h2', { health: 'none' }), replica('h3')], ['h1', 'h3'], { ...desired, replicas: 4 });
  assert.deepEqual([c.running, c.healthy, c.available, c.unknown], [2, 2, 2, 2]);
  assert.deepEqual(c.unknownHosts, ['h2']);
  assert.deepEqual(c.revisions, [{ revision: 1, image: 'web:1', running: 2, healthy: 2, available: 2, unknown: 2 }]);
  assert.ok(!isConverged({ revision: 1, ...c }));
});

test('every host unreachable: nothing serves that is known, the image is the desired one', () => {
  const c = count([replica('h1'), replica('h2')], []);
  assert.deepEqual([c.running, c.healthy, c.available, c.unknown], [0, 0, 0, 2]);
  assert.deepEqual(c.unknownHosts, ['h1', 'h2']);
  assert.equal(c.servingImage, 'web:1');
});

test('a rollout under way: both revisions counted apart, the image is the old one until the new one is available', () => {
  const want: StatusDesired = { revision: 2, replicas: 3, image: 'web:2' };
  const old = [replica('h1'), replica('h2'), replica('h3')];
  const starting = replica('h1', { revision: 2, containerHash: 'h2', health: 'starting', slot: old[0]!.slot });
  let c = count([...old, starting], undefined, want);
  assert.deepEqual(c.revisions, [
    { revision: 1, image: 'web:1', running: 3, healthy: 3, available: 3, unknown: 0 },
    { revision: 2, image: 'web:2', running: 1, healthy: 0, available: 0, unknown: 0 },
  ]);
  assert.deepEqual([c.running, c.healthy, c.available], [4, 3, 3]);
  assert.equal(c.servingImage, 'web:1', 'the new image does not serve yet');
  assert.ok(!isConverged({ revision: 2, ...c }));

  const serving = { ...starting, health: 'healthy' as const };
  c = count([old[1]!, old[2]!, serving], undefined, want);
  assert.deepEqual(
    c.revisions.map((r) => [r.revision, r.available]),
    [
      [1, 2],
      [2, 1],
    ],
  );
  assert.equal(c.servingImage, 'web:2', 'the new image serves once one of its replicas is available');
  assert.ok(!isConverged({ revision: 2, ...c }), 'old replicas still run beside the new');

  const done = [serving, replica('h2', { revision: 2, containerHash: 'h2' }), replica('h3', { revision: 2, containerHash: 'h2' })];
  c = count(done, undefined, want);
  assert.deepEqual(c.revisions, [{ revision: 2, image: 'web:2', running: 3, healthy: 3, available: 3, unknown: 0 }]);
  assert.ok(isConverged({ revision: 2, ...c }));
});

test('the desired revision is listed with zeros before any of its replicas exists; an unknown older image is named by its number', () => {
  const want: StatusDesired = { revision: 5, replicas: 1, image: 'web:5' };
  const c = count([replica('h1', { revision: 4 })], undefined, want);
  assert.deepEqual(
    c.revisions.map((r) => [r.revision, r.image, r.available]),
    [
      [4, 'revision 4', 1],
      [5, 'web:5', 0],
    ],
  );
  assert.equal(c.servingImage, 'revision 4');
});

test('scaled to 0 with nothing left: converged, nothing counted', () => {
  const c = count([], undefined, { ...desired, replicas: 0 });
  assert.deepEqual([c.desired, c.running, c.healthy, c.available, c.unknown], [0, 0, 0, 0, 0]);
  assert.ok(isConverged({ revision: 1, ...c }));
});

test('a replica condition: unknown whenever the host is not ready, else from state and health', () => {
  assert.equal(replicaCondition({ state: 'running', health: 'healthy', hostReady: false }), 'unknown');
  assert.equal(replicaCondition({ state: 'exited', health: 'none', hostReady: false }), 'unknown');
  assert.equal(replicaCondition({ state: 'running', health: 'healthy', hostReady: true }), 'healthy');
  assert.equal(replicaCondition({ state: 'running', health: 'none', hostReady: true }), 'running');
  assert.equal(replicaCondition({ state: 'running', health: 'starting', hostReady: true }), 'starting');
  assert.equal(replicaCondition({ state: 'running', health: 'unhealthy', hostReady: true }), 'unhealthy');
  assert.equal(replicaCondition({ state: 'restarting', health: 'healthy', hostReady: true }), 'stopped');
});
