// The reconciler's decision for one service, pure: from what is desired and what the hosts show,
// the list of actions that closes the gap. The same input always gives the same actions, and
// once the hosts match the desire it gives none (idempotent).
//
// Every replica has a numbered slot, its identity across restarts and replacements. A service has
// exactly `replicas` slots, chosen among those that exist (chooseSlots): the ones that serve are kept
// whatever their numbers, so removing the replica of slot 2 out of 1..3 leaves slots 1 and 3 as
// they are; only a missing slot gets a new number, the lowest free one. Per kept slot it keeps the
// one best replica and removes the rest; a slot with no good replica gets one: an exited replica
// is started again in place (at once the first time, with growing backoff when it keeps crashing),
// an unhealthy one is replaced, one on a lost host is replaced elsewhere after the grace period,
// and a replica of an older revision is replaced start-first, `update.parallelism` slots at a time.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import type { HostCandidate } from '../scheduler/types.ts';
import { isAlive, isAvailable, type ObservedReplica } from './replica.ts';

export interface DesiredState {
  spec: ServiceSpec;
  revision: number;
  containerHash: string;
  replicas: number;
  preferredHost: string | null;
  strategy: 'spread' | 'binpack';
}

export interface SlotHistory {
  /** Restarts in place since the slot was last stable. */
  crashes: number;
  lastRestartMs: number;
}

export interface DecideInput {
  desired: DesiredState | null; // null: the service is gone, remove everything
  replicas: ObservedReplica[];
  hosts: HostCandidate[];
  /** When each not-ready host was lost (ms); absent for ready hosts. */
  lostSinceMs: Record<string, number>;
  nowMs: number;
  graceMs: number;
  history: Record<number, SlotHistory>;
}

export type Action =
  | { kind: 'start'; slot: number; host: string; reason: string }
  | { kind: 'restart'; slot: number; id: string; host: string; reason: string }
  | { kind: 'remove'; slot: number; id: string; host: string; reason: string; graceful: boolean }
  | { kind: 'unplaced'; slots: number[]; reason: string };

export interface Decision {
  actions: Action[];
  /** Decide again at this time (a backoff or a grace period ends), if nothing else triggers first. */
  recheckAtMs: number | null;
}

export const CRASH_BACKOFF_FIRST_MS = 500;
export const CRASH_BACKOFF_MAX_MS = 30_000;

/** 0 for the first crash; then 0.5 s, 1 s, 2 s … up to 30 s. */
export function crashBackoffMs(crashes: number): number {
  if (crashes <= 0) return 0;
  return Math.min(CRASH_BACKOFF_MAX_MS, CRASH_BACKOFF_FIRST_MS * 2 ** (crashes - 1));
}

