// The feasibility filters, Nomad-style: each says why a host can't take the next replica, or
// null. They run in this order and the first reason found is the host's verdict.
import { meetsConstraints } from './constraints.ts';
import { formatCpus, formatMemory, cpuAmount } from './format-resources.ts';
import { hostLocalVolumes, hostPortKeys, replicasOfService, serviceKey } from './host-state.ts';
import { hostPlatform, platformMatches } from '../../../shared/platform.ts';
import type { FeasibilityCheck, HostCandidate, PlacementRequest, PlacementState } from './types.ts';

export function isReady(_request: PlacementRequest, host: HostCandidate): string | null {
  return host.ready ? null : 'not ready (unreachable or draining)';
}

export function isNotDrained(_request: PlacementRequest, host: HostCandidate): string | null {
  return host.drained ? `drained (baton host activate ${host.name} lets it take replicas again)` : null;
}

/** `platform: linux/arm64`: the host's engine must run that platform's images. */
export function runsPlatform(request: PlacementRequest, host: HostCandidate): string | null {
  const wanted = request.service.container?.platform;
  if (wanted === undefined) return null;
  if (!host.platform) return `its platform is not known yet (its engine has not answered), and the service asks for ${wanted}`;
  const { osType, architecture } = host.platform;
  if (platformMatches(wanted, osType, architecture)) return null;
  return `runs ${hostPlatform(osType, architecture)} (${architecture}), and the service asks for ${wanted}`;
}

/**
 * A host-local named volume's data lives on the host that has it: a replica using it runs there,
 * or its data would be an empty volume elsewhere. Before any host has it, the first replica placed
 * creates it (withReplica counts it in), so the rest of the round follow.
 */
export function hasPinnedVolumes(request: PlacementRequest, host: HostCandidate, state: PlacementState): string | null {
  const elsewhere: string[] = [];
  for (const name of hostLocalVolumes(request.service)) {
    if (host.volumes?.includes(name)) continue;
    const holders = state.hosts.filter((h) => h.volumes?.includes(name)).map((h) => h.name);
    if (holders.length > 0) elsewhere.push(`volume ${name}'s data is on ${holders.join(' and ')}`);
  }
  return elsewhere.length === 0 ? null : elsewhere.join(', ');
}

export function isUnderMaxReplicas(request: PlacementRequest, host: HostCandidate): string | null {
  const max = request.service.placement.maxReplicasPerHost;
  if (max === null || max <= 0) return null; // 0 means no limit, as in Swarm's max_replicas_per_node
  const key = serviceKey(request.service);
  const here = replicasOfService(host, key);
  return here < max ? null : `already runs ${here} ${here === 1 ? 'replica' : 'replicas'} of ${key} (max ${max} per host)`;
}

export function hasFreeHostPorts(request: PlacementRequest, host: HostCandidate): string | null {
  const used = new Set(host.usedHostPorts);
  const taken = [...new Set(hostPortKeys(request.service).filter((p) => used.has(p)))];
  if (taken.length === 0) return null;
  return `host ${taken.length === 1 ? 'port' : 'ports'} ${taken.join(', ')} already in use`;
}

/** Reservations, not limits: a service that reserves nothing fits on any ready host. */
export function hasUnreservedResources(request: PlacementRequest, host: HostCandidate): string | null {
  const { nanoCpus, memoryBytes } = request.service.reservations;
  const freeCpus = host.nanoCpus - host.reservedNanoCpus;
  const freeMemory = host.memoryBytes - host.reservedMemoryBytes;
  const short: string[] = [];
  if (nanoCpus !== null && nanoCpus > 0 && nanoCpus > freeCpus) {
    short.push(`${formatCpus(nanoCpus)}, ${cpuAmount(freeCpus, 'down')} unreserved`);
  }
  if (memoryBytes !== null && memoryBytes > 0 && memoryBytes > freeMemory) {
    short.push(`${formatMemory(memoryBytes)} memory, ${formatMemory(freeMemory, 'down')} unreserved`);
  }
  return short.length === 0 ? null : `needs ${short.join(', and ')}`;
}

export const FEASIBILITY_CHECKS: readonly FeasibilityCheck[] = [
  isReady,
  isNotDrained,
  runsPlatform,
  meetsConstraints,
  hasPinnedVolumes,
  isUnderMaxReplicas,
  hasFreeHostPorts,
  hasUnreservedResources,
];

export function infeasibleReason(request: PlacementRequest, host: HostCandidate, state: PlacementState): string | null {
  for (const check of FEASIBILITY_CHECKS) {
    const reason = check(request, host, state);
    if (reason !== null) return reason;
  }
  return null;
}
