// What `baton apply` prints about a plan: per service its action, and under it what changes,
// field by field, and the replica count when it moves (said when a hand scale is undone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServicePlan, StackPlan } from '../../shared/api.ts';
import { buildEventText, planText } from '../../electron/server/cli/format.ts';
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

test('builds: a plan says what would be built where, or that it is up to date; build events print with their service', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const text = planText({
    ...plan(step({ action: 'create', replicasBefore: null })),
    builds: [
      { service: 'web', image: 'shop-web:b-cccccccccccc', digest, action: 'build', on: 'h1', reason: 'on h1, which runs a replica (this machine has no engine)' },
      { service: 'api', image: 'team/api:2', digest, action: 'up-to-date', on: 'h2', reason: 'team/api:2 on h2 was built from this context already' },
    ],
  });
  assert.match(text, /build {5}web: shop-web:b-cccccccccccc would be built on h1, which runs a replica/);
  assert.match(text, /build {5}api: team\/api:2 up to date \(team\/api:2 on h2 was built/);
  const event = (kind: string, message: string, data: Record<string, unknown> | null = null) => ({ id: 1, time: '', kind, severity: 'info', host: null, stack: 'shop', service: 'web', replica: null, message, data }) as unknown as Parameters<typeof buildEventText>[0];
  assert.equal(buildEventText(event('build.output', 'x', { lines: ['Step 1/2 : FROM base', ' ---> 12'] })), 'web | Step 1/2 : FROM base\nweb |  ---> 12');
  assert.equal(buildEventText(event('build.completed', 'shop/web: built shop-web:b-c on h1 in 2.0 s')), 'web | shop/web: built shop-web:b-c on h1 in 2.0 s');
  assert.equal(buildEventText(event('replica.started', 'started')), null);
});
