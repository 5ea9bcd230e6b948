// The whole cluster (hosts, their usage, services, replicas) as one picture for the topology and
// the scaling controls: fetched with `cluster.snapshot`, fetched again when an event says
// something changed or the connection comes back. No polling. Fetches asked for while one runs
// collapse into one more, so a burst of events costs at most two round trips.
import type { BatonEvent, ClusterSnapshot } from '../../../shared/api.ts';
import { BatonError, toErrorBody } from '../../../shared/errors.ts';
import type { Transport } from '../api/transport.ts';

export interface ClusterState {
  cluster: ClusterSnapshot;
  /** `loading` until the first answer; after that the last good picture stays shown. */
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

const EMPTY: ClusterSnapshot = { lastEventId: 0, hosts: [], usage: [], services: [], replicas: [] };

/** Events that change what the topology shows. */
export function changesCluster(event: BatonEvent): boolean {
  return /^(host|service|replica|stack)\./.test(event.kind);
}

export class ClusterStore {
  private state: ClusterState = { cluster: EMPTY, status: 'loading', error: null };
  private readonly listeners = new Set<() => void>();
  private fetching = false;
  private again = false;

  constructor(private readonly api: Transport) {}

  /** Starts following the control plane; returns the function that stops it. */
  start(): () => void {
    let connected = this.api.connection().status === 'connected';
    const stopEvents = this.api.subscribe((event) => {
      if (changesCluster(event) && event.id > this.state.cluster.lastEventId) void this.refresh();
    });
    const stopConnection = this.api.onConnectionChange((state) => {
      const now = state.status === 'connected';
      if (now && !connected) void this.refresh();
      connected = now;
    });
    void this.refresh();
    return () => {
      stopEvents();
      stopConnection();
    };
  }

  getSnapshot = (): ClusterState => this.state;

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
        try {
          const cluster = await this.api.call('cluster.snapshot', {});
          this.set({ cluster, status: 'ready', error: null });
        } catch (err) {
          const error = err instanceof BatonError ? err : BatonError.fromBody(toErrorBody(err));
          this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error });
        }
      } while (this.again);
    } finally {
      this.fetching = false;
    }
  }

  private set(next: ClusterState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
