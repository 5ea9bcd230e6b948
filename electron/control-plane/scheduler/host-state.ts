// A host as a placement round sees it. Each placed replica adds its reservations, host ports
// and count to its host, so the next replica of the round is judged against that.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { isHostLocal, volumeEngineName } from '../../../shared/volume.ts';
import type { HostCandidate } from './types.ts';

/** "stack/service", the key of HostCandidate.replicasByService. */
export function serviceKey(service: ServiceSpec): string {
  return `${service.stack}/${service.name}`;
}

/** "tcp/8080" for each port a replica binds on its own host. Ingress ports bind on no replica's host. */
export function hostPortKeys(service: ServiceSpec): string[] {
  return service.ports.filter((p) => p.mode === 'host' && p.published !== null).map((p) => `${p.protocol}/${p.published}`);
}

/** Engine names of the service's host-local named volumes (see isHostLocal). */
export function hostLocalVolumes(service: ServiceSpec): string[] {
  return [...new Set(service.volumes.filter(isHostLocal).map((v) => volumeEngineName(service.stack, v)))];
}

export function replicasOfService(host: HostCandidate, key: string): number {
  return host.replicasByService[key] ?? 0;
}

export function totalReplicas(host: HostCandidate): number {
  return Object.values(host.replicasByService).reduce((sum, n) => sum + n, 0);
}

function fraction(used: number, capacity: number): number {
  if (capacity > 0) return used / capacity;
  return used > 0 ? 1 : 0;
}

/** How full the host is by reservations: the mean of its CPU and memory fractions. */
export function reservedFraction(host: HostCandidate): number {
  return (fraction(host.reservedNanoCpus, host.nanoCpus) + fraction(host.reservedMemoryBytes, host.memoryBytes)) / 2;
}

/** The host with one more replica of the service on it. The input is left as it was. */
export function withReplica(host: HostCandidate, service: ServiceSpec): HostCandidate {
  const key = serviceKey(service);
  return {
    ...host,
    reservedNanoCpus: host.reservedNanoCpus + (service.reservations.nanoCpus ?? 0),
    reservedMemoryBytes: host.reservedMemoryBytes + (service.reservations.memoryBytes ?? 0),
    usedHostPorts: [...host.usedHostPorts, ...hostPortKeys(service)],
    replicasByService: { ...host.replicasByService, [key]: replicasOfService(host, key) + 1 },
    // the replica creates its host-local volumes there, and their data stays there
    volumes: [...new Set([...(host.volumes ?? []), ...hostLocalVolumes(service)])],
  };
}

/**
 * The host as if the service ran nothing there: what a fresh placement of the whole service
 * would judge against (a rollout's targets, a rebalance). The input is left as it was.
 */
export function withoutService(host: HostCandidate, service: ServiceSpec): HostCandidate {
  const key = serviceKey(service);
  const n = replicasOfService(host, key);
  if (n === 0) return host;
  const ports = [...host.usedHostPorts];
  for (let i = 0; i < n; i++) {
    for (const p of hostPortKeys(service)) {
      const at = ports.indexOf(p);
      if (at >= 0) ports.splice(at, 1);
    }
  }
  return {
    ...host,
    reservedNanoCpus: Math.max(0, host.reservedNanoCpus - n * (service.reservations.nanoCpus ?? 0)),
    reservedMemoryBytes: Math.max(0, host.reservedMemoryBytes - n * (service.reservations.memoryBytes ?? 0)),
    usedHostPorts: ports,
    replicasByService: { ...host.replicasByService, [key]: 0 },
  };
}

/** Plain code-unit order: the same on every machine, unlike localeCompare. */
export function byName(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
