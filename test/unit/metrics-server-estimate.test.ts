// A backend's new requests split among its replicas by the request log's sample, and the cases
// where the server rows must be read exactly instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatRow } from '../../electron/control-plane/ingress/stat-csv.ts';
import { EXACT_EVERY, planServerRows, splitWhole, type LogCounts } from '../../electron/control-plane/metrics/server-estimate.ts';
import { requestSamples, type IngressReading } from '../../electron/control-plane/metrics/ingress-requests.ts';
import { parseLogLine, parseRequestLine } from '../../electron/control-plane/metrics/request-log.ts';

function row(type: StatRow['type'], pxname: string, svname: string, reqTot: number, extra: Partial<StatRow> = {}): StatRow {
  return { pxname, svname, type, status: 'UP', scur: 0, stot: reqTot, weight: 1, lbtot: reqTot, checkStatus: null, checkDesc: null, addr: null, reqTot, rate: null, rtime: 3, ttime: 5, hrsp5xx: 0, iid: 7, act: 3, ...extra };
}

const be = (reqTot: number, extra: Partial<StatRow> = {}) => row('backend', 'be_web', 'BACKEND', reqTot, extra);
const servers = (a: number, b: number, c: number) => [row('server', 'be_web', 'r_a', a), row('server', 'be_web', 'r_b', b), row('server', 'be_web', 'r_c', c)];
const counts = (a: number, b: number, c: number, errors: Partial<Record<'r_a' | 'r_b' | 'r_c', number>> = {}): LogCounts =>
  new Map([['be_web', new Map([['r_a', { requests: a, errors: errors.r_a ?? 0 }], ['r_b', { requests: b, errors: errors.r_b ?? 0 }], ['r_c', { requests: c, errors: errors.r_c ?? 0 }]])]]);

test('splitWhole: parts in proportion, whole, adding up to the total exactly', () => {
  assert.deepEqual(splitWhole(10, [1, 1, 1]), [3, 4, 3]);
  assert.deepEqual(splitWhole(100, [50, 30, 20]), [50, 30, 20]);
  assert.deepEqual(splitWhole(7, [0, 0, 0]), [0, 0, 0], 'nothing to split by');
  assert.deepEqual(splitWhole(0, [1, 2]), [0, 0]);
  for (const total of [1, 13, 999, 12345]) assert.equal(splitWhole(total, [3, 7, 11, 0, 2]).reduce((a, b) => a + b, 0), total);
});

test("a moved backend's requests are split by its log lines, on top of the servers' last rows", () => {
  const prev: IngressReading = { atMs: 0, rows: servers(100, 100, 100), backends: [be(300)] };
  const plan = planServerRows(prev, [be(400)], counts(50, 30, 20), false);
  assert.deepEqual(plan.exact, []);
  assert.deepEqual(plan.estimated.map((r) => [r.svname, r.reqTot]), [['r_a', 150], ['r_b', 130], ['r_c', 120]]);
  assert.equal(plan.estimated[0]!.rtime, 3, 'response-time averages carried from the last exact row');
  // and the rates of the second come out of the usual arithmetic
  const cur: IngressReading = { atMs: 1000, rows: plan.estimated, backends: [be(400)] };
  const rates = requestSamples(new Map([['h1', prev]]), new Map([['h1', cur]]));
  assert.deepEqual([...rates].map(([s, r]) => [s, r.perSec]), [['r_a', 50], ['r_b', 30], ['r_c', 20]]);
});

test('5xx answers split by the logged ones, else as the requests were', () => {
  const prev: IngressReading = { atMs: 0, rows: servers(0, 0, 0), backends: [be(0)] };
  const logged = planServerRows(prev, [be(10, { hrsp5xx: 4 })], counts(5, 5, 0, { r_b: 2 }), false);
  assert.deepEqual(logged.estimated.map((r) => r.hrsp5xx), [0, 4, 0]);
  const unlogged = planServerRows(prev, [be(10, { hrsp5xx: 2 })], counts(5, 5, 0), false);
  assert.deepEqual(unlogged.estimated.map((r) => r.hrsp5xx), [1, 1, 0]);
});

