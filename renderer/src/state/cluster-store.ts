// The whole cluster (hosts, their usage, services, replicas) as one picture for the topology and
// the scaling controls: `cluster.snapshot`, kept live by LiveQuery.
import type { BatonEvent, ClusterSnapshot } from '../../../shared/api.ts';
import type { BatonError } from '../../../shared/errors.ts';
import { asBatonError } from './baton-error.ts';
import { LiveQuery, type LiveApi } from './live-query.ts';

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

export class ClusterStore extends LiveQuery<ClusterState> {
  constructor(api: LiveApi) {
    super(api, { cluster: EMPTY, status: 'loading', error: null });
  }

  // an event the last picture already includes (replayed after a reconnect) changes nothing
  protected concerns(event: BatonEvent): boolean {
    return changesCluster(event) && event.id > this.state.cluster.lastEventId;
  }

  protected async load(): Promise<void> {
    try {
      const cluster = await this.api.call('cluster.snapshot', {});
      this.set({ cluster, status: 'ready', error: null });
    } catch (err) {
      this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error: asBatonError(err) });
    }
  }
}
