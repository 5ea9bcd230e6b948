// What one open chart holds and how it fills: the feed's points as they come, and the last hour
// from the control plane's series once, when the chart opens (a replica's or host's own series; a
// service's is its replicas' summed). A service's chart also gathers the autoscaler's decisions:
// the recent ones from its status, then each as its event arrives. Plain TypeScript for
// useSyncExternalStore: `revision` changes whenever something is added.
import type { BatonEvent } from '../../../../shared/api.ts';
import type { MetricPoint, MetricsFrame } from '../../../../shared/metrics.ts';
import type { LiveApi } from '../../state/live-query.ts';
import { hostCapacityOf, pointFromHistory, sumHistories, type ChartSubject } from './chart-points.ts';
import { decisionOfEvent, markOf, mergeMarks, type DecisionMark } from './decision-marks.ts';
import type { MetricsFeed } from './metrics-feed.ts';
import { KEPT_SECONDS, SeriesBuffer, type ChartPoint } from './series-buffer.ts';

/** At most this many replica series are asked for at once when a service's chart opens. */
const HISTORY_CONCURRENCY = 6;

export type HistoryApi = Pick<LiveApi, 'call' | 'subscribe'>;

export interface ChartSnapshot {
  revision: number;
  /** The history could not be read (the chart is live from the stream anyway). */
  historyError: string | null;
  seeded: boolean;
}

export class ChartData {
  readonly buffer = new SeriesBuffer();
  marks: DecisionMark[] = [];
  capacity: { cpus: number; memoryBytes: number } | null = null;
  private snapshot: ChartSnapshot = { revision: 0, historyError: null, seeded: false };
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly api: HistoryApi,
    private readonly feed: MetricsFeed,
    readonly subject: ChartSubject,
    /** A service's replicas now (container names), whose series make its history. */
    private readonly replicas: () => readonly string[] = () => [],
  ) {}

  start(): () => void {
    this.stopped = false;
    const stopFeed = this.feed.watch(this.subject, {
      point: (p) => this.add(p),
      frame: this.subject.kind === 'host' ? (f) => this.readCapacity(f) : undefined,
    });
    const stopEvents = this.subject.kind === 'service' ? this.api.subscribe((e) => this.onEvent(e)) : () => {};
    void this.seed();
    return () => {
      this.stopped = true;
      stopFeed();
      stopEvents();
    };
  }

  getSnapshot = (): ChartSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  add(point: ChartPoint): void {
    if (this.buffer.push(point)) this.changed({});
  }

  private readCapacity(frame: MetricsFrame): void {
    if (this.subject.kind !== 'host') return;
    const c = hostCapacityOf(frame, this.subject.name);
    if (c !== null && (c.cpus !== this.capacity?.cpus || c.memoryBytes !== this.capacity.memoryBytes)) {
      this.capacity = c;
      this.changed({});
    }
  }

  private onEvent(event: BatonEvent): void {
    if (this.subject.kind !== 'service') return;
    const decision = decisionOfEvent(event, this.subject.key);
    const mark = decision === null ? null : markOf(decision);
    if (mark === null) return;
    this.marks = mergeMarks(this.marks, [mark], this.keepAfter());
    this.changed({});
  }

  private keepAfter(): number {
    return (this.buffer.newest ?? Math.floor(Date.now() / 1000)) - KEPT_SECONDS;
  }

  private async seed(): Promise<void> {
    try {
      const points = await this.history();
      if (this.stopped) return;
      this.buffer.seed(points);
      this.changed({ seeded: true, historyError: null });
    } catch (error) {
      this.changed({ seeded: true, historyError: error instanceof Error ? error.message : String(error) });
    }
    if (this.subject.kind === 'service') await this.seedMarks(this.subject.key);
  }

  private async history(): Promise<ChartPoint[]> {
    const s = this.subject;
    if (s.kind !== 'service') {
      const series = await this.api.call('metrics.history', s.kind === 'host' ? { host: s.name } : { replica: s.name });
      return series.points.map(pointFromHistory).filter((p): p is ChartPoint => p !== null);
    }
    const names = [...this.replicas()];
    const all: Array<readonly MetricPoint[]> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length && !this.stopped) {
        const name = names[next++]!;
        try {
          all.push((await this.api.call('metrics.history', { replica: name })).points);
        } catch {
          // a replica removed since the snapshot: its seconds are simply not in the sum
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, names.length) }, worker));
    return sumHistories(all);
  }

  private async seedMarks(service: string): Promise<void> {
    try {
      const status = await this.api.call('autoscale.status', { service });
      if (this.stopped) return;
      const marks = status.decisions.map(markOf).filter((m): m is DecisionMark => m !== null);
      this.marks = mergeMarks(marks, this.marks, this.keepAfter());
      this.changed({});
    } catch {
      // not autoscaled (or an older control plane): no marks
    }
  }

  private changed(patch: Partial<ChartSnapshot>): void {
    if (this.stopped) return;
    this.snapshot = { ...this.snapshot, ...patch, revision: this.snapshot.revision + 1 };
    for (const l of [...this.listeners]) l();
  }
}
