// Compose's `depends_on` on a first deploy, pure: a service none of whose replicas exists yet
// starts once each service it depends on is there as the condition says (running, healthy, or
// completed successfully). Only the first deploy waits: a service that runs already is healed and
// scaled as usual whatever its dependencies do, as Compose starts in order but does not stop a
// service when a dependency fails later (and as Swarm, which ignores depends_on).
import type { DependsOn } from '../../../shared/stack.ts';
import { isAvailable, type ObservedReplica } from './replica.ts';

export interface Waiting {
  service: string;
  condition: DependsOn['condition'];
  /** As a person reads it: "db to be healthy (0 of 1 healthy)". */
  text: string;
}

function met(condition: DependsOn['condition'], replicas: readonly ObservedReplica[]): boolean {
  switch (condition) {
    case 'service_started':
      return replicas.some((r) => r.state === 'running');
    case 'service_healthy':
      // a service without a health check counts as healthy once it runs, as everywhere in Baton
      return replicas.some((r) => r.state === 'running' && isAvailable(r));
    case 'service_completed_successfully':
      return replicas.some((r) => r.state === 'exited' && r.exitCode === 0);
  }
}

const WORDS: Record<DependsOn['condition'], string> = {
  service_started: 'to run',
  service_healthy: 'to be healthy',
  service_completed_successfully: 'to complete successfully',
};

/**
 * What a service waits for before its first replica starts; empty when it may start. `own`: the
 * service's replicas (any: then it is no first deploy); `replicasOf`: a dependency's replicas;
 * `declared`: the services of the stack (a dependency that is not, and not required, is skipped).
 */
export function waitingOn(dependsOn: readonly DependsOn[] | undefined, own: readonly ObservedReplica[], replicasOf: (service: string) => readonly ObservedReplica[], declared: ReadonlySet<string>): Waiting[] {
  if (!dependsOn || dependsOn.length === 0 || own.length > 0) return [];
  const out: Waiting[] = [];
  for (const d of dependsOn) {
    if (!declared.has(d.service)) continue; // left out (required: false, or its profile): nothing to wait for
    const theirs = replicasOf(d.service);
    if (met(d.condition, theirs)) continue;
    const running = theirs.filter((r) => r.state === 'running').length;
    const healthy = theirs.filter((r) => r.state === 'running' && isAvailable(r)).length;
    const count = d.condition === 'service_healthy' ? ` (${healthy} of ${theirs.length} healthy)` : d.condition === 'service_started' ? ` (${running} of ${theirs.length} running)` : '';
    out.push({ service: d.service, condition: d.condition, text: `${d.service} ${WORDS[d.condition]}${count}` });
  }
  return out;
}
