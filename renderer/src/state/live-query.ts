// What every live picture in the renderer shares: fetched when it starts, fetched again when an
// event concerns it or the connection comes back (no polling), and fetches asked for while one
// runs collapse into one more, so a burst of events costs at most two round trips. Plain
// TypeScript for useSyncExternalStore, so it is tested without React.
import type { BatonEvent } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';

export type LiveApi = Pick<Transport, 'call' | 'subscribe' | 'onConnectionChange' | 'connection'>;

export abstract class LiveQuery<S> {
  private readonly listeners = new Set<() => void>();
  private fetching = false;
  private again = false;
  private stopped = false;

  constructor(
    protected readonly api: LiveApi,
    protected state: S,
  ) {}

  /** Whether this event may change what the query shows. */
  protected abstract concerns(event: BatonEvent): boolean;

  /**
   * An event it concerns, before the fetch it causes: a query may show it at once (see
   * cluster-patch.ts) and say the fetch may wait this many ms, so a burst of such events costs
   * one fetch; null: fetch now.
   */
  protected received(_event: BatonEvent): number | null {
    return null;
  }

  private deferred: ReturnType<typeof setTimeout> | null = null;

  /** A fetch within `ms`, joined by every event until then; one fetching now makes it needless. */
  private refreshWithin(ms: number): void {
    if (this.deferred !== null) return;
    this.deferred = setTimeout(() => {
      this.deferred = null;
      void this.refresh();
    }, ms);
  }

  private cancelDeferred(): void {
    if (this.deferred !== null) clearTimeout(this.deferred);
    this.deferred = null;
  }

  private refreshNow(): Promise<void> {
    this.cancelDeferred(); // the fetch about to start sees whatever the deferred one would have
    return this.refresh();
  }

  /** One fetch, its outcome (or its error) put in place with `set`. */
  protected abstract load(): Promise<void>;

  /** Starts following the control plane; returns the function that stops it. */
  start(): () => void {
    this.stopped = false; // React may stop and start the same query (StrictMode, remounts)
    let connected = this.api.connection().status === 'connected';
    const stopEvents = this.api.subscribe((event) => {
      if (!this.concerns(event)) return;
      const within = this.received(event);
      if (within === null) void this.refreshNow();
      else this.refreshWithin(within);
    });
    const stopConnection = this.api.onConnectionChange((state) => {
      const now = state.status === 'connected';
      if (now && !connected) void this.refresh(); // whatever happened while we were away
      connected = now;
    });
    void this.refresh();
    return () => {
      this.stopped = true;
      this.cancelDeferred();
      stopEvents();
      stopConnection();
    };
  }

  getSnapshot = (): S => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  async refresh(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.again = false;
        await this.load();
      } while (this.again && !this.stopped);
    } finally {
      this.fetching = false;
    }
  }

  /** Puts a new state in place and tells the listeners; nothing once stopped. */
  protected set(next: S): void {
    if (this.stopped) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

