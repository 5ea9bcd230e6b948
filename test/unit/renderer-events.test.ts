import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent } from '../../shared/api.ts';
import { filterChoices, foldRuns, kindGroup, matchesFilter, NO_FILTER } from '../../renderer/src/views/events/format.ts';

let id = 0;
const ev = (kind: string, over: Partial<BatonEvent> = {}): BatonEvent =>
  ({ id: ++id, time: '2026-12-04T10:00:00.000Z', kind, severity: 'info', message: `${kind} happened`, host: null, stack: null, service: null, replica: null, ...over }) as BatonEvent;

test('filters by kind group, host, service, severity and text together', () => {
  const events = [
    ev('replica.started', { host: 'h1', stack: 'shop', service: 'web' }),
    ev('rollout.started', { stack: 'shop', service: 'web' }),
    ev('host.unreachable', { host: 'h2', severity: 'error' }),
    ev('replica.started', { host: 'h2', stack: 'shop', service: 'api' }),
  ];
  const pick = (f: Partial<typeof NO_FILTER>) => events.filter((e) => matchesFilter(e, { ...NO_FILTER, ...f })).map((e) => e.kind + '@' + (e.host ?? '-'));
  assert.deepEqual(pick({ group: 'replica' }), ['replica.started@h1', 'replica.started@h2']);
  assert.deepEqual(pick({ host: 'h2' }), ['host.unreachable@h2', 'replica.started@h2']);
  assert.deepEqual(pick({ service: 'shop/web' }), ['replica.started@h1', 'rollout.started@-']);
  assert.deepEqual(pick({ group: 'replica', host: 'h2' }), ['replica.started@h2']);
  assert.deepEqual(pick({ severity: 'error' }), ['host.unreachable@h2']);
  assert.deepEqual(pick({ text: 'ROLLOUT' }), ['rollout.started@-']);
  assert.deepEqual(filterChoices(events), { groups: ['host', 'replica', 'rollout'], hosts: ['h1', 'h2'], services: ['shop/api', 'shop/web'] });
  assert.equal(kindGroup('ingress.port-blocked'), 'ingress');
});

test('runs of alike events fold into one row; a different host, service or kind starts a new one', () => {
  const a = (host: string, service = 'web') => ev('replica.started', { host, stack: 'shop', service });
  const events = [a('h1'), a('h1'), a('h1'), a('h2'), a('h2', 'api'), ev('rollout.completed', { stack: 'shop', service: 'web' }), a('h1')];
  const rows = foldRuns(events);
  assert.deepEqual(rows.map((r) => r.run.length), [3, 1, 1, 1, 1]);
  assert.equal(rows[0]!.event, events[0], 'a row shows the newest of its run');
  assert.equal(rows.reduce((n, r) => n + r.run.length, 0), events.length, 'no event is lost by folding');
});
