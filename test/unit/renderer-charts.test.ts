// The charts' logic that needs no DOM: the series buffer (order, repeats, the hour kept), a
// subject's point from a frame and from history, the 15-minute and hour windows, downsampling
// that keeps spikes and gaps, the autoscaler's marks, and the one feed every chart shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, MetricsParams, StreamHandlers } from '../../shared/api.ts';
import type { AutoscaleDecision } from '../../shared/autoscale.ts';
import type { MetricPoint, MetricsFrame, ReplicaMetrics } from '../../shared/metrics.ts';
import type { ConnectionState } from '../../renderer/src/api/transport.ts';
import { pointFromFrame, pointFromHistory, pointsOfFrame, secondOf, subjectId, sumHistories } from '../../renderer/src/views/charts/chart-points.ts';
import { bucketSeconds, chartWindow, downsample } from '../../renderer/src/views/charts/chart-window.ts';
import { decisionOfEvent, markOf, markText, mergeMarks, placeMarks } from '../../renderer/src/views/charts/decision-marks.ts';
import { MetricsFeed, type FeedApi } from '../../renderer/src/views/charts/metrics-feed.ts';
import { HostRequests } from '../../renderer/src/views/topology/host-requests.ts';
import { KEPT_SECONDS, lowerBound, SeriesBuffer, type ChartPoint } from '../../renderer/src/views/charts/series-buffer.ts';

const T0 = Date.parse('2026-12-06T10:00:00Z') / 1000;
const iso = (t: number): string => new Date(t * 1000).toISOString();
const pt = (t: number, cpu: number | null = 1): ChartPoint => ({ t, cpu, memory: 100, rps: 2, p95: 30 });

function replica(name: string, service: string, over: Partial<ReplicaMetrics> = {}): ReplicaMetrics {
  return {
    id: `id-${name}`,
    replica: name,
    host: 'h1',
    stack: 'shop',
    service,
    time: iso(T0),
    stale: false,
    staleReason: null,
    cpu: { percentOfCore: 20, limitCores: null, percentOfLimit: null },
    memory: { usedBytes: 1000, limitBytes: null, percentOfLimit: null },
    network: null,
    requests: { perSec: 5, total: 10, responseMsAvg: 3, totalMsAvg: 4, responseMsP50: 2, responseMsP95: 12, responseMsP99: 20, errorsPerSec: 0 },
    ...over,
  };
}

function frame(t: number, replicas: ReplicaMetrics[]): MetricsFrame {
  return {
    time: iso(t),
    replicas,
    hosts: [
      { host: 'h1', time: iso(t), stale: false, staleReason: null, replicas: replicas.length, capacity: { cpus: 4, memoryBytes: 8e9 }, cpu: { percentOfCore: 150, percentOfCapacity: 37.5 }, memory: { usedBytes: 5e8, percentOfCapacity: 6 }, network: null, requests: { perSec: 9 }, ingress: { perSec: 9 } },
      { host: 'h2', time: iso(t), stale: true, staleReason: 'unreachable', replicas: 0, capacity: null, cpu: null, memory: null, network: null, requests: null, ingress: null },
    ],
  };
}

// ---------------------------------------------------------------- the buffer

test('the buffer keeps points in time order: a repeated second replaces, an older one is dropped', () => {
  const b = new SeriesBuffer();
  assert.equal(b.push(pt(T0, 1)), true);
  assert.equal(b.push(pt(T0 + 1, 2)), true);
  assert.equal(b.push(pt(T0 + 1, 3)), true, 'the same second again replaces its values');
  assert.equal(b.push(pt(T0 - 5, 9)), false, 'older than the newest: dropped');
  assert.deepEqual(b.points().map((p) => [p.t - T0, p.cpu]), [[0, 1], [1, 3]]);
  assert.equal(b.newest, T0 + 1);
});

test('the buffer keeps the last hour and no more, however long it runs', () => {
  const b = new SeriesBuffer();
  for (let i = 0; i < 3 * KEPT_SECONDS; i++) b.push(pt(T0 + i));
  assert.equal(b.length, KEPT_SECONDS + 1, 'from newest − 3600 s to newest');
  assert.equal(b.points()[0]!.t, T0 + 3 * KEPT_SECONDS - 1 - KEPT_SECONDS);
  const r = b.range(T0 + 3 * KEPT_SECONDS - 10, T0 + 3 * KEPT_SECONDS - 1);
  assert.equal(r.times.length, 10);
  assert.equal(r.columns.cpu.length, 10);
});

