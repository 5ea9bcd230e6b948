// The autoscaler's decisions on a service's chart: a mark at the second each was made, with its
// reason. Decisions come from the autoscale status (the recent ones, when the chart opens) and then
// as events (service.scaled by the autoscaler, autoscale.held, autoscale.stale), each carrying
// the decision in `data.autoscale`. Marks closer than a few pixels on the chart are merged into
// one that lists every reason, newest last, so a burst of decisions stays readable.
import type { AutoscaleDecision } from '../../../../shared/autoscale.ts';
import type { BatonEvent } from '../../../../shared/api.ts';
import { secondOf } from './chart-points.ts';
import type { ChartWindow } from './chart-window.ts';

export interface DecisionMark {
  /** Seconds since the epoch. */
  t: number;
  kind: AutoscaleDecision['kind'];
  /** e.g. "3 → 5" for a scale, "held at 3" for a hold. */
  label: string;
  reason: string;
}

export function markOf(decision: AutoscaleDecision): DecisionMark | null {
  const t = secondOf(decision.time);
  if (t === null) return null;
  const label =
    decision.kind === 'scale' ? `${decision.current} → ${decision.desired}` : decision.kind === 'hold' ? `held at ${decision.current}` : decision.kind === 'stale' ? 'no decision (stale metrics)' : 'no decision (no data)';
  return { t, kind: decision.kind, label, reason: decision.reason };
}

/** The decision an event carries for this service, null for any other event. */
export function decisionOfEvent(event: BatonEvent, service: string): AutoscaleDecision | null {
  if (event.kind !== 'service.scaled' && event.kind !== 'autoscale.held' && event.kind !== 'autoscale.stale') return null;
  if (`${event.stack}/${event.service}` !== service) return null;
  const value = event.data?.['autoscale'];
  return isDecision(value) ? value : null;
}

const DECISION_KINDS: ReadonlySet<string> = new Set(['scale', 'hold', 'stale', 'no-data']);

/**
 * The fields a mark reads, checked by hand: a zod parse in the page would try `new Function` (its
 * fast path), which the renderer's CSP refuses and reports.
 */
function isDecision(value: unknown): value is AutoscaleDecision {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return typeof d['time'] === 'string' && typeof d['kind'] === 'string' && DECISION_KINDS.has(d['kind']) && typeof d['current'] === 'number' && typeof d['desired'] === 'number' && typeof d['reason'] === 'string';
}

/** Adds marks, keeping one per second and kind (status and event may both tell of one decision), in time order. */
export function mergeMarks(held: readonly DecisionMark[], added: readonly DecisionMark[], keepAfter: number): DecisionMark[] {
  const byKey = new Map<string, DecisionMark>();
  for (const m of [...held, ...added]) if (m.t >= keepAfter) byKey.set(`${m.t}:${m.kind}:${m.label}`, m);
  return [...byKey.values()].sort((a, b) => a.t - b.t);
}

export interface PlacedMark {
  /** Pixels from the plot's left edge. */
  x: number;
  /** The newest decision's time and kind (a scale wins over a hold for the look). */
  t: number;
  kind: AutoscaleDecision['kind'];
  /** Every decision merged here, oldest first. */
  marks: DecisionMark[];
}

/** Marks in the window at their x on a plot `width` pixels wide, those within `minGap` pixels merged. */
export function placeMarks(marks: readonly DecisionMark[], window: ChartWindow, width: number, minGap = 6): PlacedMark[] {
  const span = Math.max(1, window.to - window.from);
  const placed: PlacedMark[] = [];
  for (const m of marks) {
    if (m.t < window.from || m.t > window.to) continue;
    const x = ((m.t - window.from) / span) * width;
    const last = placed.at(-1);
    if (last !== undefined && x - last.x < minGap) {
      last.marks.push(m);
      last.t = m.t;
      if (m.kind === 'scale' || last.kind !== 'scale') last.kind = m.kind;
      continue;
    }
    placed.push({ x, t: m.t, kind: m.kind, marks: [m] });
  }
  return placed;
}

/** A merged mark's words: each decision's label and reason on its line. */
export function markText(mark: PlacedMark, time: (t: number) => string): string {
  return mark.marks.map((m) => `${time(m.t)} ${m.label}: ${m.reason}`).join('\n');
}
