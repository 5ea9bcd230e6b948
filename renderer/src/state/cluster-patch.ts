// An event that says all of what it changed, put into the picture at once instead of waiting for
// the next `cluster.snapshot`: `replica.healthy` and `replica.unhealthy` (a running replica's
// health check now passes, or fails) set that replica's health, its status, and its service's
// counts; `replica.serving` and `replica.draining` set where it stands with the ingress (a drain
// may be over in less time than a snapshot takes, and is drawn while it lasts). The snapshot that follows stays the truth and replaces the patched picture; a snapshot
// taken before the event (a fetch already running) gets the event put in again. At 5,000
// replicas a snapshot takes tens of milliseconds to fetch and read: the health shows within the
// frame instead. Any other event: null (wait for the snapshot). Pure: no DOM, no fetch.
import type { BatonEvent, ClusterSnapshot, ReplicaStatus, ServiceStatus } from '../../../shared/api.ts';
import { conditionAvailable, replicaCondition, type ReplicaCondition } from '../../../shared/service-status.ts';

type CountField = 'healthy' | 'starting' | 'unhealthy' | 'noHealthCheck';

/** The count a running replica on a ready host adds to, by its condition. */
const COUNTED: Partial<Record<ReplicaCondition, CountField>> = { healthy: 'healthy', starting: 'starting', unhealthy: 'unhealthy', running: 'noHealthCheck' };

/** Whether this kind of event can be put into the picture by itself. */
export function patchable(event: BatonEvent): boolean {
  return (event.kind === 'replica.healthy' || event.kind === 'replica.unhealthy' || POOL_EVENTS.has(event.kind)) && event.replica !== null;
}

const POOL_EVENTS = new Map<string, NonNullable<ReplicaStatus['pool']>>([
  ['replica.serving', 'serving'],
  ['replica.draining', 'draining'],
]);

export function applyEvent(cluster: ClusterSnapshot, event: BatonEvent): ClusterSnapshot | null {
  if (!patchable(event)) return null;
  const index = cluster.replicas.findIndex((r) => r.name === event.replica || r.id === event.replica);
  if (index < 0) return null;
  const was = cluster.replicas[index]!;
  // the event speaks of a running replica; one the picture has stopped is for the snapshot to settle
  if (was.state !== 'running') return null;
  const pool = POOL_EVENTS.get(event.kind);
  if (pool !== undefined) {
    if (was.pool === pool) return null;
    const replicas = cluster.replicas.slice();
    replicas[index] = { ...was, pool };
    return { ...cluster, replicas };
  }
  const health: ReplicaStatus['health'] = event.kind === 'replica.healthy' ? 'healthy' : 'unhealthy';
  if (was.health === health) return null;
  const now: ReplicaStatus = { ...was, health, status: replicaCondition({ state: was.state, health, hostReady: was.hostReady }) };
  const replicas = cluster.replicas.slice();
  replicas[index] = now;
  const services = was.status === now.status ? cluster.services : cluster.services.map((s) => (s.stack === was.stack && s.name === was.service ? recount(s, was, now) : s));
  return { ...cluster, replicas, services };
}

function recount(s: ServiceStatus, was: ReplicaStatus, now: ReplicaStatus): ServiceStatus {
  const next: ServiceStatus = { ...s };
  const from = COUNTED[was.status];
  const to = COUNTED[now.status];
  if (from !== undefined) next[from] = Math.max(0, next[from] - 1);
  if (to !== undefined) next[to] += 1;
  const availableDelta = Number(conditionAvailable(now.status)) - Number(conditionAvailable(was.status));
  const healthyDelta = Number(now.status === 'healthy') - Number(was.status === 'healthy');
  next.available = Math.max(0, next.available + availableDelta);
  next.revisions = s.revisions.map((r) =>
    r.revision === was.revision ? { ...r, healthy: Math.max(0, r.healthy + healthyDelta), available: Math.max(0, r.available + availableDelta) } : r,
  );
  return next;
}
