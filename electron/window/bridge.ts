// What the preload exposes as `window.baton`, and the IPC channels behind it. Types and
// constants only: main, preload and renderer all import this file.
import type { BatonEvent, WireRequest, WireResponse } from '../../shared/api.ts';
import type { Envelope, ErrorBody } from '../../shared/errors.ts';

export const CHANNEL_CALL = 'baton:call';
export const CHANNEL_EVENT = 'baton:event';
export const CHANNEL_ATTACH_TOKEN = 'baton:attach-token';
/** renderer → main: `{ id, stream, params }` opens a stream, `{ id, cancel: true }` stops it. */
export const CHANNEL_STREAM_REQUEST = 'baton:stream-request';
/** main → renderer: `{ id, chunk }`, then `{ id, end: true }` or `{ id, error }`. */
export const CHANNEL_STREAM_MESSAGE = 'baton:stream-message';

/** The stream part of the wire protocol (shared/api.ts), which is what crosses the IPC boundary. */
export type StreamRequest = Extract<WireRequest, { stream: string } | { cancel: true }>;
export type StreamResponse = Extract<WireResponse, { chunk: unknown } | { end: true } | { error: ErrorBody }>;

/** One message of an open stream, as the renderer gets it. */
export type StreamMessage = { chunk: unknown } | { end: true } | { error: ErrorBody };

/**
 * Errors thrown across contextBridge lose their class, so the bridge hands the renderer the
 * `{ result } | { error }` envelope and the renderer builds `BatonApi` on top of it.
 */
export interface BatonBridge {
  invoke(method: string, params: unknown): Promise<Envelope<unknown>>;
  /** Live events from the embedded control plane. Returns unsubscribe. */
  subscribe(listener: (event: BatonEvent) => void): () => void;
  /**
   * Opens a stream (e.g. logs) of the embedded control plane: `onMessage` gets its chunks, then
   * one end or error. Returns close (a cancel; nothing is delivered after it).
   */
  openStream(name: string, params: unknown, onMessage: (message: StreamMessage) => void): () => void;
  /** In attach mode, the token for the remote `baton serve`; null otherwise. */
  attachToken(): Promise<string | null>;
}
