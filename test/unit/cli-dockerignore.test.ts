import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, mayTakeBackUnder, parseDockerignore } from '../../electron/server/cli/dockerignore.ts';

const ignored = (rules: string, paths: string[]): string[] => {
  const patterns = parseDockerignore(rules);
  return paths.filter((p) => isIgnored(patterns, p));
};

test('dockerignore: * stays within one part of a path, ? is one character, a class is a class', () => {
  const paths = ['a.log', 'logs/a.log', 'b.txt', 'c1.tmp', 'c12.tmp', 'x.bak'];
  assert.deepEqual(ignored('*.log\nc?.tmp\n[wx].bak\n', paths), ['a.log', 'c1.tmp', 'x.bak']);
  assert.deepEqual(ignored('*/*.log\n', paths), ['logs/a.log']);
});

test('dockerignore: ** is any number of folders, none too', () => {
  const paths = ['a.log', 'src/a.log', 'src/deep/er/a.log', 'src/a.txt', 'src/x/y', 'other/y'];
  assert.deepEqual(ignored('**/*.log\n', paths), ['a.log', 'src/a.log', 'src/deep/er/a.log']);
  assert.deepEqual(ignored('src/**\n', paths), ['src/a.log', 'src/deep/er/a.log', 'src/a.txt', 'src/x/y']);
  assert.deepEqual(ignored('src/**/y\n', paths), ['src/x/y']);
});

test('dockerignore: a folder takes what is in it; a later ! takes a path back; the last match decides', () => {
  const paths = ['node_modules', 'node_modules/x/index.js', 'docs/a.md', 'docs/README.md', 'README.md', 'keep.md'];
  assert.deepEqual(ignored('node_modules\n', paths), ['node_modules', 'node_modules/x/index.js']);
  assert.deepEqual(ignored('*.md\n!README.md\n', paths), ['keep.md']);
  assert.deepEqual(ignored('docs\n!docs/README.md\n', paths), ['docs/a.md']);
  // a ! before the pattern it would undo is itself undone
  assert.deepEqual(ignored('!docs/README.md\ndocs\n', paths), ['docs/a.md', 'docs/README.md']);
});

test('dockerignore: comments, blank lines, a leading / or ./ and a trailing / are what Docker makes of them', () => {
  const paths = ['build', 'build/out.js', 'src/build', '#notes'];
  assert.deepEqual(ignored('# a comment\n\n  /build/  \n', paths), ['build', 'build/out.js']);
  assert.deepEqual(ignored('./build\n', paths), ['build', 'build/out.js']);
  assert.deepEqual(ignored('\\#notes\n', paths), ['#notes']);
  assert.deepEqual(ignored('.\n!src\n', paths), ['build', 'build/out.js', '#notes']);
});

test('dockerignore: an ignored folder is walked only when a ! could take something inside it back', () => {
  assert.equal(mayTakeBackUnder(parseDockerignore('node_modules\n'), 'node_modules'), false);
  assert.equal(mayTakeBackUnder(parseDockerignore('docs\n!docs/README.md\n'), 'docs'), true);
  assert.equal(mayTakeBackUnder(parseDockerignore('docs\n!docs/README.md\n'), 'node_modules'), false);
  assert.equal(mayTakeBackUnder(parseDockerignore('*\n!**/*.go\n'), 'pkg'), true);
});