test('history seeds the seconds before the live ones without overwriting them', () => {
  const b = new SeriesBuffer();
  b.push(pt(T0 + 10, 50)); // live, arrived first
  b.seed([pt(T0 + 8, 1), pt(T0 + 9, 1), pt(T0 + 10, 1), pt(T0 + 11, 1)]);
  assert.deepEqual(b.points().map((p) => [p.t - T0, p.cpu]), [[8, 1], [9, 1], [10, 50]], 'the live second wins; history newer than live is not taken');
});

test('lowerBound finds the first index at or after a value', () => {
  assert.equal(lowerBound([1, 3, 5, 7], 4), 2);
  assert.equal(lowerBound([1, 3, 5, 7], 0), 0);
  assert.equal(lowerBound([1, 3, 5, 7], 8), 4);
  assert.equal(lowerBound([1, 3, 5, 7], 3), 1);
});

// ---------------------------------------------------------------- points

test("a service's second sums its replicas' CPU, memory and requests and takes the slowest p95; stale replicas count for nothing", () => {
  const f = frame(T0, [
    replica('a', 'web'),
    replica('b', 'web', { cpu: { percentOfCore: 30, limitCores: null, percentOfLimit: null }, requests: { perSec: 7, total: 1, responseMsAvg: null, totalMsAvg: null, responseMsP50: null, responseMsP95: 40, responseMsP99: null, errorsPerSec: 0 } }),
    replica('c', 'web', { stale: true, cpu: null, memory: null, requests: null }),
    replica('d', 'api'),
  ]);
  assert.deepEqual(pointFromFrame(f, { kind: 'service', key: 'shop/web' }), { t: T0, cpu: 50, memory: 2000, rps: 12, p95: 40 });
  assert.equal(pointFromFrame(frame(T0, [replica('c', 'web', { stale: true })]), { kind: 'service', key: 'shop/web' }), null, 'all stale: a gap');
});

test('a replica and a host have their own values; a stale host gives no point', () => {
  const f = frame(T0, [replica('a', 'web')]);
  assert.deepEqual(pointFromFrame(f, { kind: 'replica', name: 'a', service: 'shop/web' }), { t: T0, cpu: 20, memory: 1000, rps: 5, p95: 12 });
  assert.deepEqual(pointFromFrame(f, { kind: 'host', name: 'h1' }), { t: T0, cpu: 150, memory: 5e8, rps: 9, p95: null });
  assert.equal(pointFromFrame(f, { kind: 'host', name: 'h2' }), null);
  assert.equal(pointFromFrame(f, { kind: 'replica', name: 'gone', service: 'shop/web' }), null);
});

test('one pass over a frame gives every watched subject the point it would get alone', () => {
  const f = frame(T0 + 3, [replica('a', 'web'), replica('b', 'web'), replica('d', 'api')]);
  const subjects = [{ kind: 'service', key: 'shop/web' }, { kind: 'replica', name: 'd', service: 'shop/api' }, { kind: 'host', name: 'h1' }, { kind: 'host', name: 'h2' }] as const;
  const all = pointsOfFrame(f, new Set(subjects.map(subjectId)));
  for (const s of subjects) assert.deepEqual(all.get(subjectId(s)) ?? null, pointFromFrame(f, s), subjectId(s));
  assert.equal(all.has('service:shop/api'), false, 'nothing computed for what nobody watches');
});

test("a service's history sums its replicas' series per second", () => {
  const p = (t: number, cpu: number | null, p95: number | null): MetricPoint => ({ time: iso(t), samples: 1, cpuPercent: cpu, cpuPercentMax: null, memoryBytes: 10, memoryBytesMax: null, rxBytesPerSec: null, txBytesPerSec: null, requestsPerSec: 1, responseMsAvg: null, responseMsMax: null, responseMsP95: p95 });
  const sum = sumHistories([
    [p(T0, 10, 5), p(T0 + 1, 10, 50)],
    [p(T0 + 1, null, 8), p(T0 + 2, 4, null)],
  ]);
  assert.deepEqual(sum, [
    { t: T0, cpu: 10, memory: 10, rps: 1, p95: 5 },
    { t: T0 + 1, cpu: 10, memory: 20, rps: 2, p95: 50 },
    { t: T0 + 2, cpu: 4, memory: 10, rps: 1, p95: null },
  ]);
  assert.equal(pointFromHistory({ ...p(T0, 1, 1), time: 'not a time' }), null);
  assert.equal(secondOf('2026-12-06T10:00:00.900Z'), T0, 'a second starts at its whole second');
});

// ---------------------------------------------------------------- windows and downsampling

