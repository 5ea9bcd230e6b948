// The selected host, service or replica, inspected: fetched when selected, fetched again when an
// event about it arrives or the connection comes back (LiveQuery; no polling).
import type { BatonEvent, HostDetail, ReplicaDetail, ServiceDetail } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { LiveQuery, type LiveApi } from '../../state/live-query.ts';

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

export class InspectLoader extends LiveQuery<InspectState> {
  constructor(
    api: LiveApi,
    readonly selection: Selection,
  ) {
    super(api, { status: 'loading', inspected: null, error: null });
  }

  protected concerns(event: BatonEvent): boolean {
    const host = this.state.inspected?.kind === 'replica' ? this.state.inspected.detail.replica.host : null;
    return eventConcerns(this.selection, event, host);
  }

  protected async load(): Promise<void> {
    try {
      this.set({ status: 'ready', inspected: await this.fetch(), error: null });
    } catch (err) {
      const error = asBatonError(err);
      // A selection that no longer exists says so instead of showing what it was.
      const gone = error.code === 'NOT_FOUND';
      this.set({ status: 'error', inspected: gone ? null : this.state.inspected, error });
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
}
