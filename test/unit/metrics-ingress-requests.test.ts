import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatRow } from '../../electron/control-plane/ingress/stat-csv.ts';
import { ingressRates, requestSamples, serverReads } from '../../electron/control-plane/metrics/ingress-requests.ts';

const row = (server: string, reqTot: number, rtime: number | null, over: Partial<StatRow> = {}): StatRow => ({
  pxname: 'be_shop.web.8080', svname: server, type: 'server', status: 'UP', scur: 0, stot: reqTot, weight: 1, lbtot: reqTot, checkStatus: 'L7OK', checkDesc: '', addr: '10.0.0.1:1',
  reqTot, rate: null, rtime, ttime: rtime === null ? null : rtime + 1, hrsp5xx: 0, iid: 3, act: 1, ...over,
});

test('a replica\'s requests are summed over every host\'s ingress; rates over the interval', () => {
  const prev = new Map([
    ['h1', { atMs: 0, rows: [row('r_a', 100, 2), row('r_b', 50, 2)] }],
    ['h2', { atMs: 0, rows: [row('r_a', 10, 2)] }],
  ]);
  const cur = new Map([
    ['h1', { atMs: 2000, rows: [row('r_a', 300, 4), row('r_b', 50, 2), { ...row('BACKEND', 999, 1), type: 'backend' as const }] }],
    ['h2', { atMs: 2000, rows: [row('r_a', 210, 1)] }],
  ]);
  const s = requestSamples(prev, cur);
  const a = s.get('r_a')!;
  assert.equal(a.perSec, 200, '(200 + 200) / 2 s');
  assert.equal(a.total, 510);
  assert.equal(a.responseMsAvg, 2.5, 'weighted by the requests each host sent: (4×200 + 1×200) / 400');
  assert.equal(s.get('r_b')!.perSec, 0);
  assert.equal(s.get('r_b')!.responseMsAvg, 2, 'no request this interval: the averages by the totals');
  assert.equal(s.has('BACKEND'), false);
});

test('first reading: totals, no rate; a reloaded ingress (counter down) counts what came since', () => {
  const cur = new Map([['h1', { atMs: 1000, rows: [row('r_a', 30, null)] }]]);
  assert.equal(requestSamples(new Map(), cur).get('r_a')!.perSec, 0);
  assert.equal(requestSamples(new Map(), cur).get('r_a')!.responseMsAvg, null);
  const prev = new Map([['h1', { atMs: 0, rows: [row('r_a', 5000, 1)] }]]);
  assert.equal(requestSamples(prev, cur).get('r_a')!.perSec, 30);
});

test('TCP routes count sessions', () => {
  const prev = new Map([['h1', { atMs: 0, rows: [row('r_a', 0, null, { reqTot: null, stot: 10 })] }]]);
  const cur = new Map([['h1', { atMs: 1000, rows: [row('r_a', 0, null, { reqTot: null, stot: 25 })] }]]);
  assert.equal(requestSamples(prev, cur).get('r_a')!.perSec, 15);
});

const backend = (name: string, iid: number, reqTot: number, act = 2): StatRow => ({ ...row('BACKEND', reqTot, null), pxname: name, type: 'backend', iid, act });

test('servers are read again only for backends whose requests or up servers moved; the rest are carried', () => {
  const web = row('r_a', 100, 2);
  const api = { ...row('r_b', 7, 2), pxname: 'be_shop.api.9090' };
  const prev = { atMs: 0, rows: [web, api], backends: [backend('be_shop.web.8080', 3, 100), backend('be_shop.api.9090', 4, 7)] };
  const now = [backend('be_shop.web.8080', 3, 130), backend('be_shop.api.9090', 4, 7), { ...backend('fe_http', 2, 999), type: 'frontend' as const }];
  const { read, carried } = serverReads(prev, now);
  assert.deepEqual(read.map((b) => b.iid), [3]);
  assert.deepEqual(carried, [api]);
  // a replica joined the idle route: its up servers went 2 → 3, so its servers are read again
  assert.deepEqual(serverReads(prev, [backend('be_shop.web.8080', 3, 100), backend('be_shop.api.9090', 4, 7, 3)]).read.map((b) => b.iid), [4]);
  // the first reading of a host reads every route's servers
  assert.deepEqual(serverReads(undefined, now).read.map((b) => b.iid), [3, 4]);
  // a carried server's counters are as they were: 0 requests a second, not missing
  const samples = requestSamples(new Map([['h1', prev]]), new Map([['h1', { atMs: 1000, rows: [{ ...web, reqTot: 130 }, ...carried] }]]));
  assert.equal(samples.get('r_b')?.perSec, 0);
  assert.equal(samples.get('r_a')?.perSec, 30);
});

test('a host\'s ingress rate is what came in through its own backends, whoever served it; a first reading has none', () => {
  const at = (atMs: number, backends: StatRow[]) => ({ atMs, rows: [], backends });
  const prev = new Map([
    ['h1', at(0, [backend('be_shop.web.8080', 3, 100), backend('be_shop.api.9090', 4, 10)])],
    ['h2', at(0, [backend('be_shop.web.8080', 3, 0)])],
    ['h4', at(0, [backend('be_shop.web.8080', 3, 500)])],
  ]);
  const cur = new Map([
    // a frontend's counters are not a route's: left out
    ['h1', at(2000, [backend('be_shop.web.8080', 3, 160), backend('be_shop.api.9090', 4, 30), { ...backend('fe_http', 2, 99_999), type: 'frontend' as const }])],
    // a route new since the last reading: all of its requests came in the interval
    ['h2', at(1000, [backend('be_shop.web.8080', 3, 3), backend('be_shop.api.9090', 4, 4)])],
    ['h3', at(1000, [backend('be_shop.web.8080', 3, 50)])],
    // reloaded: its counters restarted, so what they hold came since
    ['h4', at(1000, [backend('be_shop.web.8080', 3, 7)])],
  ]);
  const rates = ingressRates(prev, cur);
  assert.equal(rates.get('h1'), 40, '(60 + 20) / 2 s');
  assert.equal(rates.get('h2'), 7);
  assert.equal(rates.get('h3'), undefined, 'first reading: no rate');
  assert.equal(rates.get('h4'), 7);
  assert.equal(ingressRates(cur, new Map()).size, 0, 'a host not read this second: no figure');
});
