// What a chart's subject measured in one second, read from a metrics frame (live) or from the
// series the control plane keeps (history). A service's second is the sum of its replicas' CPU,
// memory and requests/s, and its slowest replica's p95 (a p95 over all its requests is not in the
// frames: each replica's is over its own). A replica or host not measured that second (stale)
// gives no point, so the chart shows a gap, never a made-up value.
import type { MetricPoint, MetricsFrame, ReplicaMetrics } from '../../../../shared/metrics.ts';
import type { ChartPoint } from './series-buffer.ts';

/** What a chart is of; a replica names its service ("stack/name"), whose stream carries it. */
export type ChartSubject = { kind: 'service'; key: string } | { kind: 'replica'; name: string; service: string } | { kind: 'host'; name: string };

export function subjectId(subject: ChartSubject): string {
  return subject.kind === 'service' ? `service:${subject.key}` : `${subject.kind}:${subject.name}`;
}

/** Start of the second `iso` falls in, in seconds since the epoch; null when it is not a time. */
export function secondOf(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

function replicaValues(r: ReplicaMetrics): Omit<ChartPoint, 't'> {
  return {
    cpu: r.cpu?.percentOfCore ?? null,
    memory: r.memory?.usedBytes ?? null,
    rps: r.requests?.perSec ?? null,
    p95: r.requests?.responseMsP95 ?? null,
  };
}

/** Sums what was measured; null when nothing was (a gap, not a zero). */
function addTo(sum: number | null, value: number | null): number | null {
  return value === null ? sum : (sum ?? 0) + value;
}

function maxOf(max: number | null, value: number | null): number | null {
  return value === null ? max : max === null ? value : Math.max(max, value);
}

/** The subject's point in this frame, null when the frame has none for it. */
export function pointFromFrame(frame: MetricsFrame, subject: ChartSubject): ChartPoint | null {
  const t = secondOf(frame.time);
  if (t === null) return null;
  if (subject.kind === 'host') {
    const h = frame.hosts.find((x) => x.host === subject.name);
    if (h === undefined || h.stale) return null;
    return { t, cpu: h.cpu?.percentOfCore ?? null, memory: h.memory?.usedBytes ?? null, rps: h.requests?.perSec ?? null, p95: null };
  }
  if (subject.kind === 'replica') {
    const r = frame.replicas.find((x) => x.replica === subject.name || x.id === subject.name);
    if (r === undefined || r.stale) return null;
    return { t, ...replicaValues(r) };
  }
  return servicePoint(t, frame.replicas.filter((r) => `${r.stack}/${r.service}` === subject.key));
}

function servicePoint(t: number, replicas: readonly ReplicaMetrics[]): ChartPoint | null {
  const fresh = replicas.filter((r) => !r.stale);
  if (fresh.length === 0) return null;
  const point: ChartPoint = { t, cpu: null, memory: null, rps: null, p95: null };
  for (const r of fresh) {
    const v = replicaValues(r);
    point.cpu = addTo(point.cpu, v.cpu);
    point.memory = addTo(point.memory, v.memory);
    point.rps = addTo(point.rps, v.rps);
    point.p95 = maxOf(point.p95, v.p95);
  }
  return point;
}

/**
 * Every subject's point in one frame, by subjectId, in one pass over it: what a feed hands the
 * charts it serves (a frame of 5,000 replicas is read once, not once per chart).
 */
export function pointsOfFrame(frame: MetricsFrame, wanted: ReadonlySet<string>): Map<string, ChartPoint> {
  const out = new Map<string, ChartPoint>();
  const t = secondOf(frame.time);
  if (t === null || wanted.size === 0) return out;
  const byService = new Map<string, ReplicaMetrics[]>();
  for (const r of frame.replicas) {
    const key = `service:${r.stack}/${r.service}`;
    if (wanted.has(key)) {
      const list = byService.get(key);
      if (list === undefined) byService.set(key, [r]);
      else list.push(r);
    }
    if (r.stale) continue;
    for (const id of [`replica:${r.replica}`, `replica:${r.id}`]) if (wanted.has(id)) out.set(id, { t, ...replicaValues(r) });
  }
  for (const [key, list] of byService) {
    const p = servicePoint(t, list);
    if (p !== null) out.set(key, p);
  }
  for (const h of frame.hosts) {
    const id = `host:${h.host}`;
    if (!wanted.has(id) || h.stale) continue;
    out.set(id, { t, cpu: h.cpu?.percentOfCore ?? null, memory: h.memory?.usedBytes ?? null, rps: h.requests?.perSec ?? null, p95: null });
  }
  return out;
}

/** A stored point (a second of the last hour) as a chart's. */
export function pointFromHistory(p: MetricPoint): ChartPoint | null {
  const t = secondOf(p.time);
  if (t === null) return null;
  return { t, cpu: p.cpuPercent, memory: p.memoryBytes, rps: p.requestsPerSec, p95: p.responseMsP95 };
}

/** A service's history from its replicas' series: summed per second, the slowest p95. */
export function sumHistories(series: ReadonlyArray<readonly MetricPoint[]>): ChartPoint[] {
  const byT = new Map<number, ChartPoint>();
  for (const points of series) {
    for (const raw of points) {
      const p = pointFromHistory(raw);
      if (p === null) continue;
      const into = byT.get(p.t);
      if (into === undefined) {
        byT.set(p.t, { ...p });
        continue;
      }
      into.cpu = addTo(into.cpu, p.cpu);
      into.memory = addTo(into.memory, p.memory);
      into.rps = addTo(into.rps, p.rps);
      into.p95 = maxOf(into.p95, p.p95);
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** A host's capacity as the newest frame says (cores, bytes), null while unknown. */
export function hostCapacityOf(frame: MetricsFrame, host: string): { cpus: number; memoryBytes: number } | null {
  return frame.hosts.find((h) => h.host === host)?.capacity ?? null;
}
