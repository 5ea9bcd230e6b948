// Where new replicas of a service go: filter the hosts that can take one, rank those that can,
// take the best; one replica at a time, each counted into its host before the next is judged.
import { infeasibleReason } from './feasibility.ts';
import { byName, serviceKey, withReplica } from './host-state.ts';
import { compareRank, rankVector } from './ranking.ts';
import type { HostCandidate, HostVerdict, PlacementRequest, PlacementResult, PlacementState } from './types.ts';

interface Round {
  verdicts: HostVerdict[];
  best: string | null;
}

/** Judges every host for the next replica. `state.hosts` is sorted by name. */
function judgeNextReplica(request: PlacementRequest, state: PlacementState): Round {
  const ranked: Array<{ host: string; vector: number[] }> = [];
  const reasons = new Map<string, string | null>();
  for (const host of state.hosts) {
    const reason = infeasibleReason(request, host, state);
    reasons.set(host.name, reason);
    if (reason === null) ranked.push({ host: host.name, vector: rankVector(request, host, state) });
  }
  ranked.sort((a, b) => compareRank(a.vector, b.vector) || byName(a.host, b.host));
  // Dense rank: the worst distinct vector scores 0, each better one 1 more.
  const distinct = ranked.filter((r, i) => i === 0 || compareRank(ranked[i - 1]!.vector, r.vector) !== 0);
  const scoreOf = (vector: number[]) => distinct.length - 1 - distinct.findIndex((d) => compareRank(d.vector, vector) === 0);
  const scores = new Map(ranked.map((r) => [r.host, scoreOf(r.vector)]));
  const verdicts = state.hosts.map((h): HostVerdict => {
    const reason = reasons.get(h.name) ?? null;
    return { host: h.name, feasible: reason === null, reason, score: scores.get(h.name) ?? null };
  });
  return { verdicts, best: ranked[0]?.host ?? null };
}

function summarize(request: PlacementRequest, count: number, unplaced: number, verdicts: HostVerdict[]): string {
  const what = `${unplaced} of ${count} ${count === 1 ? 'replica' : 'replicas'} of ${serviceKey(request.service)} can't be placed`;
  if (verdicts.length === 0) return `${what}: there are no hosts`;
  return `${what}: ${verdicts.map((v) => `${v.host}: ${v.reason ?? 'feasible'}`).join('; ')}`;
}

export function placeReplicas(request: PlacementRequest, hosts: HostCandidate[]): PlacementResult {
  const count = Number.isFinite(request.count) ? Math.max(0, Math.floor(request.count)) : 0;
  let current: HostCandidate[] = [...hosts].sort((a, b) => byName(a.name, b.name));
  const placed: string[] = [];
  let verdicts: HostVerdict[] = [];
  while (placed.length < count) {
    const round = judgeNextReplica(request, { hosts: current });
    verdicts = round.verdicts;
    const best = round.best;
    if (best === null) break; // nothing changes between tries, so the rest fit nowhere either
    placed.push(best);
    current = current.map((h) => (h.name === best ? withReplica(h, request.service) : h));
  }
  const unplaced = count - placed.length;
  return { hosts: placed, unplaced, verdicts, summary: unplaced > 0 ? summarize(request, count, unplaced, verdicts) : null };
}
