// `baton top`'s table, pure: a row per replica (host, CPU, memory, requests/s, p95 response time),
// then a row per host against its capacity. The p95 is over the last second's requests from every
// host's ingress (its request log); a second without requests shows none.
import type { MetricsFrame, ReplicaMetrics } from '../../../shared/metrics.ts';
import { bytes, table } from './format.ts';

const pct = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : `${n.toFixed(1)}%`);

function replicaRow(r: ReplicaMetrics): string[] {
  if (r.stale) return [r.replica, r.host, 'stale', '-', '-', '-', '-', r.staleReason ?? ''];
  const cpu = r.cpu ? `${pct(r.cpu.percentOfCore)}${r.cpu.percentOfLimit !== null ? ` (${pct(r.cpu.percentOfLimit)} of limit)` : ''}` : '-';
  const mem = r.memory ? `${bytes(r.memory.usedBytes)}${r.memory.limitBytes !== null ? ` / ${bytes(r.memory.limitBytes)}` : ''}` : '-';
  const rps = r.requests ? r.requests.perSec.toFixed(1) : '-';
  const p95 = r.requests?.responseMsP95 != null ? `${r.requests.responseMsP95} ms` : '-';
  const avg = r.requests?.responseMsAvg != null ? `${r.requests.responseMsAvg} ms` : '-';
  const net = r.network ? `${bytes(r.network.rxBytesPerSec)}/s in, ${bytes(r.network.txBytesPerSec)}/s out` : '-';
  return [r.replica, r.host, cpu, mem, rps, p95, avg, net];
}

export function topText(frame: MetricsFrame): string {
  const replicas = [...frame.replicas].sort((a, b) => a.replica.localeCompare(b.replica));
  const top = replicas.length === 0 ? 'No running replicas.' : table(['REPLICA', 'HOST', 'CPU', 'MEMORY', 'REQ/S', 'P95', 'AVG', 'NET'], replicas.map(replicaRow));
  const hosts = table(
    ['HOST', 'REPLICAS', 'CPU', 'MEMORY', 'REQ/S'],
    frame.hosts.map((h) =>
      h.stale
        ? [h.host, '-', 'stale', '-', h.staleReason ?? '']
        : [
            h.host,
            String(h.replicas),
            `${pct(h.cpu?.percentOfCore)}${h.capacity ? ` of ${h.capacity.cpus} cpus (${pct(h.cpu?.percentOfCapacity)})` : ''}`,
            `${bytes(h.memory?.usedBytes ?? 0)}${h.capacity ? ` of ${bytes(h.capacity.memoryBytes)} (${pct(h.memory?.percentOfCapacity)})` : ''}`,
            (h.requests?.perSec ?? 0).toFixed(1),
          ],
    ),
  );
  return `${frame.time}   P95: response time of the last second's requests; AVG: HAProxy's average over each replica's last 1024\n\n${top}\n\n${hosts}`;
}
