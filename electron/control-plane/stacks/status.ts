// How a service's replicas are counted, pure: from what is desired, the replicas that make up the
// service now and which hosts are ready. A replica counts as running or healthy only when its host
// is ready; on a host that is not, it is unknown (what Docker said last may be stale). Healthy
// means Docker's health check passes; a replica without a health check is running, not healthy.
// Available (can take traffic) is running on a ready host and healthy or without a health check.
import {
  conditionAvailable,
  conditionRunning,
  replicaCondition,
  type ReplicaCondition,
} from '../../../shared/service-status.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';

export interface StatusDesired {
  revision: number;
  replicas: number;
  /** The desired revision's image. */
  image: string;
}

export interface RevisionCounts {
  revision: number;
  image: string;
  running: number;
  healthy: number;
  available: number;
  unknown: number;
}

export interface ServiceCounts {
  desired: number;
  /** Running on a ready host, whatever the health check says. */
  running: number;
  /** Running on a ready host, its health check passing. */
  healthy: number;
  /** Can take traffic: running on a ready host, healthy or without a health check. */
  available: number;
  /** On a host that is not ready. */
  unknown: number;
  /** Running on a ready host, health check not passed yet. */
  starting: number;
  /** Running on a ready host, health check failing. */
  unhealthy: number;
  /** Running on a ready host, no health check. */
  noHealthCheck: number;
  /** On a ready host, not running (exited, created, restarting, …). */
  stopped: number;
  /** The hosts of the unknown replicas, sorted, each once. */
  unknownHosts: string[];
  /** Per revision, oldest first: the desired one always, others while they have replicas. */
  revisions: RevisionCounts[];
  /** The image of the revision that serves: the newest with an available replica, else the desired one. */
  servingImage: string;
}

export function countReplicas(input: {
  desired: StatusDesired;
  replicas: readonly ObservedReplica[];
  readyHosts: ReadonlySet<string>;
  /** The image of an older revision; the revision number itself when not known. */
  imageOf: (revision: number) => string | undefined;
}): ServiceCounts {
  const { desired, replicas, readyHosts } = input;
  const byRevision = new Map<number, RevisionCounts>();
  const revisionOf = (n: number): RevisionCounts => {
    let rc = byRevision.get(n);
    if (!rc) {
      const image = n === desired.revision ? desired.image : (input.imageOf(n) ?? `revision ${n}`);
      rc = { revision: n, image, running: 0, healthy: 0, available: 0, unknown: 0 };
      byRevision.set(n, rc);
    }
    return rc;
  };
  revisionOf(desired.revision);
  const tally: Record<ReplicaCondition, number> = { healthy: 0, running: 0, starting: 0, unhealthy: 0, stopped: 0, unknown: 0 };
  const unknownHosts = new Set<string>();
  for (const r of replicas) {
    const c = replicaCondition({ state: r.state, health: r.health, hostReady: readyHosts.has(r.host) });
    tally[c]++;
    const rc = revisionOf(r.revision);
    if (c === 'unknown') {
      rc.unknown++;
      unknownHosts.add(r.host);
    }
    if (conditionRunning(c)) rc.running++;
    if (c === 'healthy') rc.healthy++;
    if (conditionAvailable(c)) rc.available++;
  }
  const revisions = [...byRevision.values()].sort((a, b) => a.revision - b.revision);
  const serving = [...revisions].reverse().find((r) => r.available > 0);
  return {
    desired: desired.replicas,
    running: tally.healthy + tally.running + tally.starting + tally.unhealthy,
    healthy: tally.healthy,
    available: tally.healthy + tally.running,
    unknown: tally.unknown,
    starting: tally.starting,
    unhealthy: tally.unhealthy,
    noHealthCheck: tally.running,
    stopped: tally.stopped,
    unknownHosts: [...unknownHosts].sort(),
    revisions,
    servingImage: serving?.image ?? desired.image,
  };
}
