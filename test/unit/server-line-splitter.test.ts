// Newline-delimited JSON into lines without rescanning: correctness, the limit, and linear time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../../electron/server/line-splitter.ts';

test('lines split across chunks, several in one chunk, empty lines kept as empty', () => {
  const s = new LineSplitter(100);
  assert.deepEqual(s.push('{"a"'), { lines: [], overflow: false });
  assert.deepEqual(s.push(':1}\n{"b":2}\n\n{"c"'), { lines: ['{"a":1}', '{"b":2}', ''], overflow: false });
  assert.deepEqual(s.push(':3}\n'), { lines: ['{"c":3}'], overflow: false });
  assert.deepEqual(s.push('\n'), { lines: [''], overflow: false });
});

test('a line longer than the limit overflows, in one chunk or many; the lines before it still come out', () => {
  const one = new LineSplitter(10);
  assert.deepEqual(one.push('ok\n0123456789A\nlater\n'), { lines: ['ok'], overflow: true });
  assert.deepEqual(one.push('more\n'), { lines: [], overflow: true }, 'nothing after an overflow');
  const many = new LineSplitter(10);
  assert.equal(many.push('01234').overflow, false);
  assert.equal(many.push('56789').overflow, false);
  assert.equal(many.push('A').overflow, true);
  const exact = new LineSplitter(10);
  assert.deepEqual(exact.push('01234'), { lines: [], overflow: false });
  assert.deepEqual(exact.push('56789\n'), { lines: ['0123456789'], overflow: false });
});

test('a 16 MiB line in 64 KiB chunks takes about as long as reading it once', () => {
  const chunk = 'x'.repeat(64 * 1024);
  const s = new LineSplitter(16 * 1024 * 1024);
  const started = performance.now();
  for (let i = 0; i < 255; i++) assert.equal(s.push(chunk).lines.length, 0);
  const { lines } = s.push(chunk.slice(1) + '\n');
  const ms = performance.now() - started;
  assert.equal(lines[0]!.length, 16 * 1024 * 1024 - 1);
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});