test('read exactly: on its turn, at a first reading, when the servers changed, after a reload, with nothing logged', () => {
  const prev: IngressReading = { atMs: 0, rows: servers(100, 100, 100), backends: [be(300)] };
  const cases: [string, IngressReading | undefined, StatRow, LogCounts | null, boolean][] = [
    ['its turn', prev, be(400), counts(1, 1, 1), true],
    ['first reading', undefined, be(400), counts(1, 1, 1), false],
    ['a server went down or came', prev, be(400, { act: 2 }), counts(1, 1, 1), false],
    ['a reload (the counters went back)', prev, be(10), counts(1, 1, 1), false],
    ['the log was not read', prev, be(400), null, false],
    ['a TCP route logs nothing', prev, be(400), new Map(), false],
    ['a new proxy id', prev, be(400, { iid: 9 }), counts(1, 1, 1), false],
    ['a server swapped for another, the count unchanged', prev, be(400), new Map([['be_web', new Map([['r_a', { requests: 1, errors: 0 }], ['r_new', { requests: 1, errors: 0 }]])]]), false],
  ];
  for (const [why, p, b, c, due] of cases) {
    const plan = planServerRows(p, [b], c, due);
    assert.deepEqual(plan.exact.map((x) => x.pxname), ['be_web'], why);
    assert.deepEqual(plan.estimated, [], why);
  }
  assert.ok(EXACT_EVERY >= 2 && EXACT_EVERY <= 30, 'drift is corrected within seconds');
});

test('log lines: backend, server, status and time; the older formats still read', () => {
  assert.deepEqual(parseLogLine('be_web r_0123456789ab 200 12 4711'), { backend: 'be_web', server: 'r_0123456789ab', status: 200, ms: 12 });
  assert.deepEqual(parseLogLine('be_web r_0123456789ab 503 -1 4712'), { backend: 'be_web', server: 'r_0123456789ab', status: 503, ms: null });
  assert.deepEqual(parseLogLine('r_0123456789ab 12 4711'), { backend: null, server: 'r_0123456789ab', status: null, ms: 12 });
  assert.equal(parseLogLine('be_web <NOSRV> 503 -1 4713'), null);
  assert.deepEqual(parseRequestLine('be_web r_0123456789ab 200 12 4711'), { server: 'r_0123456789ab', ms: 12 });
  assert.equal(parseRequestLine('be_web r_0123456789ab 503 -1 4712'), null, 'no response time to count');
});

test('an exact row below the estimate before it counts 0 that second, not all it holds', () => {
  const exact: IngressReading = { atMs: 0, rows: servers(100, 100, 100), backends: [be(300)] };
  // the backend counted 30 requests that no server row will (answered without a server)
  const plan = planServerRows(exact, [be(330)], counts(1, 1, 1), false);
  const guessed: IngressReading = { atMs: 1000, rows: plan.estimated, backends: [be(330)], estimated: new Set(plan.estimated.map((r) => `${r.pxname}/${r.svname}`)) };
  const read: IngressReading = { atMs: 2000, rows: servers(105, 105, 105), backends: [be(345)] };
  const rates = requestSamples(new Map([['h1', guessed]]), new Map([['h1', read]]));
  assert.deepEqual([...rates].map(([s, r]) => [s, r.perSec]), [['r_a', 0], ['r_b', 0], ['r_c', 0]]);
  // a reload, by contrast (a row read exactly before, lower now), counts what the new worker holds
  const reloaded = requestSamples(new Map([['h1', exact]]), new Map([['h1', { ...read, atMs: 1000, rows: servers(5, 5, 5) }]]));
  assert.deepEqual([...reloaded].map(([s, r]) => [s, r.perSec]), [['r_a', 5], ['r_b', 5], ['r_c', 5]]);
});
