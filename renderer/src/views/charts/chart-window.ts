// Which stretch of time a chart shows and how many points it draws for it. The last 15 minutes
// by default, the last hour on demand, ending at the newest second measured. A window holds more
// seconds than the chart has pixels (an hour is 3,600 points on a 300-pixel chart): they are
// grouped into buckets of whole seconds, each drawn as its highest value, so a spike stays on the
// chart instead of being averaged away, and a bucket with nothing measured stays a gap.
import type { Measure } from './series-buffer.ts';

export type ChartSpan = '15m' | '1h';

export const SPAN_SECONDS: Record<ChartSpan, number> = { '15m': 15 * 60, '1h': 60 * 60 };
export const SPAN_LABELS: Record<ChartSpan, string> = { '15m': '15 min', '1h': '1 hour' };

export interface ChartWindow {
  from: number;
  to: number;
}

/** The window ending at `newest` (seconds), or at `now` while nothing was measured yet. */
export function chartWindow(span: ChartSpan, newest: number | null, now: number): ChartWindow {
  const to = newest ?? Math.floor(now);
  return { from: to - SPAN_SECONDS[span] + 1, to };
}

/** Seconds per bucket so that the window fits in `maxPoints` (at least 1). */
export function bucketSeconds(window: ChartWindow, maxPoints: number): number {
  const seconds = window.to - window.from + 1;
  return Math.max(1, Math.ceil(seconds / Math.max(1, Math.floor(maxPoints))));
}

export interface Downsampled {
  times: number[];
  columns: Record<Measure, Array<number | null>>;
}

/**
 * Points grouped into buckets of `bucket` seconds aligned to the epoch (so a bucket keeps its
 * bounds as the window slides and the line does not shimmer), each at its first second, with the
 * highest value of each measure in it. Times must be ascending.
 */
export function downsample(times: readonly number[], columns: Readonly<Record<Measure, ReadonlyArray<number | null>>>, bucket: number, measures: readonly Measure[]): Downsampled {
  const out: Downsampled = { times: [], columns: { cpu: [], memory: [], rps: [], p95: [] } };
  if (bucket <= 1) {
    out.times = [...times];
    for (const m of measures) out.columns[m] = [...columns[m]];
    return out;
  }
  let current = NaN;
  for (let i = 0; i < times.length; i++) {
    const start = Math.floor(times[i]! / bucket) * bucket;
    if (start !== current) {
      current = start;
      out.times.push(start);
      for (const m of measures) out.columns[m].push(null);
    }
    const last = out.times.length - 1;
    for (const m of measures) {
      const v = columns[m][i] ?? null;
      if (v === null) continue;
      const held = out.columns[m][last]!;
      out.columns[m][last] = held === null ? v : Math.max(held, v);
    }
  }
  return out;
}
