// The host list, kept live: fetched with `host.list`, fetched again when a `host.*` event
// arrives or the connection comes back. No polling. Plain TypeScript, so it is tested without React.
import type { Host } from '../../../shared/api.ts';
import { BatonError, toErrorBody } from '../../../shared/errors.ts';
import type { Transport } from '../api/transport.ts';

export interface HostsSnapshot {
  hosts: readonly Host[];
  /** `loading` until the first answer; after that the last good list stays shown. */
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

export class HostsStore {
  private snapshot: HostsSnapshot = { hosts: [], status: 'loading', error: null };
  private readonly listeners = new Set<() => void>();
  private fetching = false;
  private again = false;

  constructor(private readonly api: Transport) {}

  /** Starts following the control plane; returns the function that stops it. */
  start(): () => void {
    let connected = this.api.connection().status === 'connected';
    const stopEvents = this.api.subscribe((event) => {
      if (event.kind.startsWith('host.')) void this.refresh();
    });
    const stopConnection = this.api.onConnectionChange((state) => {
      const now = state.status === 'connected';
      if (now && !connected) void this.refresh(); // whatever happened while we were away
      connected = now;
    });
    void this.refresh();
    return () => {
      stopEvents();
      stopConnection();
    };
  }

  getSnapshot = (): HostsSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Fetches the list; calls made while a fetch runs collapse into one more fetch after it. */
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
          const hosts = await this.api.call('host.list', {});
          this.set({ hosts: [...hosts].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null });
        } catch (err) {
          const error = err instanceof BatonError ? err : BatonError.fromBody(toErrorBody(err));
          this.set({ ...this.snapshot, status: this.snapshot.status === 'loading' ? 'error' : this.snapshot.status, error });
        }
      } while (this.again);
    } finally {
      this.fetching = false;
    }
  }

  private set(next: HostsSnapshot): void {
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
