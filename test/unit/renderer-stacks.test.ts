// The Compose editor's logic: the stack name a draft gets, its variables, the control plane's
// problems placed on lines, and how services and plans are worded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceStatus, StackPlan } from '../../shared/api.ts';
import { withCounts } from './fixtures/service-status.ts';
import { BatonError } from '../../shared/errors.ts';
import {
  composeName,
  defaultStackName,
  missingVariables,
  parseVariables,
  problemsOfError,
  problemsOfWarnings,
  referencedVariables,
  stackNameProblem,
} from '../../renderer/src/views/stacks/compose-draft.ts';
import { countsText, hasConverged, serviceTone, summarizePlan } from '../../renderer/src/views/stacks/format.ts';
import { changesStackList } from '../../renderer/src/views/stacks/use-stack-list.ts';

test('the stack name comes from name: in the file, else the file name', () => {
  assert.equal(defaultStackName('name: shop\nservices: {}\n', 'other.yaml'), 'shop');
  assert.equal(defaultStackName('name: "shop-2" # the shop\n', 'x.yml'), 'shop-2');
  assert.equal(defaultStackName('services:\n  web:\n    name: inner\n', 'Shop Front.yaml'), 'shopfront');
  assert.equal(defaultStackName('', 'compose.yaml'), '');
  assert.equal(defaultStackName('', 'docker-compose.yml'), '');
  assert.equal(defaultStackName('', 'compose.prod.yaml'), 'prod');
  assert.equal(defaultStackName('', 'shop.compose.yml'), 'shop');
  assert.equal(defaultStackName('', 'shop-compose.yaml'), 'shop');
  assert.equal(defaultStackName('name: ${STACK}\n', 'api.yaml'), 'api'); // an interpolated name is not known here
  assert.equal(composeName('  name: indented\n'), null);
});

test('a stack name must fit Docker container names', () => {
  assert.equal(stackNameProblem('shop'), null);
  assert.match(stackNameProblem('') ?? '', /Name the stack/);
  assert.match(stackNameProblem('Shop') ?? '', /Lowercase/);
  assert.match(stackNameProblem('-x') ?? '', /starting with/);
});

test('variables are KEY=value lines, as in a .env file', () => {
  const parsed = parseVariables('# comment\nTAG=1.4\nexport DB_HOST = "db.internal"\n\nEMPTY=\nbad line\n');
  assert.deepEqual(parsed.env, { TAG: '1.4', DB_HOST: 'db.internal', EMPTY: '' });
  assert.deepEqual(parsed.problems.map((p) => p.line), [6]);
});

test('the file\'s variables: which it uses, which have defaults, which are missing', () => {
  const source = [
    'services:',
    '  web:',
    '    image: "shop/web:${TAG}"',
    '    environment:',
    '      DB: ${DB_HOST:-localhost}',
    '      PRICE: "$$5"',
    '      MODE: $MODE',
    '    # image: ${OLD}',
    '    command: echo ${TAG:?set TAG}',
  ].join('\n');
  assert.deepEqual(referencedVariables(source), [
    { name: 'TAG', hasDefault: false },
    { name: 'DB_HOST', hasDefault: true },
    { name: 'MODE', hasDefault: false },
  ]);
  assert.deepEqual(missingVariables(source, { TAG: '2' }), ['MODE']);
});

test('file problems come back placed on the draft\'s lines; other files and the cluster are named', () => {
  const error = new BatonError('INVALID_INPUT', '2 problems in the stack file; nothing was applied:\n…', {
    problems: [
      { file: 'compose.yaml', line: 4, column: 7, path: 'services.web.build', message: '`build` is not supported', severity: 'error' },
      { file: 'web.env', line: 2, column: 1, path: '', message: 'bad line', severity: 'error' },
      { file: 'compose.yaml', line: 4, column: 3, path: 'services.web.x', message: 'odd', severity: 'warning' },
      { file: 'compose.yaml', line: 9, column: 3, path: 'version', message: 'obsolete', severity: 'warning' },
    ],
  });
  const problems = problemsOfError(error, 'compose.yaml');
  assert.ok(problems !== null);
  assert.deepEqual(
    problems.map((p) => [p.line, p.column, p.severity, p.otherFile]),
    [
      [4, 7, 'error', null],
      [0, 0, 'error', 'web.env:2'],
      [4, 3, 'warning', null],
      [9, 3, 'warning', null],
    ],
  );

  const cluster = new BatonError('INVALID_INPUT', "The stack shop can't run as written", { problems: ['service web publishes 8080/tcp, which api already publishes.'] });
  assert.deepEqual(problemsOfError(cluster, 'compose.yaml')?.map((p) => [p.line, p.message]), [[0, 'service web publishes 8080/tcp, which api already publishes.']]);
  assert.equal(problemsOfError(new BatonError('INVALID_INPUT', 'No host is ready to run this stack.'), 'compose.yaml'), null);
  assert.equal(problemsOfError(new BatonError('UNAVAILABLE', 'down'), 'compose.yaml'), null);

  const warnings = problemsOfWarnings([{ file: 'compose.yaml', line: 1, column: 1, path: 'version', message: 'obsolete', severity: 'warning' }, 'junk'], 'compose.yaml');
  assert.deepEqual(warnings.map((w) => [w.line, w.severity]), [[1, 'warning']]);
});

