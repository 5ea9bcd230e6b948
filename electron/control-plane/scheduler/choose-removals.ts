// Scale-down: which replicas go first. The useless ones (not running, on a host that isn't
// ready, unhealthy), then from the host with the most replicas of the service so the rest stay
// spread, then the highest slot, then the newest. Deterministic: the id settles the last tie.
import type { HostCandidate } from './types.ts';

export interface RunningReplica {
  id: string;
  host: string;
  slot: number;
  healthy: boolean;
  running: boolean;
  startedAt: string; // ISO
}

function startedMs(replica: RunningReplica): number {
  const ms = Date.parse(replica.startedAt);
  return Number.isNaN(ms) ? -Infinity : ms; // unreadable start: treated as oldest
}

export function chooseReplicasToRemove(replicas: RunningReplica[], count: number, hosts: HostCandidate[]): string[] {
  const ready = new Set(hosts.filter((h) => h.ready).map((h) => h.name));
  const perHost = new Map<string, number>();
  for (const r of replicas) perHost.set(r.host, (perHost.get(r.host) ?? 0) + 1);
  // Each key: lower goes first.
  const order = (r: RunningReplica): number[] => [
    r.running ? 1 : 0,
    ready.has(r.host) ? 1 : 0, // an unknown host counts as not ready
    r.healthy ? 1 : 0,
    -(perHost.get(r.host) ?? 0),
    -r.slot,
    -startedMs(r),
  ];
  const compare = (a: RunningReplica, b: RunningReplica): number => {
    const ka = order(a);
    const kb = order(b);
    for (let i = 0; i < ka.length; i++) {
      const x = ka[i]!;
      const y = kb[i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    if (a.id === b.id) return 0;
    return a.id < b.id ? -1 : 1;
  };
  const remaining = [...replicas];
  const chosen: string[] = [];
  const wanted = Number.isFinite(count) ? Math.min(Math.max(0, Math.floor(count)), replicas.length) : 0;
  // One at a time: each removal lowers its host's count before the next choice.
  while (chosen.length < wanted) {
    const next = remaining.reduce((best, r) => (compare(r, best) < 0 ? r : best));
    remaining.splice(remaining.indexOf(next), 1);
    perHost.set(next.host, (perHost.get(next.host) ?? 1) - 1);
    chosen.push(next.id);
  }
  return chosen;
}
