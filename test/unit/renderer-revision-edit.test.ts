// A service's edit in the app (the form) and on the control plane (service.edit) made into the stack's next Compose file: only what was asked
// changes, comments and other services stay, and what cannot be done says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { EditError as FormError, editFromForm, isEmptyEdit, parseEnvLines } from '../../renderer/src/views/rollout/revision-edit.ts';
import { EditError, editServiceSource } from '../../electron/control-plane/stacks/service-edit.ts';

const SOURCE = `# the shop
name: shop
services:
  web:
    image: baton-test/web:1 # the front
    environment:
      MODE: blue
      DEBUG: "0"
    deploy:
      replicas: 3
  db:
    image: postgres:16
`;

test('an image edit changes that line only, comments kept', () => {
  const out = editServiceSource(SOURCE, 'web', { image: 'baton-test/web:2' });
  assert.equal(out, SOURCE.replace('baton-test/web:1', 'baton-test/web:2'));
});

test('a replica count goes to deploy.replicas, or to scale when the file uses it', () => {
  assert.equal(parse(editServiceSource(SOURCE, 'web', { replicas: 5 })).services.web.deploy.replicas, 5);
  assert.equal(parse(editServiceSource(SOURCE, 'db', { replicas: 2 })).services.db.deploy.replicas, 2);
  const scaled = editServiceSource('services:\n  web:\n    image: a\n    scale: 2\n', 'web', { replicas: 4 });
  assert.deepEqual(parse(scaled).services.web, { image: 'a', scale: 4 });
});

test('environment: set, add and remove, in the map form and the list form', () => {
  const map = parse(editServiceSource(SOURCE, 'web', { environment: { MODE: 'green', NEW: 'x', DEBUG: null } })).services.web.environment;
  assert.deepEqual(map, { MODE: 'green', NEW: 'x' });
  const list = editServiceSource('services:\n  web:\n    image: a\n    environment:\n      - A=1\n      - B=2\n', 'web', { environment: { A: '9', B: null, C: '3' } });
  assert.deepEqual(parse(list).services.web.environment, ['A=9', 'C=3']);
  const none = parse(editServiceSource('services:\n  web:\n    image: a\n', 'web', { environment: { A: '1' } }));
  assert.deepEqual(none.services.web.environment, { A: '1' });
});

test('what cannot be edited says why, and nothing is returned', () => {
  assert.throws(() => editServiceSource(SOURCE, 'api', { image: 'x' }), (e) => e instanceof EditError && /no service api/.test(e.message));
  assert.throws(() => editServiceSource(SOURCE, 'web', { image: ' ' }), EditError);
  assert.throws(() => editServiceSource(SOURCE, 'web', { replicas: -1 }), EditError);
  assert.throws(() => editServiceSource(SOURCE, 'web', { environment: { 'A B': '1' } }), EditError);
  assert.throws(() => editServiceSource('services: [', 'web', { image: 'x' }), EditError);
});

test('the form sends only what differs; environment lines set and remove', () => {
  const current = { image: 'web:1', replicas: 3, environment: ['MODE'] };
  assert.ok(isEmptyEdit(editFromForm(current, { image: 'web:1 ', replicas: '3', environment: '' })));
  assert.deepEqual(editFromForm(current, { image: 'web:2', replicas: '4', environment: 'MODE=green\n# note\n-DEBUG\n' }), {
    image: 'web:2',
    replicas: 4,
    environment: { MODE: 'green', DEBUG: null },
  });
  assert.deepEqual(parseEnvLines('A=b=c\n\n'), { A: 'b=c' });
  assert.throws(() => parseEnvLines('JUSTNAME'), FormError);
});
