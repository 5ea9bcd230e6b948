import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IN_PROCESS } from '../../electron/control-plane/api/caller.ts';
import { createDispatcher, type Handlers } from '../../electron/control-plane/api/dispatcher.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import { BatonError } from '../../shared/errors.ts';

const unused = () => {
  throw new Error('not called in this test');
};

function handlers(overrides: Partial<Handlers>): Handlers {
  return {
    'system.info': unused,
    'host.add': unused,
    'host.list': () => [],
    'host.inspect': unused,
    'host.remove': unused,
    'host.localEngine': () => null,
    'host.sshConfig': () => [],
    'events.list': () => [],
    ...overrides,
  } as Handlers;
}

test('a valid request gets { result }', async () => {
  const dispatch = createDispatcher(handlers({}), silentLogger());
  assert.deepEqual(await dispatch('host.list', {}, IN_PROCESS), { result: [] });
});

test('an unknown method is INVALID_INPUT naming the known ones', async () => {
  const dispatch = createDispatcher(handlers({}), silentLogger());
  const answer = await dispatch('host.explode', {}, IN_PROCESS);
  assert.ok('error' in answer);
  assert.equal(answer.error.code, 'INVALID_INPUT');
  assert.match(answer.error.message, /host\.list/);
});

test('invalid params never reach the handler; the error names each field', async () => {
  let called = false;
  const dispatch = createDispatcher(
    handlers({
      'host.add': () => {
        called = true;
        throw new Error('no');
      },
    }),
    silentLogger(),
  );
  const answer = await dispatch('host.add', { target: '', hostKey: 'md5:abc', bogus: 1 }, IN_PROCESS);
  assert.equal(called, false);
  assert.ok('error' in answer);
  assert.equal(answer.error.code, 'INVALID_INPUT');
  assert.match(answer.error.message, /target/);
  assert.match(answer.error.message, /hostKey/);
  assert.match(answer.error.message, /bogus/);
});

test('a BatonError keeps its code and details; any other error is INTERNAL without its stack', async () => {
  const dispatch = createDispatcher(
    handlers({
      'host.inspect': () => {
        throw new BatonError('NOT_FOUND', 'There is no host named x.', { host: 'x' });
      },
      'host.remove': () => {
        throw new TypeError('boom');
      },
    }),
    silentLogger(),
  );
  assert.deepEqual(await dispatch('host.inspect', { name: 'x' }, IN_PROCESS), { error: { code: 'NOT_FOUND', message: 'There is no host named x.', details: { host: 'x' } } });
  assert.deepEqual(await dispatch('host.remove', { name: 'x' }, IN_PROCESS), { error: { code: 'INTERNAL', message: 'boom' } });
});

test('a handler that breaks the contract is caught before its answer leaves', async () => {
  const dispatch = createDispatcher(handlers({ 'host.list': () => [{ name: 'no-other-fields' }] as never }), silentLogger());
  const answer = await dispatch('host.list', {}, IN_PROCESS);
  assert.ok('error' in answer);
  assert.equal(answer.error.code, 'INTERNAL');
  assert.match(answer.error.message, /invalid host\.list answer/);
});

test('a passphrase in a request is redacted by the logger', async () => {
  const lines: string[] = [];
  const { pino } = await import('pino');
  const log = pino({ redact: { paths: ['params.passphrase', '*.passphrase', 'passphrase'], censor: '[redacted]' } }, { write: (s: string) => lines.push(s) });
  log.info({ params: { target: 'x', passphrase: 'hunter2' } }, 'request');
  assert.ok(lines.join('').includes('[redacted]'));
  assert.ok(!lines.join('').includes('hunter2'));
});

test('the caller (the transport a request came over) reaches the handler with the checked params', async () => {
  const seen: unknown[] = [];
  const dispatch = createDispatcher(
    handlers({
      'host.list': (params, caller) => {
        seen.push([params, caller]);
        return [];
      },
    }),
    silentLogger(),
  );
  await dispatch('host.list', {}, { transport: 'websocket' });
  await dispatch('host.list', undefined, { transport: 'local-socket' });
  assert.deepEqual(seen, [
    [{}, { transport: 'websocket' }],
    [{}, { transport: 'local-socket' }],
  ]);
});
