// A chart's data: one point a second (the metrics stream's pace) in columns, as uPlot draws them
// (times in seconds, each measure an array aligned with them), kept for the longest window a chart
// offers and no longer. Points arrive in time order; one for a second already held replaces it (a
// frame repeated after a reconnect), and an older one is dropped. A gap stays a gap: a second with
// no value is null, never filled in. Plain TypeScript, tested without a DOM.

/** The measures every chart subject has, per second. */
export const MEASURES = ['cpu', 'memory', 'rps', 'p95'] as const;
export type Measure = (typeof MEASURES)[number];

/** One second of a subject: CPU in % of one core, memory in bytes, requests/s, p95 response time in ms. */
export interface ChartPoint {
  /** Start of the second, in seconds since the epoch. */
  t: number;
  cpu: number | null;
  memory: number | null;
  rps: number | null;
  p95: number | null;
}

/** The longest window a chart shows: an hour (the control plane keeps the last hour per second). */
export const KEPT_SECONDS = 3600;

export class SeriesBuffer {
  private times: number[] = [];
  private readonly columns: Record<Measure, Array<number | null>> = { cpu: [], memory: [], rps: [], p95: [] };
  /** Index of the oldest point still kept (trimming moves it; compaction resets it). */
  private start = 0;
  private version = 0;

  constructor(private readonly keepSeconds = KEPT_SECONDS) {}

  /** Adds a point; returns whether the buffer changed. */
  push(point: ChartPoint): boolean {
    const last = this.times.length > this.start ? this.times[this.times.length - 1]! : -Infinity;
    if (point.t < last) return false;
    if (point.t === last) {
      const i = this.times.length - 1;
      for (const m of MEASURES) this.columns[m][i] = point[m];
    } else {
      this.times.push(point.t);
      for (const m of MEASURES) this.columns[m].push(point[m]);
    }
    this.trim(point.t - this.keepSeconds);
    this.version++;
    return true;
  }

  /** Points older than the newest one held are put before it, in order (history arriving after live frames). */
  seed(points: readonly ChartPoint[]): void {
    const held = this.points();
    const first = held[0]?.t ?? Infinity;
    const older = points.filter((p) => p.t < first).sort((a, b) => a.t - b.t);
    this.times = [];
    for (const m of MEASURES) this.columns[m] = [];
    this.start = 0;
    for (const p of [...older, ...held]) this.push(p);
    this.version++;
  }

  get length(): number {
    return this.times.length - this.start;
  }

  /** Changes with every point added, for a chart to know when to redraw. */
  get revision(): number {
    return this.version;
  }

  /** The newest point's time, null when empty. */
  get newest(): number | null {
    return this.length === 0 ? null : this.times[this.times.length - 1]!;
  }

  /** The points of [from, to] (seconds, inclusive), as columns. */
  range(from: number, to: number): { times: number[]; columns: Record<Measure, Array<number | null>> } {
    const lo = lowerBound(this.times, from, this.start);
    const hi = upperBound(this.times, to, this.start);
    const columns = {} as Record<Measure, Array<number | null>>;
    for (const m of MEASURES) columns[m] = this.columns[m].slice(lo, hi);
    return { times: this.times.slice(lo, hi), columns };
  }

  points(): ChartPoint[] {
    const out: ChartPoint[] = [];
    for (let i = this.start; i < this.times.length; i++) {
      out.push({ t: this.times[i]!, cpu: this.columns.cpu[i]!, memory: this.columns.memory[i]!, rps: this.columns.rps[i]!, p95: this.columns.p95[i]! });
    }
    return out;
  }

  private trim(before: number): void {
    while (this.start < this.times.length && this.times[this.start]! < before) this.start++;
    // compact once the dropped head is as long as what is kept: amortized O(1) per point
    if (this.start > 0 && this.start >= this.times.length - this.start) {
      this.times = this.times.slice(this.start);
      for (const m of MEASURES) this.columns[m] = this.columns[m].slice(this.start);
      this.start = 0;
    }
  }
}

/** The first index ≥ `from` whose value is ≥ `value` (values sorted ascending). */
export function lowerBound(values: readonly number[], value: number, from = 0): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index ≥ `from` whose value is > `value` (values sorted ascending). */
export function upperBound(values: readonly number[], value: number, from = 0): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