test('the window is the last 15 minutes or hour up to the newest second measured', () => {
  assert.deepEqual(chartWindow('15m', T0, T0 + 99), { from: T0 - 899, to: T0 });
  assert.deepEqual(chartWindow('1h', null, T0 + 0.5), { from: T0 - 3599, to: T0 }, 'nothing yet: ends now');
  assert.equal(bucketSeconds({ from: 0, to: 3599 }, 300), 12);
  assert.equal(bucketSeconds({ from: 0, to: 899 }, 1000), 1);
});

test('downsampling keeps each bucket’s highest value, leaves an empty bucket a gap, and buckets stay put as time passes', () => {
  const times = [100, 101, 102, 103, 104, 105, 106, 107];
  const cpu = [1, 9, 2, 3, null, null, 4, 1];
  const columns = { cpu, memory: times.map(() => 0), rps: times.map(() => 0), p95: times.map(() => null) };
  const d = downsample(times, columns, 2, ['cpu']);
  assert.deepEqual(d.times, [100, 102, 104, 106]);
  assert.deepEqual(d.columns.cpu, [9, 3, null, 4]);
  const shifted = downsample(times.slice(1), { ...columns, cpu: cpu.slice(1) }, 2, ['cpu']);
  assert.deepEqual(shifted.times, [100, 102, 104, 106], 'aligned to the epoch, not to the first point');
  assert.deepEqual(downsample(times, columns, 1, ['cpu']).columns.cpu, cpu, 'a bucket of one second is the data itself');
});

// ---------------------------------------------------------------- the autoscaler's marks

function decision(t: number, over: Partial<AutoscaleDecision> = {}): AutoscaleDecision {
  return { time: iso(t), kind: 'scale', current: 3, desired: 5, recommended: 5, ready: 3, metrics: [], heldBy: null, reason: 'cpu 160 % of its target: 3 → 5', ...over };
}

function event(kind: BatonEvent['kind'], data: Record<string, unknown> | null, service = 'web'): BatonEvent {
  return { id: 1, time: iso(T0), kind, severity: 'info', host: null, stack: 'shop', service, replica: null, message: 'm', data };
}

test('decisions come from the events that carry one, for the chart’s service only', () => {
  assert.equal(decisionOfEvent(event('service.scaled', { replicas: 5, autoscale: decision(T0) }), 'shop/web')?.desired, 5);
  assert.equal(decisionOfEvent(event('autoscale.held', { autoscale: decision(T0, { kind: 'hold', heldBy: 'scale_down_window' }) }), 'shop/web')?.kind, 'hold');
  assert.equal(decisionOfEvent(event('service.scaled', { replicas: 5 }), 'shop/web'), null, 'scaled by hand: no decision');
  assert.equal(decisionOfEvent(event('service.scaled', { autoscale: decision(T0) }, 'api'), 'shop/web'), null);
  assert.equal(decisionOfEvent(event('replica.started', { autoscale: decision(T0) }), 'shop/web'), null);
  assert.equal(decisionOfEvent(event('autoscale.held', { autoscale: { kind: 'hold', reason: 'no time' } }), 'shop/web'), null, 'not a decision: no mark');
  assert.equal(markOf(decision(T0))?.label, '3 → 5');
  assert.equal(markOf(decision(T0, { kind: 'hold' }))?.label, 'held at 3');
});

test('marks: one per decision, the old ones dropped, close ones merged with every reason', () => {
  const a = markOf(decision(T0 + 100))!;
  const b = markOf(decision(T0 + 101, { kind: 'hold', reason: 'held by the window' }))!;
  const c = markOf(decision(T0 + 600, { reason: 'later' }))!;
  const old = markOf(decision(T0 - 5000))!;
  const marks = mergeMarks([a, old], [a, c, b], T0 - 3600);
  assert.deepEqual(marks.map((m) => m.t - T0), [100, 101, 600], 'the same decision from status and event once; older than the hour gone');
  const placed = placeMarks(marks, { from: T0, to: T0 + 900 }, 300);
  assert.equal(placed.length, 2, '100 s and 101 s are a third of a pixel apart: one mark');
  assert.equal(placed[0]!.kind, 'scale', 'a scale wins the look over a hold merged with it');
  assert.equal(Math.round(placed[0]!.x), 33);
  assert.equal(Math.round(placed[1]!.x), 200);
  assert.match(markText(placed[0]!, () => 'T'), /3 → 5: cpu 160 %.*\nT held at 3: held by the window/);
  assert.equal(placeMarks(marks, { from: T0 + 700, to: T0 + 900 }, 300).length, 0, 'outside the window: not drawn');
});

// ---------------------------------------------------------------- the feed

