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
// an unhealthy one is replaced, one on a lost host is replaced elsewhere after the grace period.
//
// Replacing what serves but should not stay (a replica of an older revision, one on a drained
// host, one a rebalance moves) is one path, paced by the rollout's gate (rollout.ts): so many
// slots at a time, start-first (the old one leaves once the new one is available) or stop-first.
// The new replicas go where a fresh placement of the whole service would put them, so a rollout
// leaves the service spread as the scheduler would spread it; a replica that would land on its
// own host with a host-mode port there is replaced stop-first, the only way it fits.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { hostPortKeys, withReplica, withoutService } from '../scheduler/host-state.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import type { HostCandidate } from '../scheduler/types.ts';
import { isAlive, isAvailable, type ObservedReplica } from './replica.ts';
import { MOVE_GATE, type RolloutGate } from './rollout.ts';

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
  /** How replacements proceed now (the rollout's gate); one at a time, start-first, when absent. */
  gate?: RolloutGate;
  /** Move replicas toward an even spread when hosts differ by 2 or more (spread strategy only). */
  rebalance?: boolean;
  /**
   * Replicas a person stopped (`baton replica stop`): never started again in place. Their slot
   * gets a new replica where the scheduler puts it, and the stopped container goes.
   */
  stoppedOnRequest?: ReadonlySet<string>;
}

export type Action =
  | { kind: 'start'; slot: number; host: string; reason: string }
  | { kind: 'restart'; slot: number; id: string; host: string; reason: string }
  | { kind: 'remove'; slot: number; id: string; host: string; reason: string; graceful: boolean }
  /** Stop-first: drain and remove `id` on `host`, then start the slot's new replica on `newHost`. */
  | { kind: 'replace'; slot: number; id: string; host: string; newHost: string; reason: string; graceful: boolean }
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

