// What the desktop app's preload exposes to its page as `window.baton`: part of the contract, so
// the renderer compiles against shared/ alone. Types only (the renderer may import nothing with zod
// in it); the IPC channels behind it are the main process's and the preload's business
// (electron/window/bridge.ts).
import type { BatonEvent, WireRequest, WireResponse } from './api.ts';
import type { Envelope, ErrorBody } from './errors.ts';

/** The stream part of the wire protocol (./api.ts), which is what crosses the IPC boundary. */
export type StreamRequest = Extract<WireRequest, { stream: string } | { cancel: true } | { input: unknown }>;
export type StreamResponse = Extract<WireResponse, { chunk: unknown } | { end: true } | { error: ErrorBody }>;

/** One message of an open stream, as the renderer gets it. */
export type StreamMessage = { chunk: unknown } | { end: true } | { error: ErrorBody };

/** An open stream of the bridge: close it (a cancel), or send it input (a terminal's keystrokes). */
export interface StreamPort {
  close(): void;
  send(input: unknown): void;
}

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
   * one end or error. Returns its port: close (a cancel; nothing is delivered after it) and send.
   */
  openStream(name: string, params: unknown, onMessage: (message: StreamMessage) => void): StreamPort;
  /** In attach mode, the token for the remote `baton serve`; null otherwise. */
  attachToken(): Promise<string | null>;
}
