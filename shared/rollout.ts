// A rollout as the control plane keeps it and as the CLI and the app show it: one record per
// service, for its newest rollout, stored so a restarted control plane carries on where it was.
import { z } from 'zod';

export const RolloutKind = z.enum(['update', 'rollback']);
export type RolloutKind = z.infer<typeof RolloutKind>;

/** rolling → completed, or → paused / rolling-back → rolled-back; failed: nowhere left to go. */
export const RolloutPhase = z.enum(['rolling', 'paused', 'rolling-back', 'completed', 'rolled-back', 'failed']);
export type RolloutPhase = z.infer<typeof RolloutPhase>;

export const RolloutFailure = z.object({
  replica: z.string(),
  slot: z.number().int(),
  host: z.string(),
  revision: z.number().int(),
  /** Its last health check output, or how it exited. */
  reason: z.string(),
  atMs: z.number(),
});
export type RolloutFailure = z.infer<typeof RolloutFailure>;

export const UpdatePolicySchema = z.object({
  parallelism: z.number().int(),
  delayMs: z.number(),
  failureAction: z.enum(['pause', 'continue', 'rollback']),
  monitorMs: z.number(),
  maxFailureRatio: z.number(),
  order: z.enum(['start-first', 'stop-first']),
});

export const RolloutRecord = z.object({
  /** Counts this service's rollouts: 1, 2, … */
  id: z.number().int(),
  kind: RolloutKind,
  phase: RolloutPhase,
  /** The revision replicas are being moved to now (for a rollback: the older one). */
  toRevision: z.number().int(),
  /** The last good revision before this rollout began: where a rollback goes. */
  fromRevision: z.number().int().nullable(),
  /** A rollback: the revision it undoes. */
  failedRevision: z.number().int().nullable(),
  policy: UpdatePolicySchema,
  progressDeadlineMs: z.number(),
  /** Why it paused, rolled back or failed, in words. */
  reason: z.string().nullable(),
  startedAtMs: z.number(),
  lastProgressAtMs: z.number(),
  endedAtMs: z.number().nullable(),
  /** With a `delay`: when the next batch may start. */
  nextBatchAtMs: z.number(),
  /** Replicas of the target revision starting when last seen (a batch ends when this reaches 0). */
  inFlight: z.number().int(),
  /** Replicas of the target revision available when last seen. */
  available: z.number().int(),
  /** Replicas of the target revision that have been available once: a later failure counts only within `monitor`. */
  seenAvailable: z.array(z.string()),
  failures: z.array(RolloutFailure),
  /** Paused by a person (`baton rollout pause`), not by a failure. */
  pausedByUser: z.boolean(),
});
export type RolloutRecord = z.infer<typeof RolloutRecord>;

export const ACTIVE_PHASES: readonly RolloutPhase[] = ['rolling', 'paused', 'rolling-back'];

export function isActive(r: RolloutRecord | null): r is RolloutRecord {
  return r !== null && ACTIVE_PHASES.includes(r.phase);
}

/** `baton rollout status`: the record with the counts as the hosts show them now. */
export const RolloutStatus = z.object({
  stack: z.string(),
  service: z.string(),
  /** The service's desired revision. */
  revision: z.number().int(),
  desired: z.number().int(),
  /** Replicas of the desired revision / of any other, alive now. */
  updated: z.number().int(),
  old: z.number().int(),
  /** Replicas of the desired revision that can take traffic. */
  healthy: z.number().int(),
  /** 'none' when the service has never rolled out. */
  phase: z.union([RolloutPhase, z.literal('none')]),
  /** What it waits for now, in words. */
  waitingFor: z.string().nullable(),
  /** When it fails for lack of progress (ms since the epoch), while active. */
  deadlineAtMs: z.number().nullable(),
  rollout: RolloutRecord.nullable(),
});
export type RolloutStatus = z.infer<typeof RolloutStatus>;

export const RevisionChange = z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() });

export const RevisionEntry = z.object({
  revision: z.number().int(),
  image: z.string(),
  createdAt: z.string(),
  current: z.boolean(),
  /** What changed from the revision before it (none for the first kept). */
  changes: z.array(RevisionChange),
  /** Its spec as readable text (YAML, environment values as digests), for a line diff between any two. */
  text: z.string(),
});
export type RevisionEntry = z.infer<typeof RevisionEntry>;
