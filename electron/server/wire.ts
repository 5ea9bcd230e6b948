// One client connection speaking the wire protocol of shared/api.ts, whatever carries it
// (Unix socket lines, WebSocket messages, Electron IPC for streams): requests answered with
// envelopes, an event subscription pushed as it happens, and streams of chunks.
import type { BatonEvent, WireResponse } from '../../shared/api.ts';
import type { Caller } from '../control-plane/api/caller.ts';
import type { ControlPlaneLike, StreamCancel } from './control-plane-like.ts';

export interface WireConnection {
  /** Feed one decoded message from the client. */
  receive(message: unknown): void;
  /** The transport closed: drop the subscription, cancel the streams. */
  close(): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `caller`: the transport this connection is on, passed with each of its requests. */
export function openWireConnection(plane: ControlPlaneLike, send: (message: WireResponse) => void, caller: Caller): WireConnection {
  let unsubscribe: (() => void) | null = null;
  const streams = new Map<number, StreamCancel>();
  let closed = false;

  const openStream = (id: number, name: unknown, params: unknown): void => {
    if (streams.has(id)) {
      send({ id, error: { code: 'INVALID_INPUT', message: `A stream with id ${id} is open on this connection already; give each stream its own id.` } });
      return;
    }
    if (typeof name !== 'string') {
      send({ id, error: { code: 'INVALID_INPUT', message: 'A stream request names its stream (e.g. "stream": "logs").' } });
      return;
    }
    if (!plane.stream) {
      send({ id, error: { code: 'UNAVAILABLE', message: 'This server has no streams.' } });
      return;
    }
    let ended = false;
    const cancel = plane.stream(name, params, {
      chunk: (chunk) => {
        if (!ended && !closed) send({ id, chunk });
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        streams.delete(id);
        if (!closed) send(error ? { id, error } : { id, end: true });
      },
    }, caller);
    if (!ended) streams.set(id, cancel);
  };

  return {
    receive(message) {
      if (!isObject(message) || typeof message['id'] !== 'number') {
        send({ id: -1, error: { code: 'INVALID_INPUT', message: 'Each message must be a JSON object with a numeric "id".' } });
        return;
      }
      const id = message['id'];
      if ('subscribe' in message) {
        unsubscribe?.();
        const options = isObject(message['subscribe']) ? message['subscribe'] : {};
        const after = typeof options['after'] === 'number' ? options['after'] : undefined;
        send({ id, result: { subscribed: true, lastEventId: plane.lastEventId() } });
        unsubscribe = plane.subscribe((event: BatonEvent) => send({ event }), after === undefined ? {} : { after });
        return;
      }
      if ('unsubscribe' in message) {
        unsubscribe?.();
        unsubscribe = null;
        send({ id, result: { subscribed: false, lastEventId: plane.lastEventId() } });
        return;
      }
      if ('stream' in message) {
        openStream(id, message['stream'], message['params']);
        return;
      }
      if ('input' in message) {
        // no answer follows input; input to a stream that is not open is dropped (it may have just ended)
        const open = streams.get(id);
        if (open === undefined) return;
        if (open.input) return open.input(message['input']);
        streams.delete(id);
        open();
        send({ id, error: { code: 'INVALID_INPUT', message: `Stream ${id} takes no input; it was closed.` } });
        return;
      }
      if ('cancel' in message) {
        // no answer follows a cancel, not even for an id that is not open (it may have just ended)
        const cancel = streams.get(id);
        streams.delete(id);
        cancel?.();
        return;
      }
      if (typeof message['method'] !== 'string') {
        send({ id, error: { code: 'INVALID_INPUT', message: 'A request needs a "method" (e.g. "host.list"), "stream", "subscribe" or "cancel".' } });
        return;
      }
      void plane.dispatch(message['method'], message['params'], caller).then((envelope) => send({ id, ...envelope }));
    },
    close() {
      closed = true;
      unsubscribe?.();
      unsubscribe = null;
      for (const cancel of streams.values()) cancel();
      streams.clear();
    },
  };
}
