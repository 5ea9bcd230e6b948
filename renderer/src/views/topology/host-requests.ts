// Requests/s per host as the metrics stream says (one frame a second, pushed): the topology shows
// on each host its ingress's rate (what came in through it) and what its replicas served. Read from the one metrics feed the charts share, while the topology
// is open; no polling. Each host's figure is its own subscription, so a new frame re-renders the
// badges whose figure changed, never the host groups and their replicas.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { MetricsFrame } from '../../../../shared/metrics.ts';
import { useApi } from '../../state/app-state.tsx';
import { feedOf } from '../charts/use-feed.ts';
import { requestsByHost, type HostTraffic } from './format.ts';

export class HostRequests {
  private byHost: ReadonlyMap<string, HostTraffic> = new Map();
  private readonly listeners = new Map<string, Set<() => void>>();

  /** A frame arrived: tells only the hosts whose figure changed. */
  read(frame: MetricsFrame): void {
    const next = requestsByHost(frame);
    const before = this.byHost;
    // a host whose figures are as they were keeps its object: its badge's snapshot is unchanged
    for (const [host, traffic] of next) {
      const was = before.get(host);
      if (was !== undefined && was.ingress === traffic.ingress && was.served === traffic.served) next.set(host, was);
    }
    this.byHost = next;
    for (const [host, set] of this.listeners) {
      if (before.get(host) === next.get(host)) continue;
      for (const l of [...set]) l();
    }
  }

  of(host: string): HostTraffic | null {
    return this.byHost.get(host) ?? null;
  }

  subscribe(host: string, listener: () => void): () => void {
    let set = this.listeners.get(host);
    if (set === undefined) this.listeners.set(host, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(host);
    };
  }
}

/** The topology's per-host figures, fed while it is mounted. */
export function useHostRequestsFeed(): HostRequests {
  const api = useApi();
  const store = useMemo(() => new HostRequests(), [api]);
  useEffect(() => feedOf(api).watchHosts((frame) => store.read(frame)), [api, store]);
  return store;
}

/** One host's requests/s, null when unknown. */
export function useHostRequestRate(store: HostRequests, host: string): HostTraffic | null {
  const subscribe = useMemo(() => (listener: () => void) => store.subscribe(host, listener), [store, host]);
  return useSyncExternalStore(subscribe, () => store.of(host));
}
