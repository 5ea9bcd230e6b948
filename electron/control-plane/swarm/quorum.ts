// A swarm's managers and its quorum, from a manager's `GET /nodes`: raft keeps working while a
// majority of the managers (more than half) are reachable.
import type { Cluster, SwarmManager } from '../../../shared/cluster.ts';

interface NodeAnswer {
  Description?: { Hostname?: unknown } | null;
  Status?: { Addr?: unknown } | null;
  ManagerStatus?: { Leader?: unknown; Reachability?: unknown; Addr?: unknown } | null;
}

/** The managers among the nodes, in hostname order. Nodes without ManagerStatus are workers. */
export function managersOf(nodes: unknown): SwarmManager[] {
  if (!Array.isArray(nodes)) return [];
  const managers: SwarmManager[] = [];
  for (const raw of nodes as NodeAnswer[]) {
    const status = raw?.ManagerStatus;
    if (!status) continue;
    const reach = status.Reachability;
    const addr = typeof status.Addr === 'string' ? status.Addr.replace(/:\d+$/, '') : typeof raw.Status?.Addr === 'string' ? raw.Status.Addr : '';
    managers.push({
      hostname: typeof raw.Description?.Hostname === 'string' ? raw.Description.Hostname : '',
      address: addr,
      reachability: reach === 'reachable' || reach === 'unreachable' ? reach : 'unknown',
      leader: status.Leader === true,
    });
  }
  return managers.sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** Reachable managers over all of them; ok while more than half are reachable. */
export function quorumOf(managers: SwarmManager[]): Cluster['quorum'] {
  const reachable = managers.filter((m) => m.reachability === 'reachable').length;
  return { reachable, total: managers.length, ok: managers.length > 0 && reachable * 2 > managers.length };
}
