// The selected host, service or replica, inspected: fetched when selected, fetched again when an
// event about it arrives or the connection comes back (no polling). Fetches asked for while one
// runs collapse into one more.
import type { BatonEvent, HostDetail, ReplicaDetail, ServiceDetail } from '../../../../shared/api.ts';
import { BatonError, toErrorBody } from '../../../../shared/errors.ts';
import type { Transport } from '../../api/transport.ts';

export type Selection = { kind: 'host'; name: string } | { kind: 'service'; key: string } | { kind: 'replica'; name: string };

export function selectionId(selection: Selection): string {
  return selection.kind === 'service' ? `service:${selection.key}` : `${selection.kind}:${selection.name}`;
}

export type Inspected =
  | { kind: 'host'; detail: HostDetail }
  | { kind: 'service'; detail: ServiceDetail }
  | { kind: 'replica'; detail: ReplicaDetail };

/** Whether an event may change what the details of `selection` show. */
export function eventConcerns(selection: Selection, event: BatonEvent, replicaHost: string | null = null): boolean {
  switch (selection.kind) {
    case 'host':
      return event.host === selection.name;
    case 'service': {
      const [stack, name] = selection.key.split('/');
      if (event.stack !== stack) return false;
      return event.service === name || (event.service === null && event.kind.startsWith('stack.'));
    }
    case 'replica':
      return event.replica === selection.name || (replicaHost !== null && event.host === replicaHost && event.kind.startsWith('host.'));
  }
}

export interface InspectState {
  status: 'loading' | 'ready' | 'error';
  inspected: Inspected | null;
  error: BatonError | null;
}

type InspectApi = Pick<Transport, 'call' | 'subscribe' | 'onConnectionChange' | 'connection'>;

export class InspectLoader {
  private state: InspectState = { status: 'loading', inspected: null, error: null };
  private readonly listeners = new Set<() => void>();
  private fetching = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly api: InspectApi,
    readonly selection: Selection,
  ) {}

  start(): () => void {
    let connected = this.api.connection().status === 'connected';
    const stopEvents = this.api.subscribe((event) => {
      const host = this.state.inspected?.kind === 'replica' ? this.state.inspected.detail.replica.host : null;
      if (eventConcerns(this.selection, event, host)) void this.refresh();
    });
    const stopConnection = this.api.onConnectionChange((state) => {
      const now = state.status === 'connected';
      if (now && !connected) void this.refresh();
      connected = now;
    });
    void this.refresh();
    return () => {
      this.stopped = true;
      stopEvents();
      stopConnection();
    };
  }

  getSnapshot = (): InspectState => this.state;

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
          const inspected = await this.fetch();
          if (!this.stopped) this.set({ status: 'ready', inspected, error: null });
        } catch (err) {
          const error = err instanceof BatonError ? err : BatonError.fromBody(toErrorBody(err));
          // A selection that no longer exists says so instead of showing what it was.
          const gone = error.code === 'NOT_FOUND';
          if (!this.stopped) this.set({ status: 'error', inspected: gone ? null : this.state.inspected, error });
        }
      } while (this.again && !this.stopped);
    } finally {
      this.fetching = false;
    }
  }

  private async fetch(): Promise<Inspected> {
    const selection = this.selection;
    switch (selection.kind) {
      case 'host':
        return { kind: 'host', detail: await this.api.call('host.inspect', { name: selection.name }) };
      case 'service':
        return { kind: 'service', detail: await this.api.call('service.inspect', { service: selection.key }) };
      case 'replica':
        return { kind: 'replica', detail: await this.api.call('replica.inspect', { replica: selection.name }) };
    }
  }

  private set(next: InspectState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
