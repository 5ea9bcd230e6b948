// What the preload exposes as `window.baton`, and the IPC channels behind it. Types and
// constants only: main, preload and renderer all import this file.
import type { BatonEvent } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';

export const CHANNEL_CALL = 'baton:call';
export const CHANNEL_EVENT = 'baton:event';
export const CHANNEL_ATTACH_TOKEN = 'baton:attach-token';

/**
 * Errors thrown across contextBridge lose their class, so the bridge hands the renderer the
 * `{ result } | { error }` envelope and the renderer builds `BatonApi` on top of it.
 */
export interface BatonBridge {
  invoke(method: string, params: unknown): Promise<Envelope<unknown>>;
  /** Live events from the embedded control plane. Returns unsubscribe. */
  subscribe(listener: (event: BatonEvent) => void): () => void;
  /** In attach mode, the token for the remote `baton serve`; null otherwise. */
  attachToken(): Promise<string | null>;
}