function service(patch: Partial<ServiceStatus>): ServiceStatus {
  return withCounts({
    stack: 'shop',
    name: 'web',
    image: 'nginx',
    revision: 2,
    desired: 3,
    running: 3,
    healthy: 3,
    pending: null,
    ports: [],
    preferredHost: null,
    reservation: { nanoCpus: null, memoryBytes: null },
    ...patch,
  });
}

test('a service is healthy, starting, waiting for room, failing or scaled to 0', () => {
  assert.equal(serviceTone(service({})), 'healthy');
  assert.equal(serviceTone(service({ running: 1, healthy: 1 })), 'converging');
  assert.equal(serviceTone(service({ running: 1, healthy: 1, pending: 'no host has 2 CPUs free' })), 'pending');
  assert.equal(serviceTone(service({ healthy: 1 })), 'failing');
  assert.equal(serviceTone(service({ desired: 0, running: 0, healthy: 0 })), 'stopped');
});

test('a service without a health check is available, not healthy; replicas on an unreachable host are not counted', () => {
  const unchecked = service({ healthy: 0, available: 3, noHealthCheck: 3 });
  assert.equal(serviceTone(unchecked), 'healthy', 'converged: every replica can take traffic');
  assert.equal(countsText(unchecked), '3/3 running (no health check)');
  assert.equal(countsText(service({})), '3/3 healthy');
  const lost = service({ running: 2, healthy: 2, unknown: 1, unknownHosts: ['h2'] });
  assert.equal(serviceTone(lost), 'failing');
  assert.equal(countsText(lost), '2/3 healthy, 1 unknown');
  assert.equal(countsText(service({ healthy: 1, available: 2, noHealthCheck: 1 })), '2/3 available');
});

test('a plan is summarized, and an applied one has converged once every service is healthy', () => {
  const plan: StackPlan = {
    stack: 'shop',
    applied: true,
    warnings: [],
    services: [
      { name: 'web', action: 'update', replicas: 3, replicasBefore: 3, scaledByHand: false, changes: [{ field: 'image', before: 'web:1', after: 'web:2' }], revision: 2, hosts: ['a', 'b', 'c'], pending: null, binds: [], ports: [], hostAccess: [] },
      { name: 'old', action: 'remove', replicas: 0, replicasBefore: 1, scaledByHand: false, changes: [], revision: null, hosts: [], pending: null, binds: [], ports: [], hostAccess: [] },
    ],
  };
  assert.equal(summarizePlan(plan), '1 to update, 1 to remove');
  assert.equal(summarizePlan({ ...plan, services: [{ ...plan.services[0]!, action: 'unchanged' }] }), 'Nothing to change');
  assert.equal(hasConverged(plan, [service({})]), true);
  assert.equal(hasConverged(plan, [service({}), service({ name: 'old' })]), false); // not gone yet
  assert.equal(hasConverged(plan, [service({ healthy: 2 })]), false);
  assert.equal(hasConverged(plan, [service({ revision: 1 })]), false); // the old revision
});

test('the stack list is fetched again when a stack or its set of services changes, not on every replica', () => {
  for (const kind of ['stack.removed', 'service.created', 'service.updated', 'service.removed']) assert.equal(changesStackList(kind), true, kind);
  for (const kind of ['replica.started', 'service.scaled', 'host.ready']) assert.equal(changesStackList(kind), false, kind);
});