function byPreference(a: ObservedReplica, b: ObservedReplica, current: string): number {
  const rank = (r: ObservedReplica) => [
    r.containerHash === current ? 0 : 1, // the desired revision first
    isAvailable(r) ? 0 : 1,
    r.health === 'healthy' ? 0 : 1,
    -r.createdMs, // newer first
  ];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface SlotChoiceInput {
  replicas: ObservedReplica[];
  wanted: number;
  /** Hosts whose replicas can be acted on now. */
  ready: ReadonlySet<string>;
  /** When each not-ready host was lost (ms). */
  lostSinceMs: Record<string, number>;
  nowMs: number;
  graceMs: number;
}

export interface SlotChoice {
  /** Existing slots the service keeps, best first. */
  kept: number[];
  /** Slots to fill with new replicas: the lowest numbers no replica has. */
  added: number[];
}

/**
 * Which slots make up the service: `wanted` of the slots that exist, those that serve first (a
 * live replica on a ready host, then one on a host lost less than the grace period ago, then one
 * that can be started again in place), lower numbers first among equals. When fewer exist, the
 * lowest unused numbers are added. Pure and stable: the same replicas give the same choice.
 */
export function chooseSlots(input: SlotChoiceInput): SlotChoice {
  const { ready, nowMs, graceMs } = input;
  const wanted = Math.max(0, input.wanted);
  const tierOf = new Map<number, number>();
  for (const r of input.replicas) {
    const inGrace = !ready.has(r.host) && nowMs - (input.lostSinceMs[r.host] ?? nowMs) < graceMs;
    const tier = ready.has(r.host) && isAlive(r) ? 0 : inGrace && isAlive(r) ? 1 : ready.has(r.host) && (r.state === 'exited' || r.state === 'created') ? 2 : 3;
    tierOf.set(r.slot, Math.min(tier, tierOf.get(r.slot) ?? 3));
  }
  const existing = [...tierOf.keys()].sort((a, b) => tierOf.get(a)! - tierOf.get(b)! || a - b);
  const kept = existing.slice(0, wanted);
  const added: number[] = [];
  for (let slot = 1; kept.length + added.length < wanted; slot++) if (!tierOf.has(slot)) added.push(slot);
  return { kept, added };
}

export function decide(input: DecideInput): Decision {
  const { desired, hosts, nowMs, graceMs } = input;
  const ready = new Set(hosts.filter((h) => h.ready).map((h) => h.name));
  const actions: Action[] = [];
  let recheckAtMs: number | null = null;
  const recheck = (at: number) => {
    recheckAtMs = recheckAtMs === null ? at : Math.min(recheckAtMs, at);
  };
  const remove = (r: ObservedReplica, reason: string, graceful = true) =>
    actions.push({ kind: 'remove', slot: r.slot, id: r.id, host: r.host, reason, graceful: graceful && r.state === 'running' });

  const wanted = desired?.replicas ?? 0;
  const current = desired?.containerHash ?? '';
  const bySlot = new Map<number, ObservedReplica[]>();
  for (const r of input.replicas) bySlot.set(r.slot, [...(bySlot.get(r.slot) ?? []), r]);

  const choice = chooseSlots({ replicas: input.replicas, wanted, ready, lostSinceMs: input.lostSinceMs, nowMs, graceMs });
  const kept = new Set(choice.kept);
  // Slots the service no longer has (scale down, or a removed service): everything there goes.
  for (const [slot, rs] of bySlot) {
    if (kept.has(slot)) continue;
    for (const r of rs) if (ready.has(r.host)) remove(r, desired ? `scaled to ${wanted}` : 'the service was removed');
  }
  if (!desired) return { actions, recheckAtMs: null };

  const needNew: { slot: number; avoid: string[]; reason: string }[] = [];
  let updating = 0; // slots replacing an older revision right now
  const staleSlots: { slot: number; keep: ObservedReplica }[] = [];

  for (const slot of [...choice.kept, ...choice.added].sort((a, b) => a - b)) {
    const rs = [...(bySlot.get(slot) ?? [])].sort((a, b) => byPreference(a, b, current));
    const onReady = rs.filter((r) => ready.has(r.host));
    // A replica on a host lost less than the grace period ago still counts: the host may be back.
    const lostButInGrace = rs.filter((r) => !ready.has(r.host) && isAlive(r) && nowMs - (input.lostSinceMs[r.host] ?? nowMs) < graceMs);
    const alive = onReady.filter(isAlive);
    const keep = alive[0] ?? null;

    if (keep && keep.containerHash === current) {
      // The slot is served. An older-revision replica still available stays until the new one is.
      const oldAvailable = alive.find((r) => r !== keep && r.containerHash !== current && isAvailable(r));
      const holdOld = oldAvailable && !isAvailable(keep) ? oldAvailable : null;
      if (holdOld) updating++;
      for (const r of onReady) if (r !== keep && r !== holdOld) remove(r, r.health === 'unhealthy' ? 'unhealthy' : r.state === 'running' ? 'surplus replica in this slot' : `left over (${r.state})`);
      continue;
    }

    if (keep && keep.containerHash !== current) {
      // Serving, but an older revision: replace it start-first, a few slots at a time.
      for (const r of onReady) if (r !== keep) remove(r, r.health === 'unhealthy' ? 'unhealthy' : `left over (${r.state})`);
      staleSlots.push({ slot, keep });
      continue;
    }

    if (lostButInGrace.length > 0) {
      const lostAt = Math.min(...lostButInGrace.map((r) => input.lostSinceMs[r.host] ?? nowMs));
      recheck(lostAt + graceMs);
      for (const r of onReady) remove(r, `left over (${r.state})`);
      continue;
    }

    // Nothing serves this slot. Start again in place what stopped (the current revision, on a
    // ready host, not unhealthy); replace anything else.
    const stopped = onReady.find((r) => r.containerHash === current && (r.state === 'exited' || r.state === 'created'));
    if (stopped) {
      const h = input.history[slot] ?? { crashes: 0, lastRestartMs: 0 };
      const wait = crashBackoffMs(h.crashes);
      if (nowMs < h.lastRestartMs + wait) {
        recheck(h.lastRestartMs + wait);
      } else {
        actions.push({ kind: 'restart', slot, id: stopped.id, host: stopped.host, reason: stopped.exitCode === null ? 'not running' : `exited with code ${stopped.exitCode}` });
      }
      for (const r of onReady) if (r !== stopped) remove(r, r.health === 'unhealthy' ? 'unhealthy' : `left over (${r.state})`);
      continue;
    }
    const unhealthy = onReady.filter((r) => r.health === 'unhealthy');
    const lost = rs.filter((r) => !ready.has(r.host));
    for (const r of onReady) remove(r, r.health === 'unhealthy' ? 'unhealthy' : `left over (${r.state})`);
    needNew.push({
      slot,
      avoid: [...unhealthy.map((r) => r.host)],
      reason: unhealthy.length ? 'replacing an unhealthy replica' : lost.length ? `replacing a replica on lost host ${lost[0]!.host}` : 'missing replica',
    });
  }

  // Rolling replacement of older revisions, start-first, `parallelism` slots at a time (0 = all).
  const parallelism = desired.spec.update.parallelism || Infinity;
  for (const s of staleSlots) {
    if (updating >= parallelism) break;
    updating++;
    needNew.push({ slot: s.slot, avoid: [], reason: `updating to revision ${desired.revision}` });
  }

  if (needNew.length > 0) {
    const placement = placeReplicas(
      {
        service: desired.spec,
        count: needNew.length,
        strategy: desired.strategy,
        avoidHosts: [...new Set(needNew.flatMap((n) => n.avoid))],
        ...(desired.preferredHost ? { preferHost: desired.preferredHost } : {}),
      },
      hosts,
    );
    placement.hosts.forEach((host, i) => {
      const n = needNew[i]!;
      actions.push({ kind: 'start', slot: n.slot, host, reason: n.reason });
    });
    const unplacedSlots = needNew.slice(placement.hosts.length).map((n) => n.slot);
    if (unplacedSlots.length > 0) {
      actions.push({ kind: 'unplaced', slots: unplacedSlots, reason: placement.summary ?? `${unplacedSlots.length} of ${needNew.length} new replicas can't be placed: no host can take them` });
    }
  }
  return { actions, recheckAtMs };
}
