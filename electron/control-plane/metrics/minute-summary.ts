// A minute of one series, summarized for the state file: means of what was measured (a value
// missing in a second is left out, not taken as 0), maxima, and the response time weighted by the
// requests of each second (a second with 1,000 requests counts more than one with 2). Pure.
import type { MetricPoint } from '../../../shared/metrics.ts';

export const MINUTE_MS = 60_000;

export function minuteStart(timeMs: number): number {
  return Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return round(known.reduce((a, b) => a + b, 0) / known.length);
}

function max(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The summary of `points` (the seconds of the minute starting at `startMs`); null when there are none. */
export function summarizeMinute(startMs: number, points: MetricPoint[]): MetricPoint | null {
  if (points.length === 0) return null;
  let weight = 0;
  let weighted = 0;
  for (const p of points) {
    if (p.responseMsAvg === null || p.requestsPerSec === null || p.requestsPerSec <= 0) continue;
    weight += p.requestsPerSec;
    weighted += p.responseMsAvg * p.requestsPerSec;
  }
  return {
    time: new Date(startMs).toISOString(),
    samples: points.reduce((n, p) => n + p.samples, 0),
    cpuPercent: mean(points.map((p) => p.cpuPercent)),
    cpuPercentMax: max(points.map((p) => p.cpuPercentMax ?? p.cpuPercent)),
    memoryBytes: mean(points.map((p) => p.memoryBytes)),
    memoryBytesMax: max(points.map((p) => p.memoryBytesMax ?? p.memoryBytes)),
    rxBytesPerSec: mean(points.map((p) => p.rxBytesPerSec)),
    txBytesPerSec: mean(points.map((p) => p.txBytesPerSec)),
    requestsPerSec: mean(points.map((p) => p.requestsPerSec)),
    responseMsAvg: weight > 0 ? round(weighted / weight) : null,
    responseMsMax: max(points.map((p) => p.responseMsMax ?? p.responseMsAvg)),
    responseMsP95: max(points.map((p) => p.responseMsP95)),
  };
}

/** Collects one series' seconds and hands back each minute's summary once the minute is over. */
export class MinuteAccumulator {
  private start: number | null = null;
  private points: MetricPoint[] = [];

  /** Adds a second; returns the summary of the previous minute when this one starts a new minute. */
  add(timeMs: number, point: MetricPoint): MetricPoint | null {
    const start = minuteStart(timeMs);
    let done: MetricPoint | null = null;
    if (this.start !== null && start !== this.start) done = this.flush();
    this.start = start;
    this.points.push(point);
    return done;
  }

  /** The summary of what has been collected so far, and a fresh start. */
  flush(): MetricPoint | null {
    const done = this.start === null ? null : summarizeMinute(this.start, this.points);
    this.start = null;
    this.points = [];
    return done;
  }
}