function byPreference(a: ObservedReplica, b: ObservedReplica, current: string, drained: ReadonlySet<string>): number {
  const rank = (r: ObservedReplica) => [
    r.containerHash === current ? 0 : 1, // the desired revision first
    drained.has(r.host) ? 1 : 0, // then one that may stay where it is
    // of the desired revision the newest: a second one in a slot is the one a move started,
    // and the older one is held until it is available; of older revisions the one that serves
    r.containerHash === current ? 0 : isAvailable(r) ? 0 : 1,
    r.containerHash === current ? 0 : r.health === 'healthy' ? 0 : 1,
    -r.createdMs,
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
  let updating = 0; // slots replacing a replica right now (the new one started, the old one held)
  const replaceable: { slot: number; keep: ObservedReplica; reason: string }[] = [];
  const served: ObservedReplica[] = []; // current, settled replicas that may stay where they are
  const holding: ObservedReplica[] = []; // new replicas of a replacement under way
  const drained = new Set(hosts.filter((h) => h.drained).map((h) => h.name));

  for (const slot of [...choice.kept, ...choice.added].sort((a, b) => a - b)) {
    const rs = [...(bySlot.get(slot) ?? [])].sort((a, b) => byPreference(a, b, current, drained));
    const onReady = rs.filter((r) => ready.has(r.host));
    // A replica on a host lost less than the grace period ago still counts: the host may be back.
    const lostButInGrace = rs.filter((r) => !ready.has(r.host) && isAlive(r) && nowMs - (input.lostSinceMs[r.host] ?? nowMs) < graceMs);
    const alive = onReady.filter(isAlive);
    const keep = alive[0] ?? null;

    if (keep && keep.containerHash === current) {
      // The slot is served. The replica it replaces (older, or on a drained host) stays available
      // until the new one is.
      const oldAvailable = alive.find((r) => r !== keep && isAvailable(r));
      const holdOld = oldAvailable && !isAvailable(keep) ? oldAvailable : null;
      if (holdOld) {
        updating++;
        holding.push(keep);
      }
      for (const r of onReady) if (r !== keep && r !== holdOld) remove(r, r.health === 'unhealthy' ? 'unhealthy' : r.state === 'running' ? 'surplus replica in this slot' : `left over (${r.state})`);
      if (!holdOld && drained.has(keep.host)) replaceable.push({ slot, keep, reason: `moving off drained host ${keep.host}` });
      else if (!holdOld) served.push(keep);
      continue;
    }

    if (keep && keep.containerHash !== current) {
      // Serving, but an older revision: replace it start-first, a few slots at a time.
      for (const r of onReady) if (r !== keep) remove(r, r.health === 'unhealthy' ? 'unhealthy' : `left over (${r.state})`);
      replaceable.push({ slot, keep, reason: `updating to revision ${desired.revision}` });
      continue;
    }

    if (lostButInGrace.length > 0) {
      const lostAt = Math.min(...lostButInGrace.map((r) => input.lostSinceMs[r.host] ?? nowMs));
      recheck(lostAt + graceMs);
      for (const r of onReady) remove(r, `left over (${r.state})`);
      continue;
    }

    // Nothing serves this slot. Start again in place what stopped (the current revision, on a
    // ready host, not unhealthy, not stopped by a person); replace anything else.
    const onRequest = (r: ObservedReplica) => input.stoppedOnRequest?.has(r.id) === true;
    const stopped = onReady.find((r) => r.containerHash === current && (r.state === 'exited' || r.state === 'created') && !onRequest(r));
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
    for (const r of onReady) remove(r, onRequest(r) ? 'stopped on request' : r.health === 'unhealthy' ? 'unhealthy' : `left over (${r.state})`);
    needNew.push({
      slot,
      avoid: [...unhealthy.map((r) => r.host)],
      reason: unhealthy.length ? 'replacing an unhealthy replica' : onReady.some(onRequest) ? 'replacing a replica stopped on request' : lost.length ? `replacing a replica on lost host ${lost[0]!.host}` : 'missing replica',
    });
  }

  // Replacements (older revisions, drained hosts, then a rebalance), as the gate allows.
  const gate = input.gate ?? MOVE_GATE;
  const mayRebalance = replaceable.length === 0 && needNew.length === 0 && updating === 0 && input.rebalance === true && desired.strategy === 'spread' && desired.preferredHost === null && served.length > 1;
  // the fresh placement's hosts, less those that settled replicas of this revision hold already
  const fresh = replaceable.length > 0 || mayRebalance ? freshPlacement(desired, hosts) : [];
  const open = [...fresh];
  for (const r of [...served, ...holding]) {
    const at = open.indexOf(r.host);
    if (at >= 0) open.splice(at, 1);
  }
  if (mayRebalance) {
    const move = rebalanceMove(served, open, fresh, hosts, desired);
    if (move) replaceable.push(move);
  }
  let working = hosts;
  const budget = gate.mayStart ? gate.parallelism - updating : 0;
  const hostPorts = hostPortKeys(desired.spec).length > 0;
  for (const s of replaceable.slice(0, Math.max(0, budget))) {
    const target = replacementHost(s.keep, open, working, desired);
    if (target === null) {
      needNew.push({ slot: s.slot, avoid: [], reason: s.reason }); // reported unplaced below; the old one stays
      continue;
    }
    open.splice(open.indexOf(target), 1);
    working = working.map((h) => (h.name === target ? withReplica(h, desired.spec) : h));
    if (gate.order === 'stop-first' || (target === s.keep.host && hostPorts)) {
      actions.push({ kind: 'replace', slot: s.slot, id: s.keep.id, host: s.keep.host, newHost: target, reason: s.reason, graceful: s.keep.state === 'running' });
    } else {
      actions.push({ kind: 'start', slot: s.slot, host: target, reason: s.reason });
    }
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
      working,
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

/** Where the scheduler would put every replica of the service if none ran yet. */
function freshPlacement(desired: DesiredState, hosts: HostCandidate[]): string[] {
  return placeReplicas({ service: desired.spec, count: desired.replicas, strategy: desired.strategy }, hosts.map((h) => withoutService(h, desired.spec))).hosts;
}

/** Can this host take one more replica now, as the hosts are? */
function fits(desired: DesiredState, host: HostCandidate): boolean {
  return placeReplicas({ service: desired.spec, count: 1, strategy: desired.strategy }, [host]).hosts.length === 1;
}

/**
 * The host for the replica that replaces `old`: its own host when a fresh placement keeps one
 * there (a host port there is then freed first, stop-first), else another host the fresh
 * placement wants that can take it now, else wherever the scheduler puts it now; null: nowhere.
 */
function replacementHost(old: ObservedReplica, open: string[], hosts: HostCandidate[], desired: DesiredState): string | null {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const own = byName.get(old.host);
  if (open.includes(old.host) && own && !own.drained && own.ready) {
    if (hostPortKeys(desired.spec).length > 0 || fits(desired, own)) return old.host;
  }
  for (const name of open) {
    const h = byName.get(name);
    if (h && name !== old.host && fits(desired, h)) return name;
  }
  const anywhere = placeReplicas({ service: desired.spec, count: 1, strategy: desired.strategy }, hosts).hosts[0];
  return anywhere ?? null;
}

/**
 * One move toward the fresh placement's spread: from the host with the most replicas above its
 * share to one below its share, only when they differ by 2 or more (a difference of 1 is as even
 * as the count allows, and moving it would only swap hosts back and forth).
 */
function rebalanceMove(served: ObservedReplica[], open: string[], fresh: string[], hosts: HostCandidate[], desired: DesiredState): { slot: number; keep: ObservedReplica; reason: string } | null {
  if (open.length === 0) return null;
  const count = (host: string) => served.filter((r) => r.host === host).length;
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const under = [...new Set(open)].filter((h) => byName.get(h)?.ready && !byName.get(h)?.drained && fits(desired, byName.get(h)!)).sort((a, b) => count(a) - count(b) || (a < b ? -1 : 1))[0];
  if (!under) return null;
  const share = (host: string) => fresh.filter((h) => h === host).length;
  const over = [...new Set(served.map((r) => r.host))].filter((h) => count(h) > share(h)).sort((a, b) => count(b) - count(a) || (a < b ? -1 : 1))[0];
  if (!over || count(over) - count(under) < 2) return null;
  const keep = served.filter((r) => r.host === over).sort((a, b) => b.slot - a.slot)[0]!;
  return { slot: keep.slot, keep, reason: `rebalancing: ${over} runs ${count(over)}, ${under} runs ${count(under)}` };
}
