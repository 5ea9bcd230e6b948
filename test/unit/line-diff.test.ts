// The revisions' line diff: kept, removed and added lines in order, a change as "- old / + new".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasChanges, lineDiff } from '../../shared/line-diff.ts';

const show = (before: string, after: string) => lineDiff(before, after).map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'removed' ? '-' : '+'}${l.text}`);

test('equal texts are all kept lines', () => {
  assert.deepEqual(show('a\nb\n', 'a\nb\n'), [' a', ' b']);
  assert.equal(hasChanges(lineDiff('a\nb', 'a\nb\n')), false);
});

test('a changed line reads as the old one removed, then the new one added', () => {
  assert.deepEqual(show('image: web:1\nreplicas: 3\n', 'image: web:2\nreplicas: 3\n'), ['-image: web:1', '+image: web:2', ' replicas: 3']);
});

test('lines added and removed around kept ones keep their order', () => {
  assert.deepEqual(show('a\nb\nc\nd', 'a\nc\nx\nd\ny'), [' a', '-b', ' c', '+x', ' d', '+y']);
});

test('an empty side is all added or all removed', () => {
  assert.deepEqual(show('', 'a\nb'), ['+a', '+b']);
  assert.deepEqual(show('a\nb', ''), ['-a', '-b']);
  assert.deepEqual(show('', ''), []);
  assert.equal(hasChanges(lineDiff('', 'a')), true);
});
