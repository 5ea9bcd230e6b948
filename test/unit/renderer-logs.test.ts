// The logs view's logic: the capped, batched line buffer (and what a resumed stream sends again),
// deep-link hashes and the target picker, and how a line is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine, ReplicaStatus, ServiceStatus } from '../../shared/api.ts';
import { withCounts, withStatus } from './fixtures/service-status.ts';
import { LogBuffer, timeKey, trimmedFromFront } from '../../renderer/src/views/logs/log-buffer.ts';
import { formatLogTime, replicaColorIndex, replicaLabel } from '../../renderer/src/views/logs/log-format.ts';
import {
  hashOfTarget,
  logsParams,
  resolveTarget,
  targetFromHash,
  targetFromKey,
  targetGroups,
  targetKey,
} from '../../renderer/src/views/logs/log-target.ts';

function line(n: number, replica = 'shop_web.1.2-ab12', text = `line ${n}`): LogLine {
  const seconds = String(Math.floor(n / 1000) % 60).padStart(2, '0');
  const fraction = String(n % 1000).padStart(3, '0');
  return { replica, host: 'lab-1', stream: 'stdout', time: `2025-01-01T10:00:${seconds}.${fraction}Z`, text };
}

test('lines wait in the queue until a flush, then come in order with their own keys', () => {
  const buffer = new LogBuffer(100);
  buffer.push([line(1), line(2)]);
  assert.equal(buffer.size, 0);
  assert.equal(buffer.flush(), true);
  assert.equal(buffer.flush(), false); // nothing new
  buffer.push(Array.from({ length: 20 }, (_, i) => line(i + 3)));
  buffer.flush();
  assert.equal(buffer.size, 22);
  assert.deepEqual(buffer.lines().map((l) => l.text).slice(0, 3), ['line 1', 'line 2', 'line 3']);
  const seqs = buffer.lines().map((l) => l.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(new Set(seqs).size, seqs.length);
});

test('the lines are a new array after a change and the same one otherwise (so a view can tell)', () => {
  const buffer = new LogBuffer(100);
  buffer.push([line(1)]);
  buffer.flush();
  const before = buffer.lines();
  assert.equal(buffer.flush(), false);
  assert.equal(buffer.lines(), before);
  buffer.push([line(2)]);
  buffer.flush();
  assert.notEqual(buffer.lines(), before);
  assert.equal(before.length, 1); // what a view holds is never changed under it
});

test('only the newest `cap` lines are kept, however many arrive', () => {
  const buffer = new LogBuffer(50);
  for (let batch = 0; batch < 30; batch++) {
    buffer.push(Array.from({ length: 7 }, (_, i) => line(batch * 7 + i)));
    buffer.flush();
  }
  assert.equal(buffer.size, 50);
  const texts = buffer.lines().map((l) => l.text);
  assert.equal(texts.length, 50);
  assert.equal(texts.at(-1), 'line 209');
  assert.equal(texts[0], 'line 160');

  const flood = new LogBuffer(50);
  flood.push(Array.from({ length: 10_000 }, (_, i) => line(i)));
  assert.equal(flood.queued, 50); // the queue is capped too (a hidden page gets no frames)
  flood.flush();
  assert.equal(flood.size, 50);
  assert.equal(flood.lines()[0]!.text, 'line 9950');
});

test('how many lines the cap trimmed off the front, to keep a reader\'s place', () => {
  const buffer = new LogBuffer(10);
  buffer.push(Array.from({ length: 10 }, (_, i) => line(i)));
  buffer.flush();
  const before = buffer.lines();
  buffer.push(Array.from({ length: 4 }, (_, i) => line(100 + i)));
  buffer.flush();
  assert.equal(trimmedFromFront(before, buffer.lines()), 4);
  assert.equal(trimmedFromFront(before, before), 0);
  assert.equal(trimmedFromFront(before, []), 10);
  const filtered = before.filter((_, i) => i % 2 === 0); // a filtered view: 5 of the 10
  assert.equal(trimmedFromFront(filtered, buffer.lines()), 2);
});

test('a resumed stream\'s overlap is dropped; new lines and other replicas are kept', () => {
  const buffer = new LogBuffer();
  buffer.push([line(1), line(2), line(3), line(2, 'shop_web.2.2-cd34')]);
  buffer.flush();
  assert.equal(buffer.size, 4);
  // the resume sends the tail again, then what came after
  buffer.push([line(1), line(2), line(3), line(4), line(2, 'shop_web.2.2-cd34'), line(3, 'shop_web.2.2-cd34')]);
  buffer.flush();
  assert.deepEqual(
    buffer.lines().map((l) => `${replicaLabel(l.replica)} ${l.text}`),
    ['web.1 line 1', 'web.1 line 2', 'web.1 line 3', 'web.2 line 2', 'web.1 line 4', 'web.2 line 3'],
  );
  // two different lines with the same stamp both stay; the same one twice does not
  const same = new LogBuffer();
  const t = '2025-01-01T10:00:00.5Z';
  same.push([{ ...line(0), time: t, text: 'a' }, { ...line(0), time: t, text: 'b' }, { ...line(0), time: t, text: 'a' }]);
  same.flush();
  assert.deepEqual(same.lines().map((l) => l.text), ['a', 'b']);
});

test('Docker\'s nanosecond stamps compare in time order', () => {
  assert.ok(timeKey('2025-01-01T10:00:00.1234Z') < timeKey('2025-01-01T10:00:00.12345Z'));
  assert.ok(timeKey('2025-01-01T10:00:00Z') < timeKey('2025-01-01T10:00:00.000000001Z'));
  assert.ok(timeKey('2025-01-01T10:00:00.9Z') < timeKey('2025-01-01T10:00:01Z'));
});

test('clear empties the buffer and forgets what was seen', () => {
  const buffer = new LogBuffer();
  buffer.push([line(1)]);
  buffer.flush();
  buffer.clear();
  assert.equal(buffer.size, 0);
  buffer.push([line(1)]);
  assert.equal(buffer.flush(), true);
});

test('deep links: #/logs/<stack>/<service> and #/logs/replica/<name>', () => {
  assert.deepEqual(targetFromHash('#/logs/shop/web'), { kind: 'service', stack: 'shop', service: 'web' });
  assert.deepEqual(targetFromHash('#/logs/replica/shop_web.1.2-ab12'), { kind: 'replica', name: 'shop_web.1.2-ab12' });
  assert.equal(targetFromHash('#/logs'), null);
  assert.equal(targetFromHash('#/logs/shop'), null);
  assert.equal(targetFromHash('#/hosts/shop/web'), null);
  assert.equal(targetFromHash('#/logs/%E0%A4%A/web'), null); // broken encoding
  for (const target of [{ kind: 'service' as const, stack: 'shop', service: 'web' }, { kind: 'replica' as const, name: 'shop_web.1.2-ab12' }]) {
    assert.deepEqual(targetFromHash(hashOfTarget(target)), target);
    assert.deepEqual(targetFromKey(targetKey(target)), target);
  }
  assert.equal(targetFromKey(''), null);
});

test('a stack named "replica" is reached when no replica has that name', () => {
  const cluster = { services: [serviceStatus('replica', 'web')], replicas: [] };
  assert.deepEqual(resolveTarget({ kind: 'replica', name: 'web' }, cluster), { kind: 'service', stack: 'replica', service: 'web' });
  assert.deepEqual(resolveTarget({ kind: 'replica', name: 'other' }, cluster), { kind: 'replica', name: 'other' });
});

test('the stream asks for a service or a replica, following', () => {
  assert.deepEqual(logsParams({ kind: 'service', stack: 'shop', service: 'web' }, 500), { service: 'shop/web', tail: 500, follow: true });
  assert.deepEqual(logsParams({ kind: 'replica', name: 'r1' }, 10), { replica: 'r1', tail: 10, follow: true });
});

function serviceStatus(stack: string, name: string): ServiceStatus {
  return withCounts({
    stack,
    name,
    image: 'nginx',
    revision: 1,
    desired: 2,
    running: 2,
    healthy: 2,
    pending: null,
    ports: [],
    preferredHost: null,
    reservation: { nanoCpus: null, memoryBytes: null },
  });
}

function replica(stack: string, service: string, slot: number, host: string, state = 'running'): ReplicaStatus {
  return withStatus({
    id: `${service}${slot}`.padEnd(12, '0'),
    name: `${stack}_${service}.${slot}.1-ab12`,
    stack,
    service,
    slot,
    host,
    hostReady: true,
    state,
    health: 'healthy',
    revision: 1,
    current: true,
    createdAt: '2025-01-01T00:00:00.000Z',
  });
}

test('the picker lists services, then each service\'s replicas by slot', () => {
  const groups = targetGroups({
    services: [serviceStatus('shop', 'web'), serviceStatus('shop', 'api')],
    replicas: [replica('shop', 'web', 2, 'lab-2', 'exited'), replica('shop', 'web', 1, 'lab-1')],
  });
  assert.deepEqual(groups.map((g) => g.label), ['Services', 'Replicas of shop/web']);
  assert.deepEqual(groups[0]!.options.map((o) => o.label), ['shop/api', 'shop/web']);
  assert.deepEqual(groups[1]!.options.map((o) => o.label), ['shop_web.1.1-ab12 · lab-1', 'shop_web.2.1-ab12 · lab-2 · exited']);
  assert.equal(groups[1]!.options[0]!.key, 'replica:shop_web.1.1-ab12');
});

test('a line shows its local time to the millisecond and its replica as service.slot, coloured by slot', () => {
  const shown = formatLogTime('2025-01-01T10:00:01.234567891Z');
  assert.match(shown, /^\d{2}:\d{2}:01\.234$/);
  assert.equal(formatLogTime('not a time'), 'not a time');
  assert.equal(replicaLabel('shop_web.3.12-ab12cd'), 'web.3');
  assert.equal(replicaLabel('my-stack_api_v2.1.1-ff00'), 'api_v2.1');
  assert.equal(replicaLabel('some-container'), 'some-container');
  assert.equal(replicaColorIndex('shop_web.1.1-ab', 8), 0);
  assert.equal(replicaColorIndex('shop_web.2.7-cd', 8), 1);
  assert.equal(replicaColorIndex('shop_web.9.1-ab', 8), 0);
  const hashed = replicaColorIndex('some-container', 8);
  assert.ok(hashed >= 0 && hashed < 8);
  assert.equal(replicaColorIndex('some-container', 8), hashed);
});
