// One metrics stream for every chart open (and the topology's figures per host): the frames (one a second, pushed) are read once and
// each chart is handed its subject's point. The stream opens with the first chart watching and
// closes with the last; when the connection drops it ends, and it opens again when the connection
// is back. No polling. Plain TypeScript, tested without React.
import type { MetricsFrame } from '../../../../shared/metrics.ts';
import type { Transport } from '../../api/transport.ts';
import { pointsOfFrame } from './chart-points.ts';
import type { ChartPoint } from './series-buffer.ts';

export type FeedApi = Pick<Transport, 'stream' | 'onConnectionChange' | 'connection'>;

export interface FeedWatcher {
  point(point: ChartPoint): void;
  /** The whole frame, for what a point does not carry (a host's capacity). */
  frame?(frame: MetricsFrame): void;
}

export class MetricsFeed {
  private readonly watchers = new Map<string, Set<FeedWatcher>>();
  private readonly frameWatchers = new Set<(frame: MetricsFrame) => void>();
  private cancel: (() => void) | null = null;
  private stopConnection: (() => void) | null = null;
  /** Frames read, for whoever measures the feed. */
  frames = 0;

  constructor(private readonly api: FeedApi) {}

  /** Starts handing `watcher` the points of subject `id` (chart-points' subjectId); returns the stop. */
  watch(id: string, watcher: FeedWatcher): () => void {
    let set = this.watchers.get(id);
    if (set === undefined) this.watchers.set(id, (set = new Set()));
    set.add(watcher);
    this.ensureOpen();
    return () => {
      const s = this.watchers.get(id);
      s?.delete(watcher);
      if (s?.size === 0) this.watchers.delete(id);
      if (this.idle()) this.close();
    };
  }

  /** Starts handing `listener` every whole frame (what the topology reads of the hosts); returns the stop. */
  watchFrames(listener: (frame: MetricsFrame) => void): () => void {
    this.frameWatchers.add(listener);
    this.ensureOpen();
    return () => {
      this.frameWatchers.delete(listener);
      if (this.idle()) this.close();
    };
  }

  get watching(): number {
    return this.watchers.size + this.frameWatchers.size;
  }

  private idle(): boolean {
    return this.watchers.size === 0 && this.frameWatchers.size === 0;
  }

  private ensureOpen(): void {
    if (this.stopConnection === null) {
      this.stopConnection = this.api.onConnectionChange((state) => {
        if (state.status === 'connected') this.open();
      });
    }
    this.open();
  }

  private open(): void {
    if (this.cancel !== null || this.idle() || this.api.connection().status !== 'connected') return;
    let ended = false;
    let cancel: () => void;
    try {
      cancel = this.api.stream('metrics', {}, {
        chunk: (frame) => this.deliver(frame),
        end: () => {
          ended = true;
          if (this.cancel === cancel) this.cancel = null;
          // ended by itself while connected (an older control plane, a restart): no retry loop here;
          // the next connection change or watcher opens it again
        },
      });
    } catch {
      return; // a control plane without the stream: nothing to show
    }
    if (!ended) this.cancel = cancel;
  }

  private close(): void {
    this.cancel?.();
    this.cancel = null;
    this.stopConnection?.();
    this.stopConnection = null;
  }

  private deliver(frame: MetricsFrame): void {
    this.frames++;
    for (const l of [...this.frameWatchers]) l(frame);
    if (this.watchers.size === 0) return;
    const points = pointsOfFrame(frame, new Set(this.watchers.keys()));
    for (const [id, set] of this.watchers) {
      const point = points.get(id);
      for (const w of [...set]) {
        if (point !== undefined) w.point(point);
        w.frame?.(frame);
      }
    }
  }
}
