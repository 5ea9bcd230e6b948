// Docker's log stream → lines: frames cut anywhere, lines across frames, long lines split by
// Docker and stamped again, TTY output, UTF-8 cut in the middle of a character; and the batching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../../shared/api.ts';
import { DockerLogDecoder, dockerSince, splitStamp, type DecodedLine } from '../../electron/control-plane/logs/docker-log-decoder.ts';
import { LogBatcher } from '../../electron/control-plane/logs/log-batcher.ts';

const T1 = '2025-03-01T10:00:00.000000001Z';
const T2 = '2025-03-01T10:00:00.500000000Z';
const T3 = '2025-03-01T10:00:01.000000000Z';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `bytes` in pieces of `size` bytes (1 = every byte alone). */
function decodeInPieces(bytes: Buffer, size: number, tty = false): DecodedLine[] {
  const decoder = new DockerLogDecoder({ tty, timestamps: true });
  const out: DecodedLine[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...decoder.push(bytes.subarray(i, i + size)));
  out.push(...decoder.end());
  return out;
}

test('frames: stdout and stderr told apart, stamps split off, whatever the pieces the bytes come in', () => {
  const bytes = Buffer.concat([frame(1, `${T1} hello\n`), frame(2, `${T2} oops: bad\n`), frame(1, `${T3} world\n`)]);
  const expected = [
    { stream: 'stdout', time: T1, text: 'hello' },
    { stream: 'stderr', time: T2, text: 'oops: bad' },
    { stream: 'stdout', time: T3, text: 'world' },
  ];
  for (const size of [1, 3, 7, 8, 9, 13, bytes.length]) assert.deepEqual(decodeInPieces(bytes, size), expected, `pieces of ${size}`);
});

test('a long line Docker split into several messages is one line again, its repeated stamps dropped', () => {
  const long = 'x'.repeat(20_000);
  const bytes = Buffer.concat([
    frame(1, `${T1} ${long.slice(0, 16_384)}`), // partial: no newline
    frame(2, `${T2} an error in between\n`),
    frame(1, `${T2} ${long.slice(16_384)}\n`),
  ]);
  const lines = decodeInPieces(bytes, 1000);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], { stream: 'stderr', time: T2, text: 'an error in between' });
  assert.deepEqual(lines[1], { stream: 'stdout', time: T1, text: long }, 'joined, stamped when it began');
});

test('several lines in one message, and a last line without a newline', () => {
  const lines = decodeInPieces(Buffer.concat([frame(1, `${T1} a\n${T1} b\n`), frame(1, `${T3} tail without newline`)]), 5);
  assert.deepEqual(lines.map((l) => l.text), ['a', 'b', 'tail without newline']);
});

test('UTF-8 characters cut across frames and pieces come out whole', () => {
  const text = `${T1} héllo wörld — ✓ 日本語 🎉\n`;
  const bytes = Buffer.from(text, 'utf8');
  const cut = bytes.indexOf(Buffer.from('日')) + 1; // inside a 3-byte character
  const framed = Buffer.concat([frame(1, bytes.subarray(0, cut)), frame(1, bytes.subarray(cut))]);
  for (const size of [1, 2, 5]) assert.deepEqual(decodeInPieces(framed, size).map((l) => l.text), ['héllo wörld — ✓ 日本語 🎉']);
});

test('a TTY container: raw bytes, CRLF line ends, all on stdout', () => {
  const raw = Buffer.from(`${T1} first\r\n${T2} second\r\n${T3} third`, 'utf8');
  for (const size of [1, 4, raw.length]) {
    assert.deepEqual(decodeInPieces(raw, size, true), [
      { stream: 'stdout', time: T1, text: 'first' },
      { stream: 'stdout', time: T2, text: 'second' },
      { stream: 'stdout', time: T3, text: 'third' },
    ]);
  }
});

test("the engine's own error in the stream (frame type 3) is kept, not shown as a line", () => {
  const decoder = new DockerLogDecoder({ tty: false, timestamps: true });
  const lines = decoder.push(Buffer.concat([frame(1, `${T1} ok\n`), frame(3, 'error from daemon in stream: log file gone\n')]));
  assert.deepEqual(lines.map((l) => l.text), ['ok']);
  assert.equal(decoder.engineError, 'error from daemon in stream: log file gone');
});

test('stamps: split off when present; a line without one keeps its text; since for Docker', () => {
  assert.deepEqual(splitStamp(`${T1} text with  spaces`), { time: T1, text: 'text with  spaces' });
  assert.deepEqual(splitStamp('2025-03-01T10:00:00+02:00 offset'), { time: '2025-03-01T10:00:00+02:00', text: 'offset' });
  assert.deepEqual(splitStamp('no stamp here'), { time: '', text: 'no stamp here' });
  assert.equal(dockerSince(T1), `${Math.floor(Date.parse(T1) / 1000)}.000000001`);
  assert.equal(dockerSince('2025-03-01T10:00:00.5Z'), `${Math.floor(Date.parse('2025-03-01T10:00:00Z') / 1000)}.500000000`);
  assert.equal(dockerSince('not a time'), null);
});

const line = (text: string, time = T1, replica = 'web.1'): LogLine => ({ replica, host: 'h1', stream: 'stdout', time, text });

test('batching: a chunk leaves when full, the rest after a short wait; a burst never makes one huge chunk', async () => {
  const chunks: LogLine[][] = [];
  const batcher = new LogBatcher((lines) => chunks.push(lines), { flushAfterMs: 30, maxLines: 4 });
  batcher.add([line('1'), line('2')]);
  assert.equal(chunks.length, 0, 'not at once');
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(chunks.map((c) => c.map((l) => l.text)), [['1', '2']]);
  batcher.add(Array.from({ length: 10 }, (_, i) => line(String(i))));
  assert.deepEqual(chunks.slice(1).map((c) => c.length), [4, 4, 2], 'full chunks go at once, in order');
  batcher.add([line('late')]);
  batcher.stop();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(chunks.length, 4, 'nothing after stop');
});

test('batching several replicas: each chunk in time order, one replica keeping its own order', () => {
  const chunks: LogLine[][] = [];
  const batcher = new LogBatcher((lines) => chunks.push(lines), { sortByTime: true });
  batcher.add([line('a1', T1, 'a'), line('a2', T3, 'a')]);
  batcher.add([line('b1', T2, 'b'), line('b2', T2, 'b')]);
  batcher.flush();
  assert.deepEqual(chunks[0]!.map((l) => l.text), ['a1', 'b1', 'b2', 'a2']);
});
