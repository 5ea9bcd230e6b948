// One client connection speaking the wire protocol of shared/api.ts, whatever carries it
// (Unix socket lines or WebSocket messages): requests answered with envelopes, and an event
// subscription pushed as it happens.
import type { BatonEvent, WireResponse } from '../../shared/api.ts';
import type { ControlPlaneLike } from './control-plane-like.ts';

export interface WireConnection {
  /** Feed one decoded message from the client. */
  receive(message: unknown): void;
  /** The transport closed: drop the subscription. */
  close(): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function openWireConnection(plane: ControlPlaneLike, send: (message: WireResponse) => void): WireConnection {
  let unsubscribe: (() => void) | null = null;

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
      if (typeof message['method'] !== 'string') {
        send({ id, error: { code: 'INVALID_INPUT', message: 'A request needs a "method" (e.g. "host.list").' } });
        return;
      }
      void plane.dispatch(message['method'], message['params']).then((envelope) => send({ id, ...envelope }));
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
