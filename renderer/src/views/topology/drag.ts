// What a drag on the topology means: which request a drop sends, and what the pointer says while
// it moves. Pure, so every gesture's outcome is unit-tested; the pointer handling lives in
// drag-controller.ts.
import type { HostState } from '../../../../shared/api.ts';

export const DRAG_THRESHOLD_PX = 4;
/** Pointer travel per replica when dragging a service's count handle. */
export const COUNT_STEP_PX = 14;
export const MAX_REPLICAS = 1000;

export type DragSubject =
  | { kind: 'service'; service: string }
  | { kind: 'replica'; replica: string; service: string; host: string }
  | { kind: 'count'; service: string; start: number };

export type DropTarget = { kind: 'host'; host: string; state: HostState } | { kind: 'outside' };

export type DropIntent =
  | { kind: 'scale'; service: string; replicas: number; preferHost?: string }
  | { kind: 'remove'; service: string; replica: string }
  | { kind: 'none' };

const SLIDER_MAXIMA = [10, 20, 50, 100, 200, 500, MAX_REPLICAS];

/** A slider's range with room to grow: the smallest of a few round numbers above half again the count. */
export function sliderMax(count: number): number {
  const want = Math.max(count * 1.5, count + 5);
  return SLIDER_MAXIMA.find((max) => max >= want) ?? MAX_REPLICAS;
}

export function passedThreshold(dx: number, dy: number): boolean {
  return dx * dx + dy * dy >= DRAG_THRESHOLD_PX * DRAG_THRESHOLD_PX;
}

export function clampReplicas(n: number): number {
  return Math.max(0, Math.min(MAX_REPLICAS, Math.round(n)));
}

/** The count a handle drag stands at, `dx` pixels right (positive) or left of where it started. */
export function countFromDrag(start: number, dx: number, stepPx = COUNT_STEP_PX): number {
  return clampReplicas(start + Math.trunc(dx / stepPx));
}

/**
 * The request a drop sends. `base` is the service's count to build on: the target of a request
 * still in flight, else its desired count, so two quick drops add two replicas.
 */
export function dropIntent(subject: DragSubject, target: DropTarget, base: number, countNow?: number): DropIntent {
  switch (subject.kind) {
    case 'service':
      if (target.kind !== 'host' || target.state !== 'ready') return { kind: 'none' };
      return { kind: 'scale', service: subject.service, replicas: clampReplicas(base + 1), preferHost: target.host };
    case 'replica':
      // Dropped back on a host (its own or another) it stays where it is: moving is not a thing yet.
      if (target.kind === 'host') return { kind: 'none' };
      return { kind: 'remove', service: subject.service, replica: subject.replica };
    case 'count': {
      const count = clampReplicas(countNow ?? subject.start);
      return count === subject.start ? { kind: 'none' } : { kind: 'scale', service: subject.service, replicas: count };
    }
  }
}

/** What the ghost under the pointer says about the drop it would make. */
export function dropHint(subject: DragSubject, target: DropTarget, base: number): { text: string; ok: boolean } {
  switch (subject.kind) {
    case 'service':
      if (target.kind !== 'host') return { text: `Drop on a host to add a replica of ${subject.service}`, ok: false };
      if (target.state !== 'ready') return { text: `${target.host} is ${target.state}: it can't take replicas now`, ok: false };
      return { text: `Add a replica on ${target.host} (${base} → ${clampReplicas(base + 1)})`, ok: true };
    case 'replica':
      if (target.kind === 'host') return { text: 'Drop outside the hosts to remove it', ok: false };
      return { text: `Remove ${subject.replica} (${subject.service} ${base} → ${clampReplicas(base - 1)})`, ok: true };
    case 'count':
      return { text: '', ok: true };
  }
}
