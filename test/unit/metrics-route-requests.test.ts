// Requests per replica split once per route across every host's ingress: the log lines of all
// hosts scaled to each host's exact backend totals, and each host's exact rows on its turn setting
// right what the estimate got wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatRow } from '../../electron/control-plane/ingress/stat-csv.ts';
import { RouteRequests } from '../../electron/control-plane/metrics/route-requests.ts';
import type { LogCounts } from '../../electron/control-plane/metrics/server-estimate.ts';

function row(type: StatRow['type'], pxname: string, svname: string, reqTot: number, extra: Partial<StatRow> = {}): StatRow {
  return { pxname, svname, type, status: 'UP', scur: 0, stot: reqTot, weight: 1, lbtot: reqTot, checkStatus: null, checkDesc: null, addr: null, reqTot, rate: null, rtime: 4, ttime: 6, hrsp5xx: 0, iid: 7, act: 3, ...extra };
}
const NAMES = ['r_a', 'r_b', 'r_c'] as const;
const be = (reqTot: number, extra: Partial<StatRow> = {}) => row('backend', 'be_web', 'BACKEND', reqTot, extra);
const servers = (counts: readonly number[], extra: Partial<StatRow> = {}) => NAMES.map((n, i) => row('server', 'be_web', n, counts[i]!, extra));
const lines = (counts: readonly number[], errors: readonly number[] = [0, 0, 0]): LogCounts =>
  new Map([['be_web', new Map(NAMES.map((n, i) => [n, { requests: counts[i]!, errors: errors[i]! }] as const).filter(([, c]) => c.requests > 0))]]);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** One host's second as the collector has it: planned, its exact rows read from `truth` where asked. */
function second(routes: RouteRequests, host: string, truth: readonly number[], counts: LogCounts | null, exactDue = false, extra: Partial<StatRow> = {}): { exact: number; estimated: number } {
  const backends = [be(sum(truth), extra)];
  const moved = routes.moved(host, backends);
  const { exact, estimated } = routes.plan(host, moved, counts, exactDue);
  routes.record(host, { backends, exact, estimated, rows: exact.length > 0 ? servers(truth, extra) : [], counts });
  return { exact: exact.length, estimated: estimated.length };
}
const perSec = (s: ReturnType<RouteRequests['take']>) => NAMES.map((n) => s.get(n)!.perSec);
const totals = (s: ReturnType<RouteRequests['take']>) => NAMES.map((n) => s.get(n)!.total);

test("a route's requests from every host, split by all hosts' log lines scaled to each host's totals", () => {
  const routes = new RouteRequests();
  assert.deepEqual(second(routes, 'h1', [100, 100, 100], null), { exact: 1, estimated: 0 }, 'a first reading is exact');
  second(routes, 'h2', [10, 10, 10], null);
  const first = routes.take(1000);
  assert.deepEqual(perSec(first), [0, 0, 0], 'a first reading has no rate');
  assert.deepEqual(totals(first), [110, 110, 110], 'the totals of every host');
  // h1 sent 100 and logged them all; h2 sent 60 and its ring kept a line in ten
  assert.deepEqual(second(routes, 'h1', [150, 130, 120], lines([50, 30, 20])), { exact: 0, estimated: 1 });
  assert.deepEqual(second(routes, 'h2', [30, 30, 30], lines([2, 2, 2])), { exact: 0, estimated: 1 });
  const s = routes.take(2000);
  assert.deepEqual(perSec(s), [70, 50, 40]);
  assert.deepEqual(totals(s), [180, 160, 150]);
  assert.equal(s.get('r_a')!.responseMsAvg, 4, "response times from the hosts' exact rows");
  // a quiet second: every replica still has its figures, at 0
  second(routes, 'h1', [150, 130, 120], null);
  second(routes, 'h2', [30, 30, 30], null);
  assert.deepEqual(perSec(routes.take(3000)), [0, 0, 0]);
});

test("a host's exact rows on its turn count what the estimate missed, and 0 where it ran ahead", () => {
  const routes = new RouteRequests();
  second(routes, 'h1', [10, 10, 10], null);
  routes.take(0);
  // the log says 50/50/0, the truth is 40/40/20 (20 requests to r_c were not logged)
  second(routes, 'h1', [50, 50, 30], lines([50, 50, 0]));
  assert.deepEqual(perSec(routes.take(1000)), [50, 50, 0]);
  // its turn: 10 more each in truth
  assert.deepEqual(second(routes, 'h1', [60, 60, 40], lines([1, 1, 1]), true), { exact: 1, estimated: 0 });
  const s = routes.take(2000);
  assert.deepEqual(perSec(s), [0, 0, 30], 'what was estimated for r_a and r_b already, r_c all it was missed');
  assert.deepEqual(totals(s), [60, 60, 40], 'the totals exact again');
  second(routes, 'h1', [70, 65, 40], lines([10, 5, 0]));
  assert.deepEqual(perSec(routes.take(3000)), [10, 5, 0], 'and estimated from there');
});

