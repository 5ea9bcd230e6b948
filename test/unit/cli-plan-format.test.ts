// What `baton apply` prints about a plan: per service its action, and under it what changes,
// field by field, and the replica count when it moves (said when a hand scale is undone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServicePlan, StackPlan } from '../../shared/api.ts';
import { planText } from '../../electron/server/cli/format.ts';
import { describeChange, describeChanges } from '../../shared/plan-text.ts';

const step = (extra: Partial<ServicePlan> = {}): ServicePlan => ({
  name: 'web',
  action: 'update',
  replicas: 3,
  replicasBefore: 3,
  scaledByHand: false,
  changes: [],
  revision: 2,
  hosts: [],
  pending: null,
  binds: [],
  ports: [],
  hostAccess: [],
  ...extra,
});

const plan = (...services: ServicePlan[]): StackPlan => ({ stack: 'shop', applied: false, services, warnings: [] });

test('a change reads "field: before → after", or whole when there was nothing before', () => {
  assert.equal(describeChange({ field: 'image', before: 'app:v1', after: 'app:v2' }), 'image: app:v1 → app:v2');
  assert.equal(describeChange({ field: 'environment', before: null, after: 'added DEBUG, changed DB_URL' }), 'environment: added DEBUG, changed DB_URL');
  assert.equal(describeChange({ field: 'healthcheck', before: 'x', after: null }), 'healthcheck: x → none');
});

test('under each service its changes, then its replicas when they move', () => {
  const text = planText(
    plan(
      step({
        changes: [
          { field: 'image', before: 'app:v1', after: 'app:v2' },
          { field: 'environment', before: null, after: 'added DEBUG, changed DB_URL' },
        ],
        replicasBefore: 5,
        scaledByHand: true,
      }),
      step({ name: 'api', action: 'scale', replicasBefore: 2, replicas: 4, revision: 1 }),
      step({ name: 'db', action: 'unchanged', revision: 1 }),
    ),
  );
  assert.equal(
    text,
    [
      'Plan for stack shop:',
      '  update    web: 3 replica(s) (revision 2)',
      '            image: app:v1 → app:v2',
      '            environment: added DEBUG, changed DB_URL',
      '            replicas: 5 → 3 (scaled by hand to 5)',
      '  scale     api: 4 replica(s) (revision 1)',
      '            replicas: 2 → 4',
      '  unchanged db: 3 replica(s) (revision 1)',
    ].join('\n'),
  );
});

test('a new service lists what its file sets, its ports once (with their reach); a removed one nothing', () => {
  const created = step({
    action: 'create',
    replicasBefore: null,
    revision: 1,
    changes: [
      { field: 'image', before: null, after: 'app:v1' },
      { field: 'ports', before: null, after: '8080:80/tcp ingress' },
    ],
    ports: [{ target: 80, protocol: 'tcp', published: 8080, reach: 'ingress' }],
  });
  assert.deepEqual(describeChanges(created), ['image: app:v1']);
  assert.match(planText(plan(created)), /image: app:v1\n {12}port 8080 on every host \(ingress\) → 80\/tcp$/);
  assert.deepEqual(describeChanges(step({ action: 'remove', replicas: 0, replicasBefore: 2, revision: null })), []);
});
