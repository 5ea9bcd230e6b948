// What `baton ls` and `baton ps` print about health: available of desired, what the replicas are
// (healthy, running without a health check, unknown on an unreachable host), both revisions of a
// rollout, and the image that serves rather than the one asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaStatus, ServiceStatus } from '../../shared/api.ts';
import { availableText, healthText, imageText, replicaHealthText, replicasTable, servicesTable } from '../../electron/server/cli/format.ts';

const service = (extra: Partial<ServiceStatus> = {}): ServiceStatus => ({
  stack: 'shop',
  name: 'web',
  image: 'web:1',
  desiredImage: 'web:1',
  revision: 1,
  desired: 3,
  running: 3,
  healthy: 3,
  available: 3,
  unknown: 0,
  starting: 0,
  unhealthy: 0,
  noHealthCheck: 0,
  stopped: 0,
  unknownHosts: [],
  revisions: [{ revision: 1, image: 'web:1', running: 3, healthy: 3, available: 3, unknown: 0 }],
  pending: null,
  ports: ['8080->80/tcp (ingress)'],
  preferredHost: null,
  reservation: { nanoCpus: null, memoryBytes: null },
  ...extra,
});

const replica = (extra: Partial<ReplicaStatus> = {}): ReplicaStatus => ({
  id: 'abc',
  name: 'shop_web.1.1-abc',
  stack: 'shop',
  service: 'web',
  slot: 1,
  host: 'h1',
  hostReady: true,
  state: 'running',
  health: 'healthy',
  status: 'healthy',
  revision: 1,
  current: true,
  createdAt: new Date().toISOString(),
  ...extra,
});

test('baton ls: the columns, and a healthy service as available/desired and "3 healthy"', () => {
  const [header, row] = servicesTable([service()]).split('\n');
  assert.deepEqual(header!.split(/\s{2,}/), ['SERVICE', 'AVAILABLE', 'HEALTH', 'IMAGE', 'REV', 'PORTS', 'PENDING']);
  assert.deepEqual(row!.split(/\s{2,}/), ['shop/web', '3/3', '3 healthy', 'web:1', '1', '8080->80/tcp (ingress)']);
});

test('no health check: running, not healthy', () => {
  const s = service({ desired: 2, running: 2, healthy: 0, available: 2, noHealthCheck: 2 });
  assert.equal(availableText(s), '2/2');
  assert.equal(healthText(s), '2 running (no health check)');
});

test('a host unreachable: its replicas are unknown, named by host, and not in available', () => {
  const s = service({ running: 2, healthy: 2, available: 2, unknown: 1, unknownHosts: ['h2'] });
  assert.equal(availableText(s), '2/3');
  assert.equal(healthText(s), '2 healthy, 1 unknown (h2 unreachable)');
});

test('starting, unhealthy and exited are each said', () => {
  assert.equal(healthText(service({ healthy: 1, starting: 1, unhealthy: 1, available: 1 })), '1 healthy, 1 starting, 1 unhealthy');
  assert.equal(healthText(service({ healthy: 2, stopped: 1, running: 2, available: 2 })), '2 healthy, 1 not running');
  assert.equal(healthText(service({ healthy: 0, running: 0, available: 0 })), 'no replicas');
  assert.equal(healthText(service({ desired: 0, healthy: 0, running: 0, available: 0 })), '-');
});

test('during a rollout: both revisions with their counts, the old image until the new one serves', () => {
  const s = service({
    revision: 4,
    image: 'web:3',
    desiredImage: 'web:4',
    running: 3,
    healthy: 2,
    available: 2,
    starting: 1,
    revisions: [
      { revision: 3, image: 'web:3', running: 2, healthy: 2, available: 2, unknown: 0 },
      { revision: 4, image: 'web:4', running: 1, healthy: 0, available: 0, unknown: 0 },
    ],
  });
  assert.equal(availableText(s), 'rev 3: 2/3, rev 4: 0/3');
  assert.equal(imageText(s), 'web:3 (→ web:4)');
  const row = servicesTable([s]).split('\n')[1]!;
  assert.match(row, /^shop\/web {2}rev 3: 2\/3, rev 4: 0\/3 {2}2 healthy, 1 starting {2}web:3 \(→ web:4\) {2}4 /);
});

test('baton ps: HEALTH is unknown on an unreachable host, with what Docker said last', () => {
  assert.equal(replicaHealthText(replica()), 'healthy');
  assert.equal(replicaHealthText(replica({ health: 'none', status: 'running' })), 'no check');
  assert.equal(replicaHealthText(replica({ hostReady: false, status: 'unknown' })), 'unknown (last: healthy)');
  const out = replicasTable([replica({ pool: 'serving' }), replica({ name: 'shop_web.2.1-def', host: 'h2', hostReady: false, status: 'unknown', pool: 'draining' })], [service()]);
  const [header, serving, lost] = out.split('\n');
  assert.deepEqual(header!.split(/\s{2,}/), ['REPLICA', 'HOST', 'STATE', 'HEALTH', 'REV', 'AGE', 'TRAFFIC']);
  assert.match(serving!, /\sserving$/);
  assert.match(lost!, /h2 \(unreachable\)\s+running\s+unknown \(last: healthy\)\s+1\s.*\sdraining$/);
});
