// What a replica's status means, in one word, and when a service has converged: shared by the
// control plane (which counts), the CLI and the renderer (which show the counts).
//
// - healthy:   running on a ready host, and Docker says its health check passes.
// - running:   running on a ready host, with no health check (nothing says it serves well).
// - starting:  running on a ready host, its health check has not passed yet.
// - unhealthy: running on a ready host, its health check fails.
// - stopped:   not running (created, exited, restarting, paused, dead, being removed).
// - unknown:   its host is not ready (unreachable, or not listed since it came back): what Docker
//              said last may no longer be true, so it counts as neither running nor healthy.

export const REPLICA_CONDITIONS = ['healthy', 'running', 'starting', 'unhealthy', 'stopped', 'unknown'] as const;
export type ReplicaCondition = (typeof REPLICA_CONDITIONS)[number];

export type DockerHealth = 'none' | 'starting' | 'healthy' | 'unhealthy';

export function replicaCondition(r: { state: string; health: DockerHealth; hostReady: boolean }): ReplicaCondition {
  if (!r.hostReady) return 'unknown';
  if (r.state !== 'running') return 'stopped';
  if (r.health === 'healthy') return 'healthy';
  if (r.health === 'starting') return 'starting';
  if (r.health === 'unhealthy') return 'unhealthy';
  return 'running';
}

/** Can take traffic: running on a ready host, and healthy or without a health check. */
export function conditionAvailable(c: ReplicaCondition): boolean {
  return c === 'healthy' || c === 'running';
}

/** Running on a ready host (whatever its health check says). */
export function conditionRunning(c: ReplicaCondition): boolean {
  return c === 'healthy' || c === 'running' || c === 'starting' || c === 'unhealthy';
}

/** What `isConverged` reads of a service's status. */
export interface ConvergenceCounts {
  revision: number;
  desired: number;
  running: number;
  available: number;
  unknown: number;
  revisions: { revision: number; running: number; available: number }[];
}

/**
 * The service runs exactly its desired replicas, all of the desired revision, all available, on
 * ready hosts, and nothing of another revision runs beside them.
 */
export function isConverged(s: ConvergenceCounts): boolean {
  const others = s.revisions.filter((r) => r.revision !== s.revision);
  const current = s.revisions.find((r) => r.revision === s.revision);
  return (
    s.unknown === 0 &&
    s.running === s.desired &&
    s.available === s.desired &&
    (s.desired === 0 || current?.available === s.desired) &&
    others.every((r) => r.running === 0)
  );
}