test('5xx answers split by the logged ones across hosts, else as the requests were', () => {
  const routes = new RouteRequests();
  second(routes, 'h1', [1, 1, 1], null);
  second(routes, 'h2', [1, 1, 1], null);
  routes.take(0);
  const plan = (r: RouteRequests, host: string, req: number, err: number, counts: LogCounts) => {
    const backends = [be(req, { hrsp5xx: err })];
    const p = r.plan(host, r.moved(host, backends), counts, false);
    r.record(host, { backends, ...p, rows: [], counts });
  };
  plan(routes, 'h1', 13, 4, lines([5, 5, 0], [0, 2, 0]));
  plan(routes, 'h2', 13, 2, lines([0, 5, 5]));
  const s = routes.take(1000);
  assert.deepEqual(NAMES.map((n) => s.get(n)!.errorsPerSec), [0, 5, 1]);
  assert.deepEqual(perSec(s), [5, 10, 5]);
});

test('read exactly each second: a TCP route (no log lines), a reload, a server that came', () => {
  const routes = new RouteRequests();
  const tcp = { reqTot: null, hrsp5xx: null, rtime: null, ttime: null };
  second(routes, 'h1', [10, 10, 10], null, false, tcp);
  routes.take(0);
  assert.deepEqual(second(routes, 'h1', [20, 15, 10], new Map(), false, tcp), { exact: 1, estimated: 0 }, 'nothing logged');
  const s = routes.take(1000);
  assert.deepEqual(perSec(s), [10, 5, 0]);
  assert.equal(s.get('r_a')!.responseMsAvg, null);
  // a reload: the counters went back; what the new worker holds is since then
  assert.deepEqual(second(routes, 'h1', [3, 2, 1], lines([3, 2, 1]), false, tcp), { exact: 1, estimated: 0 });
  assert.deepEqual(perSec(routes.take(2000)), [3, 2, 1]);
  // a replica logged that this host has no row of yet
  const h = new RouteRequests();
  second(h, 'h1', [1, 1, 1], null);
  const counts: LogCounts = new Map([['be_web', new Map([['r_a', { requests: 1, errors: 0 }], ['r_new', { requests: 1, errors: 0 }]])]]);
  assert.equal(h.plan('h1', [be(5)], counts, false).exact.length, 1);
});

test('a host removed, or a route gone from it: its rows leave the totals, no rate goes below 0', () => {
  const routes = new RouteRequests();
  second(routes, 'h1', [100, 100, 100], null);
  second(routes, 'h2', [50, 50, 50], null);
  routes.take(0);
  routes.forget('h2');
  const s = routes.take(1000);
  assert.deepEqual(totals(s), [100, 100, 100]);
  assert.deepEqual(perSec(s), [0, 0, 0]);
  routes.record('h1', { backends: [], exact: [], estimated: [], rows: [], counts: null });
  assert.equal(routes.take(2000).size, 0, 'no route, no replica figures');
});

test('with every line logged, the split is what every host counted exactly, second by second', () => {
  // a fixed pseudo-random walk: 4 hosts, traffic uneven among replicas and hosts
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const routes = new RouteRequests();
  const truth = new Map(['h1', 'h2', 'h3', 'h4'].map((h) => [h, [1, 1, 1]]));
  for (const h of truth.keys()) second(routes, h, truth.get(h)!, null);
  routes.take(0);
  for (let t = 1; t <= 25; t++) {
    const want = [0, 0, 0];
    for (const [h, counts] of truth) {
      const add = NAMES.map((_, i) => rnd(20 * (i + 1)));
      add.forEach((a, i) => ((counts[i]! += a), (want[i]! += a)));
      second(routes, h, counts, lines(add), t % 10 === Number(h.slice(1)));
    }
    const s = routes.take(t * 1000);
    assert.deepEqual(perSec(s), want, `second ${t}`);
    assert.deepEqual(totals(s), NAMES.map((_, i) => sum([...truth.values()].map((c) => c[i]!))), `second ${t}: totals`);
  }
});

test('a route whose replicas have no response time yet: one host a second reads its rows exactly, until they have', () => {
  const routes = new RouteRequests();
  second(routes, 'h1', [0, 0, 0], null);
  second(routes, 'h2', [0, 0, 0], null);
  routes.take(0);
  assert.deepEqual(second(routes, 'h1', [5, 5, 5], lines([5, 5, 5])), { exact: 1, estimated: 0 }, 'the first host that asks');
  assert.deepEqual(second(routes, 'h2', [5, 5, 5], lines([5, 5, 5])), { exact: 0, estimated: 1 }, 'not the next, the same second');
  const s = routes.take(1000);
  assert.deepEqual(perSec(s), [10, 10, 10]);
  assert.deepEqual(NAMES.map((n) => s.get(n)!.responseMsAvg), [4, 4, 4]);
  assert.deepEqual(second(routes, 'h2', [10, 10, 10], lines([5, 5, 5])), { exact: 0, estimated: 1 }, 'every replica timed: estimated');
});
