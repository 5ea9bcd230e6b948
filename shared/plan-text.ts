// A plan's ports, bind mounts and changes in words, the same in the CLI and the app.
import type { PlanBindMount, PlanPort, ServicePlan, SpecChange } from './api.ts';

/** "8080 on every host (ingress) → 80/tcp", "80/tcp on Baton's network only", … */
export function describePlanPort(p: PlanPort): string {
  const inside = `${p.target}/${p.protocol}`;
  switch (p.reach) {
    case 'ingress':
      return `${p.published} on every host (ingress) → ${inside}`;
    case 'host':
      return `${p.published} on the replica's host → ${inside}`;
    case 'random':
      return `a random port on the replica's host → ${inside}`;
    case 'internal':
      return `${inside} on Baton's network only`;
  }
}

/** "/srv/data → /data (ro)". */
export function describePlanBind(b: PlanBindMount): string {
  return `${b.source} → ${b.target} (${b.readOnly ? 'ro' : 'rw'})`;
}

/** "image: app:v1 → app:v2"; "environment: added DEBUG" when the change is said whole. */
export function describeChange(c: SpecChange): string {
  if (c.before === null) return `${c.field}: ${c.after ?? 'none'}`;
  return `${c.field}: ${c.before} → ${c.after ?? 'none'}`;
}

/**
 * What a plan changes in a service, a line each: its fields, then its replica count when that
 * moves ("replicas: 5 → 3 (scaled by hand to 5)": applying undoes a `baton scale`). A new
 * service's ports are left out: the plan lists them with where they answer from.
 */
export function describeChanges(s: ServicePlan): string[] {
  const fields = s.changes.filter((c) => !(s.action === 'create' && c.field === 'ports')).map(describeChange);
  if (s.action === 'remove' || s.replicasBefore === null || s.replicasBefore === s.replicas) return fields;
  return [...fields, `replicas: ${s.replicasBefore} → ${s.replicas}${s.scaledByHand ? ` (scaled by hand to ${s.replicasBefore})` : ''}`];
}
