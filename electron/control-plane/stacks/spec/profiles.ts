// Compose profiles: a service that lists `profiles:` is deployed only when one of them is active
// (`--profile NAME`, or COMPOSE_PROFILES=a,b); `*` activates them all. Services without
// `profiles:` are always deployed.
import { isDict, type Dict } from './values.ts';

/** The profiles named on the command line, then those in COMPOSE_PROFILES (comma-separated). */
export function activeProfiles(named: readonly string[], composeProfiles: string | undefined): string[] {
  const all = [...named, ...(composeProfiles ?? '').split(',')].map((p) => p.trim()).filter((p) => p !== '');
  return [...new Set(all)];
}

export interface ProfileSelection {
  /** The services deployed, in file order. */
  kept: Dict;
  /** The services left out, with the profiles that would bring each in. */
  leftOut: Map<string, string[]>;
}

export function selectByProfiles(services: Dict, active: readonly string[]): ProfileSelection {
  const on = new Set(active);
  const kept: Dict = {};
  const leftOut = new Map<string, string[]>();
  for (const [name, service] of Object.entries(services)) {
    const profiles = isDict(service) && Array.isArray(service.profiles) ? service.profiles.filter((p): p is string => typeof p === 'string') : [];
    if (profiles.length === 0 || on.has('*') || profiles.some((p) => on.has(p))) kept[name] = service;
    else leftOut.set(name, profiles);
  }
  return { kept, leftOut };
}

/**
 * The profiles under which every service deployed now stays deployed: what an edit made in the
 * app (which has no --profile) applies with, so a service a profile brought in is not removed.
 */
export function profilesKeeping(services: unknown, deployed: ReadonlySet<string>): string[] {
  if (!isDict(services)) return [];
  const out = new Set<string>();
  for (const [name, service] of Object.entries(services)) {
    if (!deployed.has(name) || !isDict(service) || !Array.isArray(service.profiles)) continue;
    const first = service.profiles.find((p): p is string => typeof p === 'string');
    if (first !== undefined) out.add(first);
  }
  return [...out];
}
