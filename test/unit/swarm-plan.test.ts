import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedFields, planServices, updateBody, writtenIn, type CurrentService } from '../../electron/control-plane/swarm/swarm-plan.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { translateStack } from '../../electron/control-plane/swarm/translate.ts';
import type { SwarmServiceSpec } from '../../shared/swarm-spec.ts';

function specOf(text: string): SwarmServiceSpec {
  const r = parseStackFile({ text, file: 'stack.yaml', stackName: 'shop' });
  assert.ok(r.stack, JSON.stringify(r.problems));
  return translateStack(r.stack).services[0]!;
}

const WEB = 'services:\n  web:\n    image: baton-test/web:1\n    ports: ["8080:8080"]\n    deploy: { replicas: 2 }\n';

/** What a manager answers for a spec it was given: its defaults filled in, zero values left out. */
function asSwarmAnswers(spec: SwarmServiceSpec): SwarmServiceSpec {
  const copy = structuredClone(spec) as SwarmServiceSpec & { TaskTemplate: { Runtime?: string; ContainerSpec: { Isolation?: string } } };
  copy.TaskTemplate.ForceUpdate = 0;
  copy.TaskTemplate.Runtime = 'container';
  copy.TaskTemplate.ContainerSpec.Isolation = 'default';
  delete (copy.UpdateConfig as Partial<SwarmServiceSpec['UpdateConfig']>).Delay; // 0: not answered
  return copy;
}

test('a field is written in the current spec when it has the value, whatever else Swarm added', () => {
  assert.equal(writtenIn({ a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2, d: 3 }], e: 4 }), true);
  assert.equal(writtenIn({ a: 1 }, { a: 2 }), false);
  assert.equal(writtenIn([1, 2], [1, 2, 3]), false, 'a list is compared whole');
  assert.equal(writtenIn({ n: 0, f: false, s: '' }, {}), true, 'zero values Swarm leaves out');
  assert.equal(writtenIn({ n: 1 }, {}), false);
});

test('a service Swarm has as applied is unchanged; a missing one is created', () => {
  const spec = specOf(WEB);
  const current = new Map<string, CurrentService>([['shop_web', { id: 'x', version: 7, spec: asSwarmAnswers(spec) }]]);
  assert.deepEqual(planServices([{ service: 'web', spec }], current), [{ service: 'web', swarmService: 'shop_web', action: 'unchanged', changes: [], replicas: 2 }]);
  assert.deepEqual(planServices([{ service: 'web', spec }], new Map()), [{ service: 'web', swarmService: 'shop_web', action: 'create', changes: [], replicas: 2 }]);
});

test('a new image or count is an update, naming the fields that change', () => {
  const before = asSwarmAnswers(specOf(WEB));
  assert.deepEqual(changedFields(specOf(WEB.replace('web:1', 'web:2')), before), ['Labels', 'TaskTemplate']);
  assert.deepEqual(changedFields(specOf(WEB.replace('replicas: 2', 'replicas: 5')), before), ['Mode']);
  const [entry] = planServices([{ service: 'web', spec: specOf(WEB.replace('replicas: 2', 'replicas: 5')) }], new Map([['shop_web', { id: 'x', version: 7, spec: before }]]));
  assert.equal(entry!.action, 'update');
  assert.equal(entry!.replicas, 5);
});

test('an update keeps the ForceUpdate counter Swarm has', () => {
  const want = specOf(WEB);
  const have = asSwarmAnswers(want);
  have.TaskTemplate.ForceUpdate = 3;
  assert.equal(updateBody(want, have).TaskTemplate.ForceUpdate, 3);
  assert.equal(want.TaskTemplate.ForceUpdate, undefined, 'the desired spec is not changed');
});
