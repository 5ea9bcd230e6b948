// `baton apply` reads the files a stack names on the client's side and sends them with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { readStackFiles } from '../../electron/server/cli/stack-files.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-stack-files-'));
mkdirSync(join(dir, 'env'));
writeFileSync(join(dir, 'app.env'), 'A=1\n');
writeFileSync(join(dir, 'env', 'prod.env'), 'B=2\n');
const file = join(dir, 'compose.yaml');

test('the env files a stack names are read beside it, by the path it writes (interpolated), and parse as sent', () => {
  const source = 'services:\n  web:\n    image: x\n    env_file:\n      - ./app.env\n      - env/${STAGE}.env\n      - path: ./optional.env\n        required: false\n';
  const files = readStackFiles(source, file, { STAGE: 'prod' });
  assert.deepEqual(files, { './app.env': 'A=1\n', 'env/prod.env': 'B=2\n' });
  const parsed = parseStackFile({ text: source, file, env: { STAGE: 'prod' }, files });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.stack!.services[0]!.environment, { A: '1', B: '2' });
});

test('a required file that is not there is said before anything is sent', () => {
  const source = 'services:\n  web:\n    image: x\n    env_file: ./missing.env\n';
  assert.throws(
    () => readStackFiles(source, file, {}),
    (e: unknown) => e instanceof BatonError && e.code === 'INVALID_INPUT' && /names the file \.\/missing\.env, which does not exist \(looked for .*missing\.env\)/.test(e.message),
  );
});

test('a stack that names no file sends none', () => {
  assert.deepEqual(readStackFiles('services:\n  web:\n    image: x\n', file, {}), {});
  assert.deepEqual(readStackFiles('services: [not, a, map]\n', file, {}), {});
});

test('the files sent with a stack are bounded in number and size', async () => {
  const { StackApplyParams, STACK_FILES_LIMITS } = await import('../../shared/api.ts');
  const base = { source: 'services: {}', file: 'compose.yaml' };
  assert.ok(StackApplyParams.safeParse({ ...base, files: { './a.env': 'A=1' } }).success);
  const many = Object.fromEntries(Array.from({ length: STACK_FILES_LIMITS.count + 1 }, (_, i) => [`f${i}.env`, 'A=1']));
  assert.match(JSON.stringify(StackApplyParams.safeParse({ ...base, files: many }).error?.issues), /at most 64 files/);
  assert.match(JSON.stringify(StackApplyParams.safeParse({ ...base, files: { big: 'x'.repeat(STACK_FILES_LIMITS.each + 1) } }).error?.issues), /at most 1048576 characters/);
  const large = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.env`, 'x'.repeat(STACK_FILES_LIMITS.each)]));
  assert.match(JSON.stringify(StackApplyParams.safeParse({ ...base, files: large }).error?.issues), /in all/);
});
