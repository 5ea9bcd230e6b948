// `baton rollout status` and `baton rollout history` as a person reads them.
import type { RevisionEntry, RolloutStatus } from '../../../shared/rollout.ts';

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

export function rolloutStatusText(s: RolloutStatus, now = Date.now()): string {
  const r = s.rollout;
  const lines = [`${s.stack}/${s.service}: revision ${s.revision}, ${s.desired} desired — ${s.updated} updated (${s.healthy} healthy), ${s.old} of older revisions`];
  if (!r) {
    lines.push('No rollout yet: one starts when you apply a changed service (baton apply -f FILE).');
    return lines.join('\n');
  }
  const what = r.kind === 'rollback' ? `rollback to revision ${r.toRevision}${r.failedRevision !== null ? ` (undoing ${r.failedRevision})` : ''}` : `update ${r.fromRevision ?? '?'} → ${r.toRevision}`;
  lines.push(`Rollout ${r.id}: ${what}, ${s.phase}, started ${ago(r.startedAtMs, now)}${r.endedAtMs ? `, ended ${ago(r.endedAtMs, now)}` : ''}`);
  lines.push(`Policy: ${r.policy.order}, ${r.policy.parallelism || 'all'} at a time${r.policy.delayMs ? `, ${r.policy.delayMs / 1000} s between batches` : ''}, monitor ${r.policy.monitorMs / 1000} s, on failure ${r.policy.failureAction} (max failure ratio ${r.policy.maxFailureRatio})`);
  if (s.waitingFor) lines.push(`Waiting for: ${s.waitingFor}`);
  if (s.deadlineAtMs) lines.push(`Deadline: no progress by ${new Date(s.deadlineAtMs).toISOString()} fails it`);
  if (r.reason && s.phase !== 'paused') lines.push(`Reason: ${r.reason}`);
  for (const f of r.failures.slice(-5)) lines.push(`Failed: ${f.replica} on ${f.host} (revision ${f.revision}): ${f.reason}`);
  return lines.join('\n');
}

export function rolloutHistoryText(entries: RevisionEntry[]): string {
  if (entries.length === 0) return 'No revisions.';
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${e.current ? '*' : ' '} revision ${e.revision}  ${e.createdAt}  ${e.image}`);
    for (const c of e.changes) lines.push(`      ${c.field}: ${c.before ?? '—'} → ${c.after ?? '—'}`);
  }
  lines.push('(* the revision the service runs; go back with: baton rollout undo SERVICE [--to-revision N])');
  return lines.join('\n');
}
