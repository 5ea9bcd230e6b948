// A plan's ports and bind mounts in words, the same in the CLI and the app.
import type { PlanBindMount, PlanPort } from './api.ts';

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
