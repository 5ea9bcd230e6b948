// A stream with input (the terminal's `exec`): input is checked against the stream's contract and
// bounded before an opener sees it, the wire carries it to the open stream, and a terminal's end is
// told in words a person can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXEC_INPUT_MAX_CHARS, type ExecInput, type WireResponse } from '../../shared/api.ts';
import type { ErrorBody } from '../../shared/errors.ts';
import { createStreamOpener } from '../../electron/control-plane/api/stream-opener.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import { openWireConnection } from '../../electron/server/wire.ts';
import { PENDING_INPUT_LIMIT, PendingInput, terminalEndReason } from '../../electron/control-plane/terminals/terminal-end.ts';
import { isStreamRequest } from '../../electron/window/bridge.ts';
import { clipboardKey, inputPieces } from '../../renderer/src/views/terminal/terminal-input.ts';

function execOpener() {
  const inputs: ExecInput[] = [];
  const ends: (ErrorBody | null)[] = [];
  let cancelled = 0;
  let caller = '';
  const open = createStreamOpener(
    {
      exec: (_p, _sink, c) => {
        caller = c.transport;
        return { cancel: () => cancelled++, input: (value) => inputs.push(value) };
      },
      logs: () => () => {},
    },
    silentLogger(),
  );
  const handlers = { chunk: () => {}, end: (e: ErrorBody | null) => ends.push(e) };
  return { open, inputs, ends, handlers, cancelled: () => cancelled, caller: () => caller };
}

test('input that fits the contract reaches the opener; the opener learns who opened it', () => {
  const o = execOpener();
  const s = o.open('exec', { replica: 'r1' }, o.handlers, { transport: 'websocket' });
  s.input({ data: 'ls\r' });
  s.input({ resize: { cols: 120, rows: 40 } });
  assert.deepEqual(o.inputs, [{ data: 'ls\r' }, { resize: { cols: 120, rows: 40 } }]);
  assert.equal(o.caller(), 'websocket');
  assert.deepEqual(o.ends, []);
});

test('input too large or of the wrong shape closes the stream with INVALID_INPUT; nothing after', () => {
  for (const bad of [{ data: 'x'.repeat(EXEC_INPUT_MAX_CHARS + 1) }, { resize: { cols: 0, rows: 10 } }, { resize: { cols: 10_000, rows: 10 } }, { keys: 'a' }, 'ls']) {
    const o = execOpener();
    const s = o.open('exec', { replica: 'r1' }, o.handlers);
    s.input(bad);
    s.input({ data: 'after' });
    assert.equal(o.inputs.length, 0, JSON.stringify(bad).slice(0, 40));
    assert.equal(o.cancelled(), 1);
    assert.deepEqual(
      o.ends.map((e) => e?.code),
      ['INVALID_INPUT'],
    );
  }
});

test('a stream that takes no input is closed by input', () => {
  let cancelled = 0;
  const ends: (ErrorBody | null)[] = [];
  const open = createStreamOpener({ logs: () => () => cancelled++ }, silentLogger());
  open('logs', { replica: 'x' }, { chunk: () => {}, end: (e) => ends.push(e) }).input({ data: 'x' });
  assert.equal(cancelled, 1);
  assert.equal(ends[0]?.code, 'INVALID_INPUT');
});

test('exec params are bounded: a command of many parts, a size out of range', async () => {
  const o = execOpener();
  o.open('exec', { replica: 'r1', cmd: Array.from({ length: 65 }, () => 'a') }, o.handlers);
  o.open('exec', { replica: 'r1', cols: 5000 }, o.handlers);
  o.open('exec', { replica: '' }, o.handlers);
  await Promise.resolve();
  assert.deepEqual(
    o.ends.map((e) => e?.code),
    ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT'],
  );
});

