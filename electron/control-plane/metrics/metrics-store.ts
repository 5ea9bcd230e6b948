// The metrics read model: the last frame, a bounded ring per series (the last hour, one point a
// second), each series' minutes written to the state file (a day), and the frames handed to
// subscribers as they come. Fed by the collector; read by the API.
import { EventEmitter } from 'node:events';
import type { MetricPoint, MetricSeries, MetricsFrame } from '../../../shared/metrics.ts';
import type { MetricsRepo } from '../store/metrics-repo.ts';
import { METRICS_KEPT_MS } from '../store/metrics-repo.ts';
import { hostPoint, replicaPoint } from './frame.ts';
import { MinuteAccumulator, minuteStart } from './minute-summary.ts';
import { Ring } from './ring.ts';

export const HOUR_POINTS = 3600;

interface Series {
  ring: Ring<MetricPoint>;
  minute: MinuteAccumulator;
  lastMs: number;
}

export class MetricsStore extends EventEmitter<{ frame: [MetricsFrame] }> {
  private readonly series = new Map<string, Series>();
  private last: MetricsFrame | null = null;
  private lastPruneMs = 0;

  constructor(private readonly repo: MetricsRepo | null) {
    super();
    this.setMaxListeners(0);
  }

  lastFrame(): MetricsFrame | null {
    return this.last;
  }

  record(frame: MetricsFrame): void {
    this.last = frame;
    const nowMs = Date.parse(frame.time);
    const done: { series: string; minuteMs: number; point: MetricPoint }[] = [];
    const add = (key: string, point: MetricPoint | null) => {
      if (point === null) return; // stale: a gap
      let s = this.series.get(key);
      if (!s) {
        s = { ring: new Ring(HOUR_POINTS), minute: new MinuteAccumulator(), lastMs: nowMs };
        this.series.set(key, s);
      }
      s.ring.push(point);
      s.lastMs = nowMs;
      const summary = s.minute.add(Date.parse(point.time), point);
      if (summary) done.push({ series: key, minuteMs: Date.parse(summary.time), point: summary });
    };
    for (const r of frame.replicas) add(`replica:${r.id}`, replicaPoint(r));
    for (const h of frame.hosts) add(`host:${h.host}`, hostPoint(h));
    // series that got nothing for a minute: their last minute is over; an hour: forgotten
    for (const [key, s] of this.series) {
      if (nowMs - s.lastMs > 60_000 && minuteStart(s.lastMs) < minuteStart(nowMs)) {
        const summary = s.minute.flush();
        if (summary) done.push({ series: key, minuteMs: Date.parse(summary.time), point: summary });
      }
      if (nowMs - s.lastMs > 3_600_000) this.series.delete(key);
    }
    this.repo?.put(done);
    if (this.repo && nowMs - this.lastPruneMs > 600_000) {
      this.lastPruneMs = nowMs;
      this.repo.prune(nowMs - METRICS_KEPT_MS);
    }
    this.emit('frame', frame);
  }

  history(key: string, range: 'hour' | 'day', nowMs = Date.now()): MetricSeries {
    if (range === 'hour') return { key, range, points: this.series.get(key)?.ring.toArray() ?? [] };
    return { key, range, points: this.repo?.list(key, nowMs - METRICS_KEPT_MS) ?? [] };
  }

  /** Writes every series' unfinished minute (at stop). */
  flush(): void {
    const done: { series: string; minuteMs: number; point: MetricPoint }[] = [];
    for (const [key, s] of this.series) {
      const summary = s.minute.flush();
      if (summary) done.push({ series: key, minuteMs: Date.parse(summary.time), point: summary });
    }
    this.repo?.put(done);
  }
}
