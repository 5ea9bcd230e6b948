// A service's rollout as a pure state machine: (rollout record, what the hosts show) → (the next
// record, the events to write, and the gate the reconciler's decision obeys). It decides when
// replicas of another revision may be replaced and how many at once, notices new replicas that
// fail, and pauses, rolls back or carries on as the update policy says. The record is stored
// after every step, so a control plane killed mid-rollout carries on from the hosts and the record.
//
// What it does not do: choose slots or hosts, start or stop anything (decide.ts and the executor).
import type { EventKind } from '../../../shared/events.ts';
import type { UpdatePolicy } from '../../../shared/stack.ts';
import { isActive, type RolloutFailure, type RolloutRecord } from '../../../shared/rollout.ts';
import { isAlive, isAvailable, type ObservedReplica } from './replica.ts';

export const DEFAULT_PROGRESS_DEADLINE_MS = 600_000;

export interface RolloutTarget {
  revision: number;
  containerHash: string;
  replicas: number;
  update: UpdatePolicy;
  rollback: UpdatePolicy;
  progressDeadlineMs: number;
}

export interface RolloutInput {
  record: RolloutRecord | null;
  target: RolloutTarget;
  /** The service's replicas on ready hosts. */
  replicas: ObservedReplica[];
  nowMs: number;
  /** Replica id → what its failure looked like (last health check output), where known. */
  failureDetail?: Record<string, string>;
}

/** What decide.ts may do with replicas that must be replaced (another revision, or moved). */
export interface RolloutGate {
  /** False while paused or between batches: nothing is replaced, healing goes on. */
  mayStart: boolean;
  /** Slots replaced at once (Infinity: all). */
  parallelism: number;
  order: 'start-first' | 'stop-first';
}

