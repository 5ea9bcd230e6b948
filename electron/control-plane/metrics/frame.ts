// One second of the cluster from what the collector last read: a sample per running replica, and
// per host the sums of its replicas against its capacity. Pure. A replica or host without a fresh
// reading is stale, with null values: never the last value again, never a 0.
import type { HostMetrics, MetricPoint, MetricsFrame, ReplicaMetrics, RequestSample } from '../../../shared/metrics.ts';
import type { ContainerRates } from './rates.ts';

export interface ReplicaRef {
  id: string;
  name: string;
  host: string;
  stack: string;
  service: string;
}

export interface HostView {
  name: string;
  /** Why its values can't be had now (unreachable, its read failed or is late), or null. */
  staleReason: string | null;
  capacity: { cpus: number; memoryBytes: number } | null;
}

export interface ContainerView {
  /** When the rates were measured (ms, this machine's clock). */
  atMs: number;
  /** Null on the first reading of a container or after a reset: nothing to say yet. */
  rates: ContainerRates | null;
  /** Why this one container could not be read, or null. */
  problem: string | null;
}

export interface FrameInputs {
  nowMs: number;
  replicas: ReplicaRef[];
  hosts: HostView[];
  containers: ReadonlyMap<string, ContainerView>;
  /** Per ingress server name (r_<id12>); absent for replicas no route sends traffic to. */
  requests: ReadonlyMap<string, RequestSample>;
  /** Per host: requests/s through its own ingress (ingress-requests.ts ingressRates); absent where none was read. */
  ingress?: ReadonlyMap<string, number>;
}

const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

export function buildFrame(input: FrameInputs): MetricsFrame {
  const hostBy = new Map(input.hosts.map((h) => [h.name, h]));
  const now = new Date(input.nowMs).toISOString();
  const replicas: ReplicaMetrics[] = input.replicas.map((r) => {
    const host = hostBy.get(r.host);
    const c = input.containers.get(r.id);
    const staleReason = host?.staleReason ?? (host === undefined ? `host ${r.host} is not known to the collector` : null) ?? c?.problem ?? (c === undefined || c.rates === null ? 'first reading: no interval measured yet' : null);
    const requests = input.requests.get(`r_${r.id.slice(0, 12)}`) ?? null;
    if (staleReason !== null || c === undefined || c.rates === null) {
      return { id: r.id, replica: r.name, host: r.host, stack: r.stack, service: r.service, time: c ? new Date(c.atMs).toISOString() : now, stale: true, staleReason, cpu: null, memory: null, network: null, requests: host?.staleReason ? null : requests };
    }
    return { id: r.id, replica: r.name, host: r.host, stack: r.stack, service: r.service, time: new Date(c.atMs).toISOString(), stale: false, staleReason: null, ...c.rates, requests };
  });
  // grouped once: filtering every replica per host costs hosts × replicas a second
  const fresh = new Map<string, ReplicaMetrics[]>();
  for (const r of replicas) {
    if (r.stale) continue;
    const list = fresh.get(r.host);
    if (list) list.push(r);
    else fresh.set(r.host, [r]);
  }
  const hosts: HostMetrics[] = input.hosts.map((h) => {
    const mine = fresh.get(h.name) ?? [];
    const ingress = input.ingress?.get(h.name);
    if (h.staleReason !== null) {
      return { host: h.name, time: now, stale: true, staleReason: h.staleReason, replicas: 0, capacity: h.capacity, cpu: null, memory: null, network: null, requests: null, ingress: null };
    }
    const cpu = mine.reduce((n, r) => n + (r.cpu?.percentOfCore ?? 0), 0);
    const mem = mine.reduce((n, r) => n + (r.memory?.usedBytes ?? 0), 0);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      host: h.name,
      time: now,
      stale: false,
      staleReason: null,
      replicas: mine.length,
      capacity: h.capacity,
      cpu: { percentOfCore: round(cpu), percentOfCapacity: h.capacity ? pct(cpu, h.capacity.cpus * 100) : null },
      memory: { usedBytes: mem, percentOfCapacity: h.capacity ? pct(mem, h.capacity.memoryBytes) : null },
      network: { rxBytesPerSec: round(mine.reduce((n, r) => n + (r.network?.rxBytesPerSec ?? 0), 0)), txBytesPerSec: round(mine.reduce((n, r) => n + (r.network?.txBytesPerSec ?? 0), 0)) },
      requests: { perSec: round(mine.reduce((n, r) => n + (r.requests?.perSec ?? 0), 0)) },
      ingress: ingress === undefined ? null : { perSec: ingress },
    };
  });
  return { time: now, replicas, hosts };
}

/** A replica's second as a series point; null when it is stale (a gap in the series). */
export function replicaPoint(r: ReplicaMetrics): MetricPoint | null {
  if (r.stale) return null;
  return {
    time: r.time,
    samples: 1,
    cpuPercent: r.cpu?.percentOfCore ?? null,
    cpuPercentMax: null,
    memoryBytes: r.memory?.usedBytes ?? null,
    memoryBytesMax: null,
    rxBytesPerSec: r.network?.rxBytesPerSec ?? null,
    txBytesPerSec: r.network?.txBytesPerSec ?? null,
    requestsPerSec: r.requests?.perSec ?? null,
    responseMsAvg: r.requests?.responseMsAvg ?? null,
    responseMsMax: null,
    responseMsP95: r.requests?.responseMsP95 ?? null,
  };
}

export function hostPoint(h: HostMetrics): MetricPoint | null {
  if (h.stale) return null;
  return {
    time: h.time,
    samples: 1,
    cpuPercent: h.cpu?.percentOfCore ?? null,
    cpuPercentMax: null,
    memoryBytes: h.memory?.usedBytes ?? null,
    memoryBytesMax: null,
    rxBytesPerSec: h.network?.rxBytesPerSec ?? null,
    txBytesPerSec: h.network?.txBytesPerSec ?? null,
    requestsPerSec: h.requests?.perSec ?? null,
    responseMsAvg: null,
    responseMsMax: null,
    responseMsP95: null,
  };
}