class FakeStreams implements FeedApi {
  opened: Array<StreamHandlers<'metrics'> & { params: MetricsParams; cancelled: boolean }> = [];
  private listeners = new Set<(s: ConnectionState) => void>();
  state: ConnectionState = { status: 'connected', endpoint: 'test', retryAt: null, reason: null };
  connection = (): ConnectionState => this.state;
  onConnectionChange = (l: (s: ConnectionState) => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  setStatus(status: ConnectionState['status']): void {
    this.state = { ...this.state, status };
    for (const l of this.listeners) l(this.state);
  }
  live(): MetricsParams[] {
    return this.opened.filter((o) => !o.cancelled).map((o) => o.params);
  }
  stream = ((name: string, params: MetricsParams, handlers: StreamHandlers<'metrics'>) => {
    assert.equal(name, 'metrics');
    const entry = { ...handlers, params, cancelled: false };
    entry.end = (error) => {
      entry.cancelled = true; // ended: no longer live either
      handlers.end(error);
    };
    this.opened.push(entry);
    const cancel = Object.assign(() => void (entry.cancelled = true), { send: () => {} });
    return cancel;
  }) as FeedApi['stream'];
}

test("charts share a stream per scope: a service's (its replicas' charts too), the hosts' alone; never the whole cluster's", () => {
  const api = new FakeStreams();
  const feed = new MetricsFeed(api);
  const got: Record<string, number[]> = { web: [], a: [], h1: [] };
  const stopWeb = feed.watch({ kind: 'service', key: 'shop/web' }, { point: (p) => got['web']!.push(p.cpu ?? -1) });
  const stopA = feed.watch({ kind: 'replica', name: 'a', service: 'shop/web' }, { point: (p) => got['a']!.push(p.cpu ?? -1) });
  const frames: MetricsFrame[] = [];
  const stopHosts = feed.watchHosts((f) => frames.push(f));
  const stopH1 = feed.watch({ kind: 'host', name: 'h1' }, { point: (p) => got['h1']!.push(p.cpu ?? -1) });
  assert.deepEqual(api.live(), [{ service: 'shop/web' }, { hostsOnly: true }], 'one stream for the service and its replica, one for the hosts');
  assert.deepEqual(feed.streaming.sort(), ['hosts', 'service:shop/web']);
  api.opened[0]!.chunk(frame(T0, [replica('a', 'web'), replica('b', 'web')]));
  api.opened[1]!.chunk(frame(T0, []));
  assert.deepEqual(got, { web: [40], a: [20], h1: [150] });
  assert.equal(frames.length, 1);
  // the connection drops: the streams end; back: new ones
  api.setStatus('reconnecting');
  api.opened[0]!.end(null);
  api.opened[1]!.end(null);
  api.setStatus('connected');
  assert.equal(api.opened.length, 4);
  stopWeb();
  assert.deepEqual(api.live(), [{ service: 'shop/web' }, { hostsOnly: true }], "the replica's chart still reads the service's stream");
  stopA();
  stopHosts();
  assert.deepEqual(api.live(), [{ hostsOnly: true }], "the service's stream closed with its last chart; a host's chart still reads the hosts'");
  stopH1();
  assert.deepEqual(api.live(), []);
  api.setStatus('reconnecting');
  api.setStatus('connected');
  assert.equal(api.opened.length, 4, 'no chart open: nothing opened again');
});

test("the topology's requests/s per host: a frame tells only the hosts whose figure changed", () => {
  const store = new HostRequests();
  const told: string[] = [];
  store.subscribe('h1', () => told.push('h1'));
  store.subscribe('h2', () => told.push('h2'));
  const f = frame(T0, []);
  store.read(f);
  assert.deepEqual(told, ['h1'], 'h2 has no figure (stale): nothing changed for it');
  assert.deepEqual(store.of('h1'), { ingress: 9, served: 9 });
  assert.equal(store.of('h2'), null);
  const first = store.of('h1');
  store.read(frame(T0 + 1, []));
  assert.deepEqual(told, ['h1'], 'the same figure again: no re-render');
  assert.equal(store.of('h1'), first, 'and the same snapshot');
  const busier = frame(T0 + 2, []);
  busier.hosts[0]!.requests = { perSec: 12 };
  store.read(busier);
  assert.deepEqual(told, ['h1', 'h1']);
  const busierIn = frame(T0 + 3, []);
  busierIn.hosts[0]!.requests = { perSec: 12 };
  busierIn.hosts[0]!.ingress = { perSec: 30 };
  store.read(busierIn);
  assert.deepEqual(told, ['h1', 'h1', 'h1'], 'its ingress took more: re-rendered');
  assert.deepEqual(store.of('h1'), { ingress: 30, served: 12 });
});
