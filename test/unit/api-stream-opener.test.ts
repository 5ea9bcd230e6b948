// The stream opener checks streams as the dispatcher checks requests, and keeps the promises of
// the contract: `end` once, never before `stream` returned, nothing after a cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../../shared/api.ts';
import type { ErrorBody } from '../../shared/errors.ts';
import { createStreamOpener, type StreamSink } from '../../electron/control-plane/api/stream-opener.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';

const line: LogLine = { replica: 'shop_web.1.1-abc123', host: 'h1', stream: 'stdout', time: '2025-01-01T00:00:00.000000000Z', text: 'hi' };

function recorder() {
  const got: string[] = [];
  return { got, handlers: { chunk: (c: unknown) => got.push(`chunk ${JSON.stringify(c).length}`), end: (e: ErrorBody | null) => got.push(`end ${e ? e.code : 'ok'}`) } };
}

test('an opener that ends at once: the caller has its cancel first, then the chunks and one end', async () => {
  const open = createStreamOpener({ logs: (_p, sink) => (sink.chunk([line]), sink.end(null), sink.end(null), () => {}), metrics: () => () => {} }, silentLogger());
  const r = recorder();
  open('logs', { replica: 'x', follow: false }, r.handlers);
  assert.deepEqual(r.got, ['chunk ' + JSON.stringify([line]).length], 'the end waits until stream() returned');
  await Promise.resolve();
  assert.deepEqual(r.got.slice(1), ['end ok'], 'one end');
});

test('defaults are the contract\'s: the opener sees what was sent, validated', () => {
  let seen: unknown = null;
  const open = createStreamOpener({ logs: (p) => ((seen = p), () => {}), metrics: () => () => {} }, silentLogger());
  open('logs', { service: 'shop/web', tail: 5 }, recorder().handlers);
  assert.deepEqual(seen, { service: 'shop/web', tail: 5 });
});

test('invalid requests never reach the opener and say what is wrong where', async () => {
  let opened = 0;
  const open = createStreamOpener({ logs: () => (opened++, () => {}), metrics: () => () => {} }, silentLogger());
  const errors: ErrorBody[] = [];
  const handlers = { chunk: () => {}, end: (e: ErrorBody | null) => e && errors.push(e) };
  open('logs', { replica: 'x', tail: -1 }, handlers);
  open('logs', {}, handlers);
  open('logs', { replica: 'x', colour: true }, handlers);
  await Promise.resolve();
  assert.equal(opened, 0);
  assert.match(errors[0]!.message, /Invalid logs stream request: tail: /);
  assert.match(errors[1]!.message, /name either a replica or a service/);
  assert.match(errors[2]!.message, /colour/);
  assert.ok(errors.every((e) => e.code === 'INVALID_INPUT'));
});

test('a chunk that breaks the contract ends the stream as INTERNAL and cancels the opener', async () => {
  let cancelled = 0;
  let sink: StreamSink<'logs'> | null = null;
  const open = createStreamOpener({ logs: (_p, s) => ((sink = s), () => cancelled++), metrics: () => () => {} }, silentLogger());
  const r = recorder();
  open('logs', { replica: 'x' }, r.handlers);
  (sink as unknown as StreamSink<'logs'>).chunk([{ ...line, stream: 'stdin' } as unknown as LogLine]);
  assert.equal(cancelled, 1);
  assert.deepEqual(r.got, ['end INTERNAL']);
});

test('after cancel the opener is cancelled once and nothing reaches the handlers', () => {
  let cancelled = 0;
  let sink: StreamSink<'logs'> | null = null;
  const open = createStreamOpener({ logs: (_p, s) => ((sink = s), () => cancelled++), metrics: () => () => {} }, silentLogger());
  const r = recorder();
  const cancel = open('logs', { replica: 'x' }, r.handlers);
  cancel();
  cancel();
  const s = sink as unknown as StreamSink<'logs'>;
  s.chunk([line]);
  s.end(null);
  assert.equal(cancelled, 1);
  assert.deepEqual(r.got, []);
});
