// A stack applied with a profile on a real lab host: its profile's service is deployed, and an edit
// made without a --profile (as the app makes it) keeps that service rather than removing it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import type { StackPlan } from '../../shared/api.ts';
import { call, startTestPlane, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  const h = lab.hosts[0]!;
  await call(t.plane, 'host.add', { target: `root@${h.address}`, name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
});

after(async () => {
  await call(t.plane, 'stack.remove', { name: 'prof' }).catch(() => undefined);
  await t.plane.stop();
  for (const h of lab.hosts) await dockerCli(h, ['rm', '-f', ...(await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=prof'])).stdout.split('\n').filter(Boolean)]);
});

test('a profile brings its service in; an edit without --profile keeps it', async () => {
  const source = 'name: prof\nservices:\n  web:\n    image: baton-test/web:1\n  debug:\n    image: baton-test/web:1\n    profiles: [debug]\n';
  const without = (await call(t.plane, 'stack.apply', { source, file: '/tmp/prof/compose.yaml', dryRun: true })) as StackPlan;
  assert.deepEqual(without.services.map((s) => s.name), ['web']);
  assert.match(without.warnings.map((w) => w.message).join('\n'), /service `debug` is left out/);

  const applied = (await call(t.plane, 'stack.apply', { source, file: '/tmp/prof/compose.yaml', profiles: ['debug'] })) as StackPlan;
  assert.deepEqual(applied.services.map((s) => [s.name, s.action]), [['web', 'create'], ['debug', 'create']]);

  const edit = (await call(t.plane, 'service.edit', { service: 'prof/web', edit: { replicas: 2 }, dryRun: true })) as StackPlan;
  assert.deepEqual(edit.services.map((s) => [s.name, s.action]).sort(), [['debug', 'unchanged'], ['web', 'scale']]);
});
