// The whole cluster (hosts, their usage, services, replicas) as one picture for the topology and
// the scaling controls: `cluster.snapshot`, kept live by LiveQuery.
import type { BatonEvent, ClusterSnapshot } from '../../../shared/api.ts';
import type { BatonError } from '../../../shared/errors.ts';
import { asBatonError } from './baton-error.ts';
import { applyEvent, patchable } from './cluster-patch.ts';
import { LiveQuery, type LiveApi } from './live-query.ts';

export interface ClusterState {
  cluster: ClusterSnapshot;
  /** `loading` until the first answer; after that the last good picture stays shown. */
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

/** How long the snapshot after an event shown ahead of it may wait, gathering the others. */
export const SHOWN_AHEAD_FETCH_MS = 500;

const EMPTY: ClusterSnapshot = { lastEventId: 0, hosts: [], usage: [], services: [], replicas: [] };

/** Events that change what the topology shows. */
export function changesCluster(event: BatonEvent): boolean {
  return /^(host|service|replica|stack)\./.test(event.kind);
}

export class ClusterStore extends LiveQuery<ClusterState> {
  /** Events shown ahead of the snapshot, until a snapshot that includes them arrives. */
  private ahead: BatonEvent[] = [];

  constructor(api: LiveApi) {
    super(api, { cluster: EMPTY, status: 'loading', error: null });
  }

  // an event the last picture already includes (replayed after a reconnect) changes nothing
  protected concerns(event: BatonEvent): boolean {
    return changesCluster(event) && event.id > this.state.cluster.lastEventId;
  }

  // A replica's health, told whole by its event, is shown now; the snapshot it causes follows
  // within SHOWN_AHEAD_FETCH_MS, one for every such event in that time (at 5,000 replicas a
  // snapshot costs the page tens of ms to read: ten health checks a second would be ten).
  protected override received(event: BatonEvent): number | null {
    if (!patchable(event) || this.state.status !== 'ready') return null;
    const cluster = applyEvent(this.state.cluster, event);
    if (cluster === null) return null;
    this.ahead.push(event);
    this.set({ ...this.state, cluster });
    return SHOWN_AHEAD_FETCH_MS;
  }

  protected async load(): Promise<void> {
    try {
      let cluster = await this.api.call('cluster.snapshot', {});
      // a snapshot taken before an event shown ahead of it: the event again, on top
      this.ahead = this.ahead.filter((e) => e.id > cluster.lastEventId);
      for (const e of this.ahead) cluster = applyEvent(cluster, e) ?? cluster;
      this.set({ cluster, status: 'ready', error: null });
    } catch (err) {
      this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error: asBatonError(err) });
    }
  }
}
