// Ranking the feasible hosts, Nomad-style components compared in priority order (each a list of
// numbers, higher first): a person's preferHost, then Swarm's spread preferences, then the
// avoidHosts penalty, then the strategy. Whatever is still tied goes by host name.
import { readField } from './constraints.ts';
import { replicasOfService, reservedFraction, serviceKey, totalReplicas, withReplica } from './host-state.ts';
import type { HostCandidate, PlacementRequest, PlacementState, RankScore } from './types.ts';

export function preferredHost(request: PlacementRequest, host: HostCandidate): number[] {
  return [host.name === request.preferHost ? 1 : 0];
}

function spreadValue(host: HostCandidate, field: string): string {
  const found = readField(host, field);
  return found.kind === 'value' ? found.value : ''; // hosts without the label form one group, as in Swarm
}

/**
 * Swarm's spread preference: balance the service's replicas across the values of each label,
 * the first label first, then within its value the next. Fewer replicas in the host's group
 * ranks higher, however many hosts the group has. Replicas on hosts that aren't ready are going
 * away and don't count.
 */
export function spreadOverBalance(request: PlacementRequest, host: HostCandidate, state: PlacementState): number[] {
  const fields = request.service.placement.spreadOver;
  const key = serviceKey(request.service);
  const path = (h: HostCandidate) => fields.map((f) => spreadValue(h, f));
  const mine = path(host);
  const ready = state.hosts.filter((h) => h.ready);
  return fields.map((_, level) => {
    const inGroup = ready.filter((h) => path(h).slice(0, level + 1).every((v, i) => v === mine[i]));
    return -inGroup.reduce((sum, h) => sum + replicasOfService(h, key), 0);
  });
}

/** A penalty, not a filter: an avoided host still takes the replica when nothing else can. */
export function notAvoided(request: PlacementRequest, host: HostCandidate): number[] {
  return [request.avoidHosts?.includes(host.name) ? 0 : 1];
}

/**
 * spread: fewest replicas of this service, then fewest replicas overall, then least reserved.
 * binpack: most reserved after placing (best fit, filling hosts up), then most replicas; its only
 * anti-affinity is placement.maxReplicasPerHost, a filter.
 */
export function strategyFit(request: PlacementRequest, host: HostCandidate): number[] {
  const key = serviceKey(request.service);
  const fullness = reservedFraction(withReplica(host, request.service));
  if (request.strategy === 'binpack') return [fullness, replicasOfService(host, key), totalReplicas(host)];
  return [-replicasOfService(host, key), -totalReplicas(host), -fullness];
}

export const RANKING: readonly RankScore[] = [preferredHost, spreadOverBalance, notAvoided, strategyFit];

export function rankVector(request: PlacementRequest, host: HostCandidate, state: PlacementState): number[] {
  return RANKING.flatMap((score) => score(request, host, state));
}

/** Negative when `a` ranks before `b`. */
export function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (b[i] ?? 0) - (a[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
