// The IPC channels behind `window.baton` (its shape is shared/bridge.ts), and main's check of what
// the page sends on them. Constants and pure functions only: main and preload both import this file.
import type { StreamRequest } from '../../shared/bridge.ts';

export const CHANNEL_CALL = 'baton:call';
export const CHANNEL_EVENT = 'baton:event';
export const CHANNEL_ATTACH_TOKEN = 'baton:attach-token';
/** renderer → main: `{ id, stream, params }` opens a stream, `{ id, input }` sends it input, `{ id, cancel: true }` stops it. */
export const CHANNEL_STREAM_REQUEST = 'baton:stream-request';
/** main → renderer: `{ id, chunk }`, then `{ id, end: true }` or `{ id, error }`. */
export const CHANNEL_STREAM_MESSAGE = 'baton:stream-message';

/** The page is not trusted to send what the preload would: main checks the shape (the wire checks the rest). */
export function isStreamRequest(value: unknown): value is StreamRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['id'] === 'number' && (typeof r['stream'] === 'string' || r['cancel'] === true || 'input' in r);
}
