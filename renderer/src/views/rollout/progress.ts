// A service's rollout as its progress bar draws it, pure: from `rollout.status` to the bar's
// parts (old, new and healthy replicas out of the widest count seen), the phase in words, what
// it waits for, how long until the progress deadline, which controls apply, and, when it rolled
// back by itself, where and why.
import type { RolloutPhase, RolloutStatus } from '../../../../shared/rollout.ts';

export type Tone = 'neutral' | 'active' | 'warning' | 'error' | 'done';

export interface ProgressModel {
  phase: RolloutPhase | 'none';
  phaseText: string;
  tone: Tone;
  active: boolean;
  /** Replicas of the target revision that can take traffic / are up but not healthy yet / of older revisions. */
  healthy: number;
  starting: number;
  old: number;
  desired: number;
  /** Fractions (0..1) of the bar: healthy new, starting new, old; they sum to at most 1. */
  parts: { healthy: number; starting: number; old: number };
  /** "2 of 3 replicas on revision 4". */
  countText: string;
  waitingFor: string | null;
  /** "deadline in 1m 20s", "past its deadline"; null while not active. */
  deadlineText: string | null;
  fromRevision: number | null;
  toRevision: number;
  canPause: boolean;
  canResume: boolean;
  canUndo: boolean;
  /** A rollback the control plane made on its own: the revision it undid and why. */
  autoRollback: { failedRevision: number; toRevision: number; reason: string } | null;
  /** Why it paused or failed (not a rollback by itself, which autoRollback says). */
  reason: string | null;
}

const PHASE_TEXT: Record<RolloutPhase | 'none', string> = {
  none: 'never rolled out',
  rolling: 'rolling out',
  paused: 'paused',
  'rolling-back': 'rolling back',
  completed: 'completed',
  'rolled-back': 'rolled back',
  failed: 'failed',
};

const PHASE_TONE: Record<RolloutPhase | 'none', Tone> = {
  none: 'neutral',
  rolling: 'active',
  paused: 'warning',
  'rolling-back': 'error',
  completed: 'done',
  'rolled-back': 'warning',
  failed: 'error',
};

export function durationLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function progressModel(status: RolloutStatus, nowMs: number): ProgressModel {
  const record = status.rollout;
  const phase = status.phase;
  const active = phase === 'rolling' || phase === 'paused' || phase === 'rolling-back';
  const healthy = Math.min(status.healthy, status.updated);
  const starting = status.updated - healthy;
  const old = status.old;
  // The bar's width: the desired count, or more while a surge runs old and new side by side.
  const total = Math.max(status.desired, healthy + starting + old, 1);
  const autoRollback =
    record !== null && record.kind === 'rollback' && !record.pausedByUser && record.reason !== null && record.reason !== 'rolled back by hand' && record.failedRevision !== null
      ? { failedRevision: record.failedRevision, toRevision: record.toRevision, reason: record.reason }
      : null;
  let deadlineText: string | null = null;
  if (active && phase !== 'paused' && status.deadlineAtMs !== null) {
    const left = status.deadlineAtMs - nowMs;
    deadlineText = left > 0 ? `deadline in ${durationLeft(left)}` : 'past its deadline';
  }
  return {
    phase,
    phaseText: PHASE_TEXT[phase],
    tone: PHASE_TONE[phase],
    active,
    healthy,
    starting,
    old,
    desired: status.desired,
    parts: { healthy: healthy / total, starting: starting / total, old: old / total },
    countText: `${healthy} of ${status.desired} replica${status.desired === 1 ? '' : 's'} on revision ${status.revision}`,
    waitingFor: active ? status.waitingFor : null,
    deadlineText,
    fromRevision: record?.fromRevision ?? null,
    toRevision: record?.toRevision ?? status.revision,
    canPause: phase === 'rolling',
    canResume: phase === 'paused',
    // The control plane says when there is nothing to go back to; the button asks it.
    canUndo: phase !== 'none' && phase !== 'rolling-back',
    autoRollback,
    reason: autoRollback === null && (phase === 'paused' || phase === 'failed') ? (record?.reason ?? null) : null,
  };
}

/** Whether the topology should colour this service's replicas by revision: old and new side by side. */
export function showsRevisions(status: Pick<RolloutStatus, 'phase' | 'old' | 'updated'>): boolean {
  return (status.phase === 'rolling' || status.phase === 'paused' || status.phase === 'rolling-back') && status.old > 0;
}
