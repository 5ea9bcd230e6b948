import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../electron/control-plane/store/database.ts';
import { EventLog } from '../../electron/control-plane/events/event-log.ts';
import type { BatonEvent } from '../../shared/api.ts';

test('events are stored, numbered in order and delivered to subscribers at once', () => {
  const log = new EventLog(openDatabase(':memory:'));
  const seen: BatonEvent[] = [];
  const off = log.subscribe((e) => seen.push(e));
  const a = log.append({ kind: 'host.ready', host: 'h1', message: 'h1 is ready' });
  const b = log.append({ kind: 'host.unreachable', severity: 'warning', host: 'h2', message: 'h2 is unreachable', data: { reason: 'keepalive' } });
  off();
  log.append({ kind: 'host.ready', host: 'h2', message: 'after unsubscribe' });
  assert.ok(b.id > a.id);
  assert.deepEqual(seen.map((e) => e.kind), ['host.ready', 'host.unreachable']);
  assert.deepEqual(log.list({ host: 'h2' }).map((e) => e.message), ['h2 is unreachable', 'after unsubscribe']);
  assert.deepEqual(log.list({ after: a.id, limit: 1 }).map((e) => e.id), [b.id + 1], 'limit keeps the newest, oldest first');
  assert.deepEqual(log.list({ host: 'h2' })[0]!.data, { reason: 'keepalive' });
});

test('subscribe with `after` replays what was missed, then goes live, with no gap and no repeat', () => {
  const log = new EventLog(openDatabase(':memory:'));
  const first = log.append({ kind: 'host.ready', message: '1' });
  log.append({ kind: 'host.ready', message: '2' });
  const seen: string[] = [];
  log.subscribe((e) => seen.push(e.message), { after: first.id });
  log.append({ kind: 'host.ready', message: '3' });
  assert.deepEqual(seen, ['2', '3']);
});

test('a throwing subscriber does not stop the others nor the writer', () => {
  const log = new EventLog(openDatabase(':memory:'));
  const seen: string[] = [];
  log.subscribe(() => {
    throw new Error('bad listener');
  });
  log.subscribe((e) => seen.push(e.message));
  assert.doesNotThrow(() => log.append({ kind: 'host.ready', message: 'ok' }));
  assert.deepEqual(seen, ['ok']);
});

test('events by stack, service and replica (its name or short id), newest `limit`, oldest first', () => {
  const log = new EventLog(openDatabase(':memory:'));
  log.append({ kind: 'service.scaled', stack: 'shop', service: 'web', message: 'web 1' });
  log.append({ kind: 'replica.exited', stack: 'shop', service: 'web', replica: 'shop_web.1.1-aaa', message: 'web 2' });
  log.append({ kind: 'replica.exited', stack: 'shop', service: 'api', replica: 'shop_api.1.1-bbb', message: 'api 1' });
  log.append({ kind: 'replica.removed', stack: 'other', service: 'web', replica: '0123456789ab', message: 'other web' });
  log.append({ kind: 'replica.started', stack: 'shop', service: 'web', replica: 'shop_web.1.1-aaa', message: 'web 3' });
  assert.deepEqual(log.list({ stack: 'shop', service: 'web' }).map((e) => e.message), ['web 1', 'web 2', 'web 3']);
  assert.deepEqual(log.list({ stack: 'shop', service: 'web', limit: 2 }).map((e) => e.message), ['web 2', 'web 3']);
  assert.deepEqual(log.list({ service: 'web' }).map((e) => e.message), ['web 1', 'web 2', 'other web', 'web 3']);
  assert.deepEqual(log.list({ replica: ['shop_web.1.1-aaa', '0123456789ab'] }).map((e) => e.message), ['web 2', 'other web', 'web 3']);
  assert.deepEqual(log.list({ replica: 'shop_api.1.1-bbb' }).map((e) => e.message), ['api 1']);
});

test('list by kinds: the newest of those kinds, however many others came after', () => {
  const log = new EventLog(openDatabase(':memory:'));
  log.append({ kind: 'service.scaled', stack: 's', service: 'web', message: 'scaled to 5', data: { replicas: 5 } });
  for (let i = 0; i < 5; i++) log.append({ kind: 'replica.restarted', stack: 's', service: 'web', message: `restart ${i}` });
  assert.deepEqual(log.list({ stack: 's', service: 'web', kinds: ['service.created', 'service.scaled'], limit: 1 }).map((e) => e.message), ['scaled to 5']);
  assert.deepEqual(log.list({ kinds: [] }), []);
});
