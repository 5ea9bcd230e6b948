// One transport and one set of stores for the whole app, so switching views never refetches.
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { ConnectionState, Transport } from '../api/transport.ts';
import { ClusterStore, type ClusterState } from './cluster-store.ts';
import { connectionStore } from './connection-store.ts';
import { EventsStore, type EventsSnapshot } from './events-store.ts';
import { HostsStore, type HostsSnapshot } from './hosts-store.ts';

interface AppState {
  api: Transport;
  hosts: HostsStore;
  cluster: ClusterStore;
  events: EventsStore;
  connection: ReturnType<typeof connectionStore>;
}

const AppStateContext = createContext<AppState | null>(null);

export function AppStateProvider({ api, children }: { api: Transport; children: ReactNode }) {
  const state = useMemo<AppState>(
    () => ({
      api,
      hosts: new HostsStore(api),
      cluster: new ClusterStore(api),
      events: new EventsStore(api, (flush) => requestAnimationFrame(flush)),
      connection: connectionStore(api),
    }),
    [api],
  );
  useEffect(() => {
    const stopHosts = state.hosts.start();
    const stopCluster = state.cluster.start();
    const stopEvents = state.events.start();
    return () => {
      stopHosts();
      stopCluster();
      stopEvents();
    };
  }, [state]);
  return <AppStateContext.Provider value={state}>{children}</AppStateContext.Provider>;
}

function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (state === null) throw new Error('useAppState outside <AppStateProvider>');
  return state;
}

export function useApi(): Transport {
  return useAppState().api;
}

export function useHosts(): HostsSnapshot & { refresh: () => Promise<void> } {
  const { hosts } = useAppState();
  const snapshot = useSyncExternalStore(hosts.subscribe, hosts.getSnapshot);
  return { ...snapshot, refresh: () => hosts.refresh() };
}

export function useCluster(): ClusterState & { refresh: () => Promise<void> } {
  const { cluster } = useAppState();
  const state = useSyncExternalStore(cluster.subscribe, cluster.getSnapshot);
  return { ...state, refresh: () => cluster.refresh() };
}

export function useEvents(): EventsSnapshot {
  const { events } = useAppState();
  return useSyncExternalStore(events.subscribe, events.getSnapshot);
}

export function useConnection(): ConnectionState {
  const { connection } = useAppState();
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}
