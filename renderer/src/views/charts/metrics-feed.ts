// The metrics streams every chart open shares (and the topology's figures per host): one stream
// per scope, never one per chart. A service's charts, and its replicas', read that service's
// stream (its replicas and their hosts); a host's charts and the topology read the hosts-only
// stream. A frame of the whole cluster is megabytes at 5,000 replicas: no chart asks for it. Each
// frame is read once and each chart is handed its subject's point. A stream opens with the first
// watcher of its scope and closes with the last; when the connection drops it ends, and it opens
// again when the connection is back. No polling. Plain TypeScript, tested without React.
import type { MetricsParams } from '../../../../shared/api.ts';
import type { MetricsFrame } from '../../../../shared/metrics.ts';
import type { Transport } from '../../api/transport.ts';
import { pointsOfFrame, subjectId, type ChartSubject } from './chart-points.ts';
import type { ChartPoint } from './series-buffer.ts';

export type FeedApi = Pick<Transport, 'stream' | 'onConnectionChange' | 'connection'>;

export interface FeedWatcher {
  point(point: ChartPoint): void;
  /** The whole frame of its scope, for what a point does not carry (a host's capacity). */
  frame?(frame: MetricsFrame): void;
}

interface Scope {
  params: MetricsParams;
  cancel: (() => void) | null;
  /** By subjectId. */
  watchers: Map<string, Set<FeedWatcher>>;
  frameWatchers: Set<(frame: MetricsFrame) => void>;
}

/** The stream a subject's points come from: its service's, or the hosts'. */
export function scopeOf(subject: ChartSubject): { key: string; params: MetricsParams } {
  if (subject.kind === 'host') return HOSTS;
  const service = subject.kind === 'service' ? subject.key : subject.service;
  return { key: `service:${service}`, params: { service } };
}

const HOSTS = { key: 'hosts', params: { hostsOnly: true } } as const;

export class MetricsFeed {
  private readonly scopes = new Map<string, Scope>();
  private stopConnection: (() => void) | null = null;
  /** Frames read, for whoever measures the feed. */
  frames = 0;

  constructor(private readonly api: FeedApi) {}

  /** Starts handing `watcher` the points of `subject`; returns the stop. */
  watch(subject: ChartSubject, watcher: FeedWatcher): () => void {
    const scope = this.scope(scopeOf(subject));
    const id = subjectId(subject);
    let set = scope.watchers.get(id);
    if (set === undefined) scope.watchers.set(id, (set = new Set()));
    set.add(watcher);
    this.open(scope);
    return () => {
      set.delete(watcher);
      if (set.size === 0) scope.watchers.delete(id);
      this.release(scopeOf(subject).key);
    };
  }

  /** Starts handing `listener` every frame of the hosts (no replica in it); returns the stop. */
  watchHosts(listener: (frame: MetricsFrame) => void): () => void {
    const scope = this.scope(HOSTS);
    scope.frameWatchers.add(listener);
    this.open(scope);
    return () => {
      scope.frameWatchers.delete(listener);
      this.release(HOSTS.key);
    };
  }

  /** Streams open now, by scope ("hosts", "service:shop/web"). */
  get streaming(): string[] {
    return [...this.scopes].filter(([, s]) => s.cancel !== null).map(([key]) => key);
  }

  private scope(which: { key: string; params: MetricsParams }): Scope {
    let scope = this.scopes.get(which.key);
    if (scope === undefined) {
      scope = { params: which.params, cancel: null, watchers: new Map(), frameWatchers: new Set() };
      this.scopes.set(which.key, scope);
    }
    if (this.stopConnection === null) {
      this.stopConnection = this.api.onConnectionChange((state) => {
        if (state.status === 'connected') for (const s of this.scopes.values()) this.open(s);
      });
    }
    return scope;
  }

  private release(key: string): void {
    const scope = this.scopes.get(key);
    if (scope === undefined || scope.watchers.size > 0 || scope.frameWatchers.size > 0) return;
    scope.cancel?.();
    this.scopes.delete(key);
    if (this.scopes.size === 0) {
      this.stopConnection?.();
      this.stopConnection = null;
    }
  }

  private open(scope: Scope): void {
    if (scope.cancel !== null || this.api.connection().status !== 'connected') return;
    let ended = false;
    let cancel: () => void;
    try {
      cancel = this.api.stream('metrics', scope.params, {
        chunk: (frame) => this.deliver(scope, frame),
        end: () => {
          ended = true;
          if (scope.cancel === cancel) scope.cancel = null;
          // ended by itself while connected (an older control plane, a restart): no retry loop here;
          // the next connection change or watcher opens it again
        },
      });
    } catch {
      return; // a control plane without the stream: nothing to show
    }
    if (!ended) scope.cancel = cancel;
  }

  private deliver(scope: Scope, frame: MetricsFrame): void {
    this.frames++;
    for (const l of [...scope.frameWatchers]) l(frame);
    if (scope.watchers.size === 0) return;
    const points = pointsOfFrame(frame, new Set(scope.watchers.keys()));
    for (const [id, set] of scope.watchers) {
      const point = points.get(id);
      for (const w of [...set]) {
        if (point !== undefined) w.point(point);
        w.frame?.(frame);
      }
    }
  }
}
