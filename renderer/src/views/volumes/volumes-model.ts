// The volumes view's logic, pure: Baton's volumes grouped by host, each with the services that
// mount it (its users) and what kind of volume it is.
import type { VolumeInfo } from '../../../../shared/api.ts';
import { formatBytes } from '../hosts/format.ts';

export interface VolumeRow {
  name: string;
  /** "shop" (its stack's key "data"), or "external". */
  origin: string;
  kind: string;
  size: string;
  users: string;
}

export interface HostVolumes {
  host: string;
  reachable: boolean;
  volumes: VolumeRow[];
}

export function volumeRow(v: VolumeInfo): VolumeRow {
  return {
    name: v.name,
    origin: v.external ? 'external' : v.stack === null ? '—' : v.volume !== null ? `${v.stack} (${v.volume})` : v.stack,
    kind: v.type === null ? v.driver : `${v.driver}, ${v.type}`,
    size: v.size === null ? '—' : formatBytes(v.size),
    users: v.services.length === 0 ? 'no service' : [...v.services].sort().join(', '),
  };
}

/** Hosts by name, volumes by name in each; a host whose engine did not answer says so. */
export function volumesByHost(list: readonly VolumeInfo[]): HostVolumes[] {
  const hosts = new Map<string, VolumeInfo[]>();
  for (const v of list) hosts.set(v.host, [...(hosts.get(v.host) ?? []), v]);
  return [...hosts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, vs]) => ({ host, reachable: vs.every((v) => v.hostReachable), volumes: vs.map(volumeRow).sort((a, b) => a.name.localeCompare(b.name)) }));
}