export interface RolloutEvent {
  kind: Extract<EventKind, `rollout.${string}`>;
  severity?: 'info' | 'warning' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export interface RolloutStep {
  next: RolloutRecord | null;
  gate: RolloutGate;
  events: RolloutEvent[];
  /** Set the service's desired revision to this (an automatic rollback). */
  revertTo: number | null;
  recheckAtMs: number | null;
}

/** Moves (drain, rebalance) outside a rollout: one replica at a time, the new one first. */
export const MOVE_GATE: RolloutGate = { mayStart: true, parallelism: 1, order: 'start-first' };

function parallelismOf(policy: UpdatePolicy): number {
  return policy.parallelism > 0 ? policy.parallelism : Infinity;
}

interface Counts {
  /** Alive replicas of the target revision, available ones, and those starting. */
  updated: number;
  available: number;
  inFlight: number;
  /** Alive replicas of any other revision. */
  old: number;
  oldRevisions: number[];
}

export function countReplicas(replicas: ObservedReplica[], containerHash: string): Counts {
  const current = replicas.filter((r) => r.containerHash === containerHash && isAlive(r));
  const old = replicas.filter((r) => r.containerHash !== containerHash && isAlive(r));
  const available = current.filter(isAvailable).length;
  return { updated: current.length, available, inFlight: current.length - available, old: old.length, oldRevisions: [...new Set(old.map((r) => r.revision))].sort((a, b) => b - a) };
}

/** A new replica that failed: unhealthy, or exited/dead, or exited and being restarted by Docker. */
function failedNow(r: ObservedReplica): boolean {
  return r.health === 'unhealthy' || r.state === 'exited' || r.state === 'dead' || r.state === 'restarting';
}

function describeFailure(r: ObservedReplica, detail: string | undefined): string {
  if (r.health === 'unhealthy') return `health check failed${detail ? `: ${detail}` : ''}`;
  return `exited with code ${r.exitCode ?? '?'}${detail ? `: ${detail}` : ''}`;
}

function begin(input: RolloutInput, fromRevision: number | null, id: number): RolloutRecord {
  const { target, nowMs } = input;
  return {
    id,
    kind: 'update',
    phase: 'rolling',
    toRevision: target.revision,
    fromRevision,
    failedRevision: null,
    policy: target.update,
    progressDeadlineMs: target.progressDeadlineMs,
    reason: null,
    startedAtMs: nowMs,
    lastProgressAtMs: nowMs,
    endedAtMs: null,
    nextBatchAtMs: 0,
    inFlight: 0,
    available: 0,
    seenAvailable: [],
    failures: [],
    pausedByUser: false,
  };
}

/** A rollback of `record` (its failures, or a person's undo) to `toRevision`, under rollback_config. */
export function rollbackRecord(record: RolloutRecord | null, toRevision: number, failedRevision: number, policy: UpdatePolicy, progressDeadlineMs: number, nowMs: number, reason: string): RolloutRecord {
  return {
    id: (record?.id ?? 0) + (record && isActive(record) ? 0 : 1),
    kind: 'rollback',
    phase: 'rolling-back',
    toRevision,
    fromRevision: null, // a rollback that fails pauses: there is nothing older to fall back to
    failedRevision,
    policy,
    progressDeadlineMs,
    reason,
    startedAtMs: nowMs,
    lastProgressAtMs: nowMs,
    endedAtMs: null,
    nextBatchAtMs: 0,
    inFlight: 0,
    available: 0,
    seenAvailable: [],
    failures: record && isActive(record) ? record.failures : [],
    pausedByUser: false,
  };
}

export function stepRollout(input: RolloutInput): RolloutStep {
  const { target, nowMs } = input;
  const counts = countReplicas(input.replicas, target.containerHash);
  const events: RolloutEvent[] = [];
  let record = input.record;
  let recheckAtMs: number | null = null;
  const recheck = (at: number) => {
    recheckAtMs = recheckAtMs === null ? at : Math.min(recheckAtMs, at);
  };
  const idle: RolloutStep = { next: record, gate: MOVE_GATE, events, revertTo: null, recheckAtMs: null };

  // A rollout begins when replicas of another revision serve a service whose desired revision
  // changed; a newer revision during a rollout retargets it (the last good revision stays).
  if (!isActive(record) || record.toRevision !== target.revision) {
    if (counts.old === 0) {
      if (isActive(record)) {
        // retargeted to a revision whose containers are the same as the old ones: nothing to move
        record = { ...record, phase: record.kind === 'rollback' ? 'rolled-back' : 'completed', toRevision: target.revision, endedAtMs: nowMs };
        events.push({ kind: 'rollout.completed', message: `rollout ${record.id} ended: revision ${target.revision} is what runs already` });
        return { ...idle, next: record, events };
      }
      return idle;
    }
    const retarget = isActive(record);
    const from = retarget ? (record!.kind === 'rollback' ? record!.toRevision : record!.fromRevision) : (counts.oldRevisions[0] ?? null);
    const next = begin(input, from, retarget ? record!.id : (record?.id ?? 0) + 1);
    events.push(
      retarget
        ? { kind: 'rollout.retargeted', message: `rollout ${next.id} now goes to revision ${target.revision} (was ${record!.toRevision}); replicas of every older revision are replaced`, data: { from: record!.toRevision, to: target.revision } }
        : { kind: 'rollout.started', message: `rollout ${next.id}: revision ${from ?? '?'} → ${target.revision}, ${target.replicas} replica(s), ${describePolicy(target.update)}`, data: { fromRevision: from, toRevision: target.revision } },
    );
    record = next;
  }
  let next: RolloutRecord = { ...record };

  // Progress: a new replica became available. It also ends a batch for the delay.
  const availableIds = input.replicas.filter((r) => r.containerHash === target.containerHash && isAvailable(r)).map((r) => r.id);
  const seen = new Set(next.seenAvailable);
  for (const id of availableIds) seen.add(id);
  next.seenAvailable = [...seen].filter((id) => input.replicas.some((r) => r.id === id));
  if (counts.available > next.available) {
    next.lastProgressAtMs = nowMs;
    events.push({ kind: 'rollout.progress', message: `rollout ${next.id}: ${counts.available} of ${target.replicas} replica(s) on revision ${target.revision} healthy, ${counts.old} of older revisions left`, data: { available: counts.available, old: counts.old, desired: target.replicas } });
  }
  if (next.inFlight > 0 && counts.inFlight === 0) next.nextBatchAtMs = nowMs + next.policy.delayMs;
  next.available = counts.available;
  next.inFlight = counts.inFlight;

  // Failures: a new replica that fails before it was ever available, or within `monitor` of being.
  const known = new Set(next.failures.map((f) => f.replica));
  const fresh: RolloutFailure[] = [];
  for (const r of input.replicas) {
    if (r.containerHash !== target.containerHash || !failedNow(r) || known.has(r.name)) continue;
    if (seen.has(r.id) && nowMs - r.createdMs > next.policy.monitorMs) continue;
    fresh.push({ replica: r.name, slot: r.slot, host: r.host, revision: target.revision, reason: describeFailure(r, input.failureDetail?.[r.id]), atMs: nowMs });
  }
  for (const f of fresh) {
    events.push({ kind: 'rollout.replica-failed', severity: 'warning', message: `rollout ${next.id}: ${f.replica} on ${f.host} (revision ${f.revision}) failed: ${f.reason}`, data: { ...f } });
  }
  next.failures = [...next.failures, ...fresh].slice(-50);

  const rollingBack = next.phase === 'rolling-back';
  const failuresNow = next.failures.filter((f) => f.revision === target.revision).length;
  const overRatio = fresh.length > 0 && failuresNow / Math.max(1, target.replicas) > next.policy.maxFailureRatio;
  const deadlinePassed = next.phase !== 'paused' && nowMs - next.lastProgressAtMs > next.progressDeadlineMs && counts.old + Math.max(0, target.replicas - counts.available) > 0;
  if (overRatio || deadlinePassed) {
    const why = overRatio
      ? `${failuresNow} of ${target.replicas} new replica(s) failed (max_failure_ratio ${next.policy.maxFailureRatio}): ${next.failures.filter((f) => f.revision === target.revision).map((f) => `${f.replica}: ${f.reason}`).join('; ')}`
      : `no progress for ${Math.round(next.progressDeadlineMs / 1000)} s (the progress deadline): ${counts.available} of ${target.replicas} replica(s) healthy on revision ${target.revision}`;
    const action = next.policy.failureAction;
    if (action === 'rollback' && !rollingBack && next.fromRevision !== null && next.fromRevision !== target.revision) {
      const back = rollbackRecord(next, next.fromRevision, target.revision, target.rollback, next.progressDeadlineMs, nowMs, why);
      events.push({ kind: 'rollout.rolling-back', severity: 'error', message: `rollout ${next.id}: revision ${target.revision} failed, rolling back to revision ${next.fromRevision}: ${why}`, data: { failedRevision: target.revision, toRevision: next.fromRevision, replicas: next.failures.filter((f) => f.revision === target.revision).map((f) => f.replica), reason: why } });
      return { next: back, gate: { mayStart: true, parallelism: parallelismOf(back.policy), order: back.policy.order }, events, revertTo: next.fromRevision, recheckAtMs: nowMs + 1000 };
    }
    if (action !== 'continue' || deadlinePassed) {
      next = { ...next, phase: 'paused', reason: why, pausedByUser: false };
      events.push({ kind: 'rollout.paused', severity: 'error', message: `rollout ${next.id} paused: ${why}. The replicas that serve keep serving; fix the service and apply again, resume with: baton rollout resume, or roll back with: baton rollout undo`, data: { reason: why } });
    }
  }

  if (next.phase === 'paused') return { next, gate: { mayStart: false, parallelism: 0, order: next.policy.order }, events, revertTo: null, recheckAtMs: null };

  // Done: nothing older left, every replica healthy, and the last one has been watched for `monitor`.
  if (counts.old === 0 && counts.available >= target.replicas && counts.inFlight === 0) {
    const doneAt = next.lastProgressAtMs + next.policy.monitorMs;
    if (nowMs >= doneAt) {
      next = { ...next, phase: next.kind === 'rollback' || rollingBack ? 'rolled-back' : 'completed', endedAtMs: nowMs, seenAvailable: [] };
      events.push({
        kind: next.phase === 'completed' ? 'rollout.completed' : 'rollout.rolled-back',
        message: next.phase === 'completed' ? `rollout ${next.id} completed: ${target.replicas} replica(s) on revision ${target.revision}` : `rollout ${next.id} rolled back: ${target.replicas} replica(s) on revision ${target.revision}${next.failedRevision !== null ? ` (revision ${next.failedRevision} undone)` : ''}`,
        data: { revision: target.revision, replicas: target.replicas },
      });
      return { next, gate: MOVE_GATE, events, revertTo: null, recheckAtMs: null };
    }
    recheck(doneAt);
  }

  recheck(next.lastProgressAtMs + next.progressDeadlineMs + 1);
  const delayed = next.policy.delayMs > 0 && (counts.inFlight > 0 || nowMs < next.nextBatchAtMs);
  if (delayed && counts.inFlight === 0) recheck(next.nextBatchAtMs);
  return { next, gate: { mayStart: !delayed, parallelism: parallelismOf(next.policy), order: next.policy.order }, events, revertTo: null, recheckAtMs };
}

export function describePolicy(p: UpdatePolicy): string {
  return `${p.order}, ${p.parallelism || 'all'} at a time${p.delayMs ? `, ${p.delayMs / 1000} s apart` : ''}, on failure ${p.failureAction}`;
}

/** What a rollout waits for now, in words (`baton rollout status`). */
export function waitingFor(record: RolloutRecord | null, counts: Counts, desired: number, nowMs: number): string | null {
  if (!isActive(record)) return null;
  if (record.phase === 'paused') return record.pausedByUser ? 'paused by hand: baton rollout resume' : `paused: ${record.reason ?? 'a failure'}`;
  if (counts.inFlight > 0) return `${counts.inFlight} new replica(s) to become healthy`;
  if (nowMs < record.nextBatchAtMs) return `the delay between batches (${Math.ceil((record.nextBatchAtMs - nowMs) / 1000)} s)`;
  if (counts.old > 0) return `${counts.old} replica(s) of older revisions to be replaced`;
  if (counts.available < desired) return `${desired - counts.available} replica(s) to start`;
  return `the monitor period (${record.policy.monitorMs / 1000} s) after the last replica`;
}