test('the wire carries { id, input } to the open stream, drops input for an id not open, and answers none', () => {
  const sent: WireResponse[] = [];
  const inputs: unknown[] = [];
  const plane = {
    dispatch: async () => ({ result: null }),
    subscribe: () => () => {},
    lastEventId: () => 0,
    stream: () => Object.assign(() => {}, { input: (v: unknown) => inputs.push(v) }),
  };
  const wire = openWireConnection(plane, (m) => sent.push(m), { transport: 'local-socket' });
  wire.receive({ id: 1, stream: 'exec', params: { replica: 'r' } });
  wire.receive({ id: 1, input: { data: 'a' } });
  wire.receive({ id: 2, input: { data: 'b' } });
  assert.deepEqual(inputs, [{ data: 'a' }]);
  assert.deepEqual(sent, []);
});

test('the wire closes a stream that takes no input when it gets some', () => {
  const sent: WireResponse[] = [];
  let cancelled = 0;
  const plane = { dispatch: async () => ({ result: null }), subscribe: () => () => {}, lastEventId: () => 0, stream: () => () => cancelled++ };
  const wire = openWireConnection(plane, (m) => sent.push(m), { transport: 'local-socket' });
  wire.receive({ id: 1, stream: 'logs', params: {} });
  wire.receive({ id: 1, input: { data: 'a' } });
  assert.equal(cancelled, 1);
  assert.equal((sent[0] as { error: ErrorBody }).error.code, 'INVALID_INPUT');
});

test('the IPC channel lets input through to main (which checks it as the wire does)', () => {
  assert.ok(isStreamRequest({ id: 3, input: { data: 'x' } }));
  assert.ok(!isStreamRequest({ input: { data: 'x' } }));
});

test('a terminal\'s end, in words', () => {
  assert.equal(terminalEndReason({ exitCode: 0, replicaState: 'running', replica: 'a_b.1.1-x' }), 'The command exited with code 0.');
  assert.match(terminalEndReason({ exitCode: 137, replicaState: 'exited', replica: 'a_b.1.1-x' }), /a_b\.1\.1-x stopped \(exited\)/);
  assert.match(terminalEndReason({ exitCode: null, replicaState: null, replica: 'a_b.1.1-x' }), /was removed/);
  assert.equal(terminalEndReason({ exitCode: null, replicaState: 'running', replica: 'a' }), 'The terminal closed.');
});

test('keystrokes typed before the exec attached wait, bounded', () => {
  const p = new PendingInput();
  assert.ok(p.push('ab'));
  assert.ok(!p.push('x'.repeat(PENDING_INPUT_LIMIT)));
  assert.ok(p.push('c'));
  assert.deepEqual(p.drain(), ['ab', 'c']);
  assert.deepEqual(p.drain(), []);
});

test('a long paste goes as pieces within the bound, never splitting a character', () => {
  const pieces = inputPieces('a'.repeat(EXEC_INPUT_MAX_CHARS * 2 + 5));
  assert.deepEqual(
    pieces.map((p) => p.length),
    [EXEC_INPUT_MAX_CHARS, EXEC_INPUT_MAX_CHARS, 5],
  );
  const emoji = inputPieces('ab😀cd', 3);
  assert.equal(emoji.join(''), 'ab😀cd');
  assert.ok(emoji.every((p) => !/[\uD800-\uDBFF]$/.test(p)));
  assert.deepEqual(inputPieces(''), []);
});

test('Ctrl+Shift+C and V copy and paste; Ctrl+C goes to the program', () => {
  assert.equal(clipboardKey({ type: 'keydown', ctrlKey: true, shiftKey: true, key: 'C' }), 'copy');
  assert.equal(clipboardKey({ type: 'keydown', ctrlKey: true, shiftKey: true, key: 'V' }), 'paste');
  assert.equal(clipboardKey({ type: 'keydown', ctrlKey: true, shiftKey: false, key: 'c' }), null);
  assert.equal(clipboardKey({ type: 'keyup', ctrlKey: true, shiftKey: true, key: 'C' }), null);
});
