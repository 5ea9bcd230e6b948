// What applying a stack's Swarm services changes, pure: each desired service against the one the
// swarm has of that name. Swarm answers a spec with its defaults filled in (Isolation, Runtime,
// ForceUpdate, …), so a service is unchanged when every field Baton writes has the value it wants:
// the desired spec is compared as a subset of the current one.
import type { SwarmPlanEntry } from '../../../shared/cluster.ts';
import type { SwarmServiceSpec } from '../../../shared/swarm-spec.ts';

export interface CurrentService {
  id: string;
  version: number;
  spec: SwarmServiceSpec;
}

/** `want` is in `have`: every key `want` writes has the same value there (arrays: same length, item by item). */
export function writtenIn(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => writtenIn(w, have[i]));
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, w]) => w === undefined || writtenIn(w, (have as Record<string, unknown>)[k]));
  }
  // Swarm leaves out zero values (0, false, ""): a field it does not answer with is zero
  if (have === undefined) return want === 0 || want === false || want === '';
  return want === have;
}

/** The top-level ServiceSpec fields that differ, in the spec's order. */
export function changedFields(want: SwarmServiceSpec, have: SwarmServiceSpec): string[] {
  return (Object.keys(want) as (keyof SwarmServiceSpec)[]).filter((k) => !writtenIn(want[k], have[k]));
}

export function planServices(stackServices: { service: string; spec: SwarmServiceSpec }[], current: ReadonlyMap<string, CurrentService>): SwarmPlanEntry[] {
  return stackServices.map(({ service, spec }) => {
    const have = current.get(spec.Name);
    const replicas = spec.Mode.Replicated.Replicas;
    if (!have) return { service, swarmService: spec.Name, action: 'create', changes: [], replicas };
    const changes = changedFields(spec, have.spec);
    return { service, swarmService: spec.Name, action: changes.length === 0 ? 'unchanged' : 'update', changes, replicas };
  });
}

/** The spec to send in an update: the desired one, keeping the current ForceUpdate counter (a lower one is a change too). */
export function updateBody(want: SwarmServiceSpec, have: SwarmServiceSpec): SwarmServiceSpec {
  const force = have.TaskTemplate.ForceUpdate;
  return force === undefined ? want : { ...want, TaskTemplate: { ...want.TaskTemplate, ForceUpdate: force } };
}
