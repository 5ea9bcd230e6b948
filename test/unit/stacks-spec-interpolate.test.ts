import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate } from '../../electron/control-plane/stacks/spec/interpolate.ts';
import { parseEnvFile } from '../../electron/control-plane/stacks/spec/env-file.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

const ENV: Record<string, string> = { SET: 'value', EMPTY: '', TAG: '1.2.3' };
const lookup = (name: string) => (Object.hasOwn(ENV, name) ? ENV[name] : undefined);
const value = (s: string) => interpolate(s, lookup).value;

test('the Compose substitutions', () => {
  assert.equal(value('${SET}'), 'value');
  assert.equal(value('$SET/x'), 'value/x');
  assert.equal(value('a${SET}b$SET'), 'avalueb' + 'value');
  assert.equal(value('$$SET and $${SET}'), '$SET and ${SET}');

  assert.equal(value('${UNSET:-fallback}'), 'fallback');
  assert.equal(value('${EMPTY:-fallback}'), 'fallback');
  assert.equal(value('${EMPTY-fallback}'), '');
  assert.equal(value('${UNSET-fallback}'), 'fallback');
  assert.equal(value('${SET:-fallback}'), 'value');

  assert.equal(value('${SET:+alt}'), 'alt');
  assert.equal(value('${EMPTY:+alt}'), '');
  assert.equal(value('${EMPTY+alt}'), 'alt');
  assert.equal(value('${UNSET+alt}'), '');

  assert.equal(value('${UNSET:-${TAG}}'), '1.2.3');
  assert.equal(value('${UNSET:-${ALSO_UNSET:-deep}}'), 'deep');
  assert.equal(value('${UNSET:-a:b/c}'), 'a:b/c');
});

test('an unset variable without a default is a warning and becomes ""; a default keeps it quiet', () => {
  const r = interpolate('x=${UNSET} y=$ALSO', lookup);
  assert.equal(r.value, 'x= y=');
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.offset, i.text]),
    [
      ['warning', 2, '${UNSET}'],
      ['warning', 13, '$ALSO'],
    ],
  );
  assert.match(r.issues[0]!.message, /variable UNSET is not set: using an empty string/);
  // The default is used, so the variable inside it is never looked at.
  assert.deepEqual(interpolate('${SET:-${UNSET}}', lookup).issues, []);
});

test('a missing required variable is an error with its message', () => {
  const r = interpolate('db:${PASSWORD:?set PASSWORD in .env}', lookup);
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.offset, i.message]),
    [['error', 3, 'required variable PASSWORD is not set: set PASSWORD in .env']],
  );
  assert.equal(interpolate('${EMPTY:?}', lookup).issues[0]?.message, 'required variable EMPTY is empty');
  assert.deepEqual(interpolate('${EMPTY?must be set}', lookup).issues, []);
  assert.equal(interpolate('${UNSET?must be set}', lookup).issues[0]?.message, 'required variable UNSET is not set: must be set');
});

test('malformed expressions are errors', () => {
  assert.match(interpolate('${UNCLOSED', lookup).issues[0]!.message, /has no closing `}`/);
  assert.match(interpolate('${9LIVES}', lookup).issues[0]!.message, /is not a valid variable/);
  assert.match(interpolate('${SET/x}', lookup).issues[0]!.message, /is not a valid substitution/);
  assert.match(interpolate('costs 5$', lookup).issues[0]!.message, /a lone `\$` is not a variable: write `\$\$`/);
});

test('in a stack file: values are interpolated, problems are at the expression, keys are left alone', () => {
  const text = [
    'services:', //                                                 1
    '  web:', //                                                    2
    '    image: "registry/web:${TAG:?set TAG to the release}"', //  3
    '    environment:', //                                          4
    '      GREETING: hello $WHO', //                                5
    '      PRICE: $$5', //                                          6
    '      ${KEY}: kept', //                                        7
    '    deploy:', //                                               8
    '      replicas: ${REPLICAS:-2}', //                            9
    '',
  ].join('\n');
  const failing = parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {} });
  assert.equal(failing.stack, null);
  assert.deepEqual(
    failing.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.path}`),
    ['3:26 error services.web.image', '5:23 warning services.web.environment.GREETING'],
  );
  assert.equal(failing.problems[0]!.message, 'services.web.image: required variable TAG is not set: set TAG to the release');

  const ok = parseStackFile({ text, file: '/srv/shop/stack.yaml', env: { TAG: '2.0', WHO: 'world', REPLICAS: '4' } });
  assert.deepEqual(ok.problems, []);
  const web = ok.stack!.services[0]!;
  assert.equal(web.image, 'registry/web:2.0');
  assert.deepEqual(web.environment, { GREETING: 'hello world', PRICE: '$5', '${KEY}': 'kept' });
  assert.equal(web.replicas, 4);
});

test('environment entries without a value take it from the environment, or are left out', () => {
  const text = 'services:\n  app:\n    image: x\n    environment:\n      - FROM_ENV\n      - NOT_SET\n      - EXPLICIT=1\n';
  const result = parseStackFile({ text, file: '/srv/shop/stack.yaml', env: { FROM_ENV: 'here' } });
  assert.deepEqual(result.stack!.services[0]!.environment, { FROM_ENV: 'here', EXPLICIT: '1' });
});

test('env_file format: export, comments, quotes, multi-line values, interpolation', () => {
  const text = [
    '# a comment',
    'export PLAIN=value # trailing comment',
    'SPACED = padded',
    "SINGLE='no $EXPANSION here'",
    'DOUBLE="tab\\there ${PLAIN}"',
    'MULTI="line one',
    'line two"',
    'FROM_ENV',
    'EMPTY=',
    'URL=http://x/#anchor',
  ].join('\n');
  const r = parseEnvFile(text, () => undefined);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.entries, [
    { key: 'PLAIN', value: 'value' },
    { key: 'SPACED', value: 'padded' },
    { key: 'SINGLE', value: 'no $EXPANSION here' },
    { key: 'DOUBLE', value: 'tab\there value' },
    { key: 'MULTI', value: 'line one\nline two' },
    { key: 'FROM_ENV', value: null },
    { key: 'EMPTY', value: '' },
    { key: 'URL', value: 'http://x/#anchor' },
  ]);
});
