import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBuildContext } from '../../electron/server/cli/build-context.ts';
import { readBuildContexts } from '../../electron/server/cli/build-contexts.ts';
import { readStackInput } from '../../electron/server/cli/stack-files.ts';
import { readTar } from '../../electron/control-plane/hosts/tar.ts';
import { BatonError } from '../../shared/errors.ts';

const LIMITS = { maxBytes: 1 << 20, maxEntries: 1000 };

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-context-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const names = (tar: Buffer): string[] => readTar(tar).map((e) => `${e.name}${e.type === 'folder' ? '/' : ''}`.replace(/\/\/$/, '/'));

test('context: what .dockerignore leaves out is not sent; the Dockerfile and .dockerignore always are', () => {
  const dir = context({
    Dockerfile: 'FROM x\n',
    '.dockerignore': 'Dockerfile\n.dockerignore\nnode_modules\n*.log\ndocs\n!docs/keep.md\n',
    'app.js': 'console.log(1)\n',
    'debug.log': 'noise',
    'node_modules/dep/index.js': 'x',
    'docs/keep.md': 'kept',
    'docs/drop.md': 'dropped',
    'src/deep/name-that-is-rather-long-so-the-whole-path-passes-the-hundred-bytes-ustar-keeps-in-its-name.js': 'long',
  });
  const ctx = readBuildContext(dir, 'Dockerfile', LIMITS, 'service web');
  const got = names(ctx.tar);
  assert.deepEqual(got.sort(), [
    '.dockerignore',
    'Dockerfile',
    'app.js',
    'docs/keep.md',
    'src/',
    'src/deep/',
    'src/deep/name-that-is-rather-long-so-the-whole-path-passes-the-hundred-bytes-ustar-keeps-in-its-name.js',
  ]);
  const app = readTar(ctx.tar).find((e) => e.name === 'app.js')!;
  assert.equal(app.content.toString(), 'console.log(1)\n');
  assert.equal(ctx.bytes, [...readTar(ctx.tar)].reduce((n, e) => n + e.content.length, 0));
});

test('context: the digest follows content, modes and links, not times', () => {
  const dir = context({ Dockerfile: 'FROM x\n', 'a.txt': 'one' });
  symlinkSync('a.txt', join(dir, 'link'));
  const first = readBuildContext(dir, 'Dockerfile', LIMITS, 'service web').digest;
  assert.match(first, /^sha256:[0-9a-f]{64}$/);
  utimesSync(join(dir, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(readBuildContext(dir, 'Dockerfile', LIMITS, 'service web').digest, first, 'a new mtime is the same context');
  writeFileSync(join(dir, 'a.txt'), 'two');
  const second = readBuildContext(dir, 'Dockerfile', LIMITS, 'service web').digest;
  assert.notEqual(second, first);
  writeFileSync(join(dir, '.dockerignore'), 'a.txt\n');
  assert.notEqual(readBuildContext(dir, 'Dockerfile', LIMITS, 'service web').digest, second, 'an ignored file is out of the digest (and .dockerignore in it)');
});

test('context: too large, a missing folder or Dockerfile are errors that say what to do', () => {
  const big = context({ Dockerfile: 'FROM x\n', 'blob.bin': 'x'.repeat(4096) });
  assert.throws(
    () => readBuildContext(big, 'Dockerfile', { maxBytes: 1024, maxEntries: 100 }, 'service web'),
    (err: unknown) => err instanceof BatonError && /larger than Baton sends with an apply \(at most 0\.0 MiB/.test(err.message) && /\.dockerignore/.test(err.hint ?? ''),
  );
  assert.throws(() => readBuildContext(join(big, 'nope'), 'Dockerfile', LIMITS, 'service web'), /build context of service web, .*nope, does not exist/);
  assert.throws(() => readBuildContext(big, 'web.Dockerfile', LIMITS, 'service web'), (err: unknown) => err instanceof BatonError && /web\.Dockerfile, which is not there/.test(err.message) && /build\.dockerfile/.test(err.hint ?? ''));
});

test('contexts: those of the services the apply deploys, with its -f files and profiles, each from the folder its file says', () => {
  const dir = context({
    'compose.yaml': 'services:\n  web:\n    image: web:1\n  debug:\n    build: ./debug\n    profiles: [debug]\n  api:\n    extends: { file: common/base.yaml, service: base }\n',
    'prod.yaml': 'services:\n  web:\n    build: ./web\n',
    'common/base.yaml': 'services:\n  base:\n    build: ./api\n',
    'web/Dockerfile': 'FROM web\n',
    'debug/Dockerfile': 'FROM debug\n',
    'common/api/Dockerfile': 'FROM api\n',
    'api/Dockerfile': 'FROM the wrong folder\n',
  });
  const input = readStackInput(['compose.yaml', 'prod.yaml'], ['debug'], dir, {});
  const builds = readBuildContexts(input.source, input.file, input.env, input.files, false, { overrides: input.overrides, profiles: input.profiles });
  assert.deepEqual(Object.keys(builds).sort(), ['api', 'debug', 'web']);
  const dockerfile = (service: string) => readTar(Buffer.from(builds[service]!.tar!, 'base64')).find((e) => e.name === 'Dockerfile')!.content.toString();
  assert.deepEqual(['web', 'debug', 'api'].map(dockerfile), ['FROM web\n', 'FROM debug\n', 'FROM api\n']);
  // without the profile, its service is not deployed, and its context not read
  const plain = readStackInput(['compose.yaml'], [], dir, {});
  assert.deepEqual(Object.keys(readBuildContexts(plain.source, plain.file, plain.env, plain.files, true, { profiles: plain.profiles })), ['api']);
});
