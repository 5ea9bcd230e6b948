// Hostile stack files: refused in bounded time and memory, each with what is wrong and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { checkImageRef } from '../../electron/control-plane/stacks/spec/image-ref.ts';
import { MAX_STACK_FILE_BYTES } from '../../electron/control-plane/stacks/spec/yaml-source.ts';

const parse = (text: string) => parseStackFile({ text, file: 'stack.yaml', env: {} });
const env = (n: number, dup = false) => `services:\n  web:\n    image: nginx\n    environment:\n${Array.from({ length: n }, (_, i) => `      K${i}: v\n`).join('')}${dup ? '      K7: again\n' : ''}`;

test('many keys in one map parse in time linear in their number; a key written twice is still found', () => {
  const time = (n: number) => {
    const t0 = performance.now();
    const r = parse(env(n));
    assert.ok(r.stack, JSON.stringify(r.problems.slice(0, 2)));
    return performance.now() - t0;
  };
  time(2000); // warm
  const small = time(10_000);
  const large = time(40_000);
  // quadratic would be 16×; allow noise well short of it
  assert.ok(large < small * 8, `40,000 keys took ${large.toFixed(0)} ms, 10,000 took ${small.toFixed(0)} ms`);
  const dup = parse(env(20, true));
  assert.equal(dup.stack, null);
  assert.deepEqual(dup.problems.map((p) => [p.line, p.column]), [[25, 7]]);
  assert.match(dup.problems[0]!.message, /Map keys must be unique: "K7" is written twice/);
});

test('a file past the size limit is refused before it is parsed, saying the limit', () => {
  const big = `services:\n  web:\n    image: nginx\n    command: "${'x'.repeat(MAX_STACK_FILE_BYTES)}"\n`;
  const t0 = performance.now();
  const r = parse(big);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(r.stack, null);
  assert.match(r.problems[0]!.message, /the file is 2\.0 MiB: a stack file may be at most 2 MiB/);
});

test('10,000 levels of nesting are refused as nesting, not as a stack overflow', () => {
  for (const nested of [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`]) {
    const r = parse(`services:\n  web:\n    image: nginx\n    command: ${nested}\n`);
    assert.equal(r.stack, null);
    assert.match(r.problems[0]!.message, /nested more than 64 levels deep/);
    assert.equal(r.problems[0]!.line, 4);
  }
  // block nesting, by indentation
  let block = 'services:\n  web:\n    image: nginx\n    labels:\n';
  for (let i = 0; i < 100; i++) block += `${' '.repeat(6 + i * 2)}k${i}:\n`;
  block += `${' '.repeat(6 + 200)}end: 1\n`;
  const r = parse(block);
  assert.equal(r.stack, null);
  assert.match(r.problems[0]!.message, /nested more than 64 levels deep/);
  // brackets in quotes and comments are not nesting
  assert.ok(parse(`services:\n  web:\n    image: nginx\n    command: "${'['.repeat(100)}" # ${'{'.repeat(100)}\n`).stack);
});

test('a replica count no cluster holds is refused with the numbers', () => {
  const r = parse('services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 1e9\n');
  assert.equal(r.stack, null);
  assert.match(r.problems[0]!.message, /replicas: must be at most 1000 \(got 1000000000\)/);
  assert.deepEqual([r.problems[0]!.line, r.problems[0]!.column], [5, 17]);
});

test('image references: the grammar Docker uses, with the offending character', () => {
  for (const ok of ['nginx', 'nginx:1.27-alpine', 'library/nginx', 'ghcr.io/org/app:v1', 'localhost:5000/a/b', 'my_org/app__x', 'a/b-c', 'nginx@sha256:' + 'a'.repeat(64), 'Registry.Example.com/app', '[::1]:5000/app:1']) {
    assert.equal(checkImageRef(ok), null, ok);
  }
  const bad = (ref: string) => checkImageRef(ref)!;
  assert.deepEqual([bad('ng inx').at, bad('ng inx').message], [2, 'has a space at character 3: an image reference is letters, digits and . _ - / : @']);
  assert.match(bad('ngi\0nx').message, /a NUL byte at character 4/);
  assert.match(bad('Nginx').message, /capital letter at character 1: a repository name is lowercase \(write "nginx"\)/);
  assert.match(bad('org/MyApp:1').message, /capital letter at character 5/);
  assert.match(bad('nginx:-bad').message, /tag "-bad"/);
  assert.match(bad('nginx@md5:x').message, /digest/);
  assert.match(bad('a..b').message, /path component/);
  // in a file: placed at the character, past the quote
  const r = parse('services:\n  web:\n    image: "web app:1"\n');
  assert.equal(r.stack, null);
  assert.deepEqual([r.problems[0]!.line, r.problems[0]!.column], [3, 16]);
  assert.match(r.problems[0]!.message, /"web app:1" has a space at character 4/);
});
