// The kinds of events: one list (shared/events.ts) that the emitters are typed against, so a kind
// written anywhere in the control plane is one of it (else the typecheck fails: see `typo` below);
// the wire still reads kinds that older versions stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatonEvent, methods } from '../../shared/api.ts';
import { EVENT_KINDS, isEventKind, readEventKind, type EventKind } from '../../shared/events.ts';
import { IMAGE_EVENT_KINDS, type ImageEventKind } from '../../shared/images.ts';
import { EventLog } from '../../electron/control-plane/events/event-log.ts';
import { openDatabase } from '../../electron/control-plane/store/database.ts';

// Compile-time only: an emitter refuses a kind that is not listed.
export const typo = (log: EventLog): BatonEvent =>
  // @ts-expect-error 'host.redy' is not an EventKind
  log.append({ kind: 'host.redy', message: 'a typo' });

// Compile-time only: shared/images.ts's kinds (listed there with their data) are kinds of the list.
export const imageKinds: readonly EventKind[] = IMAGE_EVENT_KINDS satisfies readonly ImageEventKind[];

test('every kind is listed once, as group.what in lower case', () => {
  const seen = new Set<string>();
  for (const kind of EVENT_KINDS) {
    assert.ok(!seen.has(kind), `${kind} is listed twice`);
    seen.add(kind);
    assert.match(kind, /^[a-z]+(\.[a-z]+(-[a-z]+)*)+$/, kind);
  }
});

test("the image copy's kinds in shared/images.ts are all in the list", () => {
  for (const kind of IMAGE_EVENT_KINDS) assert.ok(isEventKind(kind), kind);
});

test('the wire takes a listed kind, and one an older version stored, but not a non-string', () => {
  const event = { id: 1, time: '2025-01-01T00:00:00.000Z', severity: 'info', host: null, stack: null, service: null, replica: null, message: 'm', data: null };
  assert.equal(BatonEvent.parse({ ...event, kind: 'host.ready' }).kind, 'host.ready');
  assert.equal(BatonEvent.parse({ ...event, kind: 'system.started' }).kind, 'system.started');
  assert.equal(BatonEvent.safeParse({ ...event, kind: 42 }).success, false);
});

test('rows an older version wrote with a kind this one does not know are listed as they are, and keep to the contract', () => {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO events (time, kind, severity, host, stack, service, replica, message, data) VALUES ('2024-01-01T00:00:00.000Z', 'stack.deployed', 'info', NULL, 'shop', NULL, NULL, 'old', NULL)`).run();
  const log = new EventLog(db);
  log.append({ kind: 'stack.removed', stack: 'shop', message: 'new' });
  const listed = log.list();
  assert.deepEqual(listed.map((e) => e.kind), ['stack.deployed', 'stack.removed']);
  assert.equal(isEventKind(listed[0]!.kind), false);
  assert.equal(methods['events.list'].result.safeParse(listed).success, true);
  assert.equal(readEventKind('host.ready'), 'host.ready');
});
