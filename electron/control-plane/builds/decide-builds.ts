// What an apply does about each service's `build:`, decided from what the places (this machine's
// engine, the ready hosts) answered, without touching any: which image the service runs, its build
// digest, and whether it is built already (an image with that digest as its label is somewhere)
// or is to be built, and where. Pure: the executor (image-builder.ts) carries it out.
import { createHash } from 'node:crypto';
import type { PlanBuild } from '../../../shared/builds.ts';
import type { BuildSpec } from '../../../shared/stack.ts';
import { canonicalJson } from '../stacks/spec/spec-hash.ts';

/**
 * The build digest: the context's digest (after .dockerignore) with everything else that makes
 * the image (the Dockerfile's path, args, target, labels). A change to any of them is a new image.
 */
export function buildDigest(contextDigest: string, build: BuildSpec): string {
  const { dockerfile, args, target, labels } = build;
  return `sha256:${createHash('sha256').update(canonicalJson({ context: contextDigest, dockerfile, args, target, labels })).digest('hex')}`;
}

/**
 * The image a service with `build:` runs: `image:` when written, else Compose's name for it,
 * `<stack>-<service>`, tagged from the digest, so a new context is a new reference (and a new
 * revision) and an old one still names what it was built from.
 */
export function builtImageRef(stack: string, service: string, written: string, digest: string): string {
  if (written !== '') return written;
  return `${stack}-${service}:b-${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

export interface BuildPlace {
  name: string;
  /** This machine's engine (a local host, or the engine Baton found beside it). */
  local: boolean;
}

export interface BuildAsk {
  service: string;
  image: string;
  digest: string;
  /** The hosts its new replicas would go to, as the plan places them. */
  hosts: string[];
  /** Per place that has `image`: the build digest its label says (null: an image not built by Baton, or from no digest). */
  found: { place: string; digest: string | null }[];
}

/**
 * Per service, in the order asked. Up to date when some place has the image with this digest
 * (the image copy delivers it from there). Else built on this machine's engine when it has one
 * (nothing to send over a link but the context), else on a host the service's replicas go to (no
 * copy to that one), else on the first ready host by name; null when there is no place at all.
 */
export function decideBuilds(asks: BuildAsk[], places: BuildPlace[]): (PlanBuild | null)[] {
  const byName = [...places].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return asks.map((ask): PlanBuild | null => {
    const base = { service: ask.service, image: ask.image, digest: ask.digest };
    const built = ask.found.filter((f) => f.digest === ask.digest && places.some((p) => p.name === f.place));
    if (built.length > 0) {
      // prefer a copy already where it runs, then this machine's engine
      const pick = built.find((f) => ask.hosts.includes(f.place)) ?? built.find((f) => byName.find((p) => p.name === f.place)?.local) ?? built[0]!;
      return { ...base, action: 'up-to-date', on: pick.place, reason: `${ask.image} on ${pick.place} was built from this context already` };
    }
    const local = byName.find((p) => p.local);
    if (local) return { ...base, action: 'build', on: local.name, reason: "on this machine's engine" };
    const runs = byName.find((p) => ask.hosts.includes(p.name));
    if (runs) return { ...base, action: 'build', on: runs.name, reason: `on ${runs.name}, which runs a replica (this machine has no engine)` };
    const first = byName[0];
    if (first) return { ...base, action: 'build', on: first.name, reason: `on ${first.name}, the first ready host (this machine has no engine)` };
    return null;
  });
}
