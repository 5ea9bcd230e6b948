// Made-up measurements for the UI benchmark's cluster: a metrics frame a second with a sample per
// replica and per host (what the control plane's `metrics` stream sends), the last minutes of a
// replica's or host's series (`metrics.history`), and autoscale decisions. Values move smoothly
// with time and differ per replica, so charts draw real lines. Every frame obeys shared/metrics.ts.
import type { Host, ReplicaStatus } from '../../shared/api.ts';
import type { AutoscaleDecision } from '../../shared/autoscale.ts';
import type { HostMetrics, MetricPoint, MetricsFrame, ReplicaMetrics } from '../../shared/metrics.ts';

const MIB = 1024 ** 2;

function wave(i: number, t: number): number {
  return 0.5 + 0.5 * Math.sin(t / 40 + i * 0.7) * Math.cos(t / 170 + i);
}

function replicaValues(i: number, t: number): { cpu: number; memory: number; rps: number; p95: number } {
  const w = wave(i, t);
  return { cpu: 5 + 60 * w, memory: (40 + 20 * w) * MIB, rps: 2 + 30 * w, p95: 8 + 40 * w * w };
}

export function metricsFrame(hosts: readonly Host[], replicas: readonly ReplicaStatus[], nowMs: number, service?: string): MetricsFrame {
  const t = Math.floor(nowMs / 1000);
  const time = new Date(t * 1000).toISOString();
  const byHost = new Map<string, { n: number; cpu: number; memory: number; rps: number }>();
  const out: ReplicaMetrics[] = [];
  replicas.forEach((r, i) => {
    const v = replicaValues(i, t);
    const h = byHost.get(r.host) ?? { n: 0, cpu: 0, memory: 0, rps: 0 };
    h.n++;
    h.cpu += v.cpu;
    h.memory += v.memory;
    h.rps += v.rps;
    byHost.set(r.host, h);
    if (service !== undefined && `${r.stack}/${r.service}` !== service) return;
    out.push({
      id: r.id,
      replica: r.name,
      host: r.host,
      stack: r.stack,
      service: r.service,
      time,
      stale: false,
      staleReason: null,
      cpu: { percentOfCore: v.cpu, limitCores: null, percentOfLimit: null },
      memory: { usedBytes: v.memory, limitBytes: null, percentOfLimit: null },
      network: { rxBytes: t * 1000, txBytes: t * 2000, rxBytesPerSec: 1000, txBytesPerSec: 2000 },
      requests: { perSec: v.rps, total: t * 10, responseMsAvg: v.p95 / 2, totalMsAvg: v.p95 / 2, responseMsP50: v.p95 / 3, responseMsP95: v.p95, responseMsP99: v.p95 * 1.5, errorsPerSec: 0 },
    });
  });
  // each host's ingress takes an even share of all requests, as clients spread over the hosts would
  let total = 0;
  for (const h of byHost.values()) total += h.rps;
  const ingressEach = hosts.length === 0 ? 0 : Math.round((total / hosts.length) * 10) / 10;
  const hostRows: HostMetrics[] = hosts
    .filter((h) => service === undefined || out.some((r) => r.host === h.name))
    .map((h) => {
      const s = byHost.get(h.name) ?? { n: 0, cpu: 0, memory: 0, rps: 0 };
      const capacity = h.inventory === null ? null : { cpus: h.inventory.cpus, memoryBytes: h.inventory.memoryBytes };
      return {
        host: h.name,
        time,
        stale: false,
        staleReason: null,
        replicas: s.n,
        capacity,
        cpu: { percentOfCore: s.cpu, percentOfCapacity: capacity === null ? null : s.cpu / capacity.cpus },
        memory: { usedBytes: s.memory, percentOfCapacity: capacity === null ? null : (100 * s.memory) / capacity.memoryBytes },
        network: { rxBytesPerSec: 1000 * s.n, txBytesPerSec: 2000 * s.n },
        requests: { perSec: s.rps },
        ingress: { perSec: ingressEach },
      };
    });
  return { time, replicas: out, hosts: hostRows };
}

/** A replica's (index `i`) last `seconds` seconds, one point each, oldest first. */
export function replicaHistory(i: number, nowMs: number, seconds: number): MetricPoint[] {
  const end = Math.floor(nowMs / 1000) - 1;
  const points: MetricPoint[] = [];
  for (let t = end - seconds + 1; t <= end; t++) {
    const v = replicaValues(i, t);
    points.push({ time: new Date(t * 1000).toISOString(), samples: 1, cpuPercent: v.cpu, cpuPercentMax: v.cpu, memoryBytes: v.memory, memoryBytesMax: v.memory, rxBytesPerSec: 1000, txBytesPerSec: 2000, requestsPerSec: v.rps, responseMsAvg: v.p95 / 2, responseMsMax: v.p95, responseMsP95: v.p95 });
  }
  return points;
}

/** Decisions an autoscaler might have made over the last `seconds`: one every five minutes. */
export function autoscaleDecisions(nowMs: number, seconds: number): AutoscaleDecision[] {
  const out: AutoscaleDecision[] = [];
  for (let ago = seconds - 60; ago > 0; ago -= 300) {
    const up = Math.floor(ago / 300) % 2 === 0;
    out.push({
      time: new Date(nowMs - ago * 1000).toISOString(),
      kind: up ? 'scale' : 'hold',
      current: 4,
      desired: up ? 6 : 4,
      recommended: 6,
      ready: 4,
      metrics: [{ metric: 'cpu', average: 90, target: 60, ratio: 1.5, recommended: 6 }],
      heldBy: up ? null : 'scale_down_window',
      reason: up ? 'cpu 90 % of a 60 % target: 4 → 6' : 'cpu: 6 asked for, held at 4 by the scale-down window',
    });
  }
  return out;
}
