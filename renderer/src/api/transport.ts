// What the renderer talks to: the contract's BatonApi plus the state of the connection under it.
// Three implementations: IPC (the desktop app), WebSocket (attach mode, browser tests), and
// "none" (a page opened with no control plane to talk to).
import type { BatonApi } from '../../../shared/api.ts';

export type ConnectionStatus =
  | 'connecting' // first attempt, nothing shown yet
  | 'connected'
  | 'reconnecting' // was connected (or tried), retrying with backoff
  | 'unauthorized' // the control plane refused the token; no retry until asked
  | 'unavailable'; // no control plane to talk to at all

export interface ConnectionState {
  status: ConnectionStatus;
  /** Where the control plane is, for people: "this app" or a ws:// URL. */
  endpoint: string;
  /** While reconnecting: when the next attempt starts (ms since epoch). */
  retryAt: number | null;
  /** Why it is not connected, in words a person can act on. */
  reason: string | null;
}

export interface Transport extends BatonApi {
  readonly kind: 'ipc' | 'ws' | 'none';
  connection(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** Skip the backoff wait (or retry after a refused token). */
  reconnectNow(): void;
  /** Present when a person gives the token (a page served by `baton serve --ui`): keep it and connect. */
  readonly signIn?: ((token: string) => void) | undefined;
  close(): void;
}
