import type { ConnectionState, Transport } from '../api/transport.ts';

/** The transport's connection state as a store for useSyncExternalStore. */
export function connectionStore(api: Transport): {
  getSnapshot: () => ConnectionState;
  subscribe: (listener: () => void) => () => void;
} {
  return {
    getSnapshot: () => api.connection(),
    subscribe: (listener) => api.onConnectionChange(() => listener()),
  };
}
