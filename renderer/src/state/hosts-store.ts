// The host list, kept live: fetched with `host.list`, fetched again when a `host.*` event
// arrives or the connection comes back (LiveQuery). No polling.
import type { BatonEvent, Host } from '../../../shared/api.ts';
import type { BatonError } from '../../../shared/errors.ts';
import { asBatonError } from './baton-error.ts';
import { LiveQuery, type LiveApi } from './live-query.ts';

export interface HostsSnapshot {
  hosts: readonly Host[];
  /** `loading` until the first answer; after that the last good list stays shown. */
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

export class HostsStore extends LiveQuery<HostsSnapshot> {
  constructor(api: LiveApi) {
    super(api, { hosts: [], status: 'loading', error: null });
  }

  protected concerns(event: BatonEvent): boolean {
    return event.kind.startsWith('host.');
  }

  protected async load(): Promise<void> {
    try {
      const hosts = await this.api.call('host.list', {});
      this.set({ hosts: [...hosts].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null });
    } catch (err) {
      this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error: asBatonError(err) });
    }
  }
}
