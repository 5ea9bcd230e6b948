// One WebSocket client, from its handshake to its close: first the sign-in, then the wire
// protocol of shared/api.ts. Before it is signed in a client is a stranger, so it may do little:
// send its `{ auth }` first (anything else closes the socket), within AUTH_TIMEOUT_MS, and at most
// PRE_AUTH_BYTES in all until the verdict. Those bytes are counted as they arrive on the socket,
// because the ws library buffers a whole message (up to its maxPayload, 16 MiB) before it hands
// it over: a client that sends more is cut off before its message is ever complete.
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { WS_CLOSE_UNAUTHORIZED, type WireResponse } from '../../shared/api.ts';
import type { AuthThrottle } from './auth-throttle.ts';
import type { ControlPlaneLike } from './control-plane-like.ts';
import { sameToken } from './same-token.ts';
import { openWireConnection, type WireConnection } from './wire.ts';

export const AUTH_TIMEOUT_MS = 5000;
/** Everything a client may send before it is signed in: the sign-in message and its framing. */
export const PRE_AUTH_BYTES = 4096;
/** Close code for a client that sent more than PRE_AUTH_BYTES before its verdict (1008: policy violation). */
export const WS_CLOSE_TOO_MUCH_BEFORE_AUTH = 1008;

export interface SessionOptions {
  token: string;
  throttle: AuthThrottle;
  /** The client's address, for the throttle. */
  address: string;
  /** Called once: the client is signed in, or gone. Until then it counts as waiting to sign in. */
  settled(): void;
}

const NOT_AUTH = 'Send {"auth": TOKEN} first, with the token of this baton serve (in BATON_HOME/ws-token), and nothing else before {"authed": true}.';
const WRONG_TOKEN = "That token is not this baton serve's: use the contents of its BATON_HOME/ws-token, on the machine it runs on.";

/** `socket` is the WebSocket, `raw` the connection under it (TCP or TLS), already upgraded. */
export function startSession(plane: ControlPlaneLike, socket: WebSocket, raw: Duplex, options: SessionOptions): void {
  let phase: 'waiting' | 'verifying' | 'authed' | 'closed' = 'waiting';
  let wire: WireConnection | null = null;
  let received = 0;
  /** Messages that came after the sign-in and before its verdict: handled once signed in. */
  const early: RawData[] = [];

  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    raw.off('data', count);
    options.settled();
  };
  const send = (message: WireResponse): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const refuse = (message: string, reason: string): void => {
    phase = 'closed';
    send({ id: -1, error: { code: 'UNAUTHORIZED', message } });
    socket.close(WS_CLOSE_UNAUTHORIZED, reason);
    settle();
  };

  // Runs before ws's own listener (prepended), so the limit is checked before ws buffers the chunk further.
  function count(chunk: Buffer | string): void {
    received += chunk.length;
    if (received > PRE_AUTH_BYTES && phase !== 'authed') {
      phase = 'closed';
      socket.terminate();
      settle();
    }
  }
  raw.prependListener('data', count);

  const authTimer = setTimeout(() => refuse('No sign-in message came in time: send {"auth": TOKEN} as soon as the socket opens.', 'no token'), AUTH_TIMEOUT_MS);

  const handle = (data: RawData): void => {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      send({ id: -1, error: { code: 'INVALID_INPUT', message: 'A message was not valid JSON.' } });
      return;
    }
    wire?.receive(message);
  };

  const verdict = (token: string): void => {
    const right = sameToken(token, options.token);
    if (right) options.throttle.succeeded(options.address);
    else options.throttle.failed(options.address);
    if (phase !== 'verifying') return; // the client went away meanwhile
    if (!right) return refuse(WRONG_TOKEN, 'bad token');
    phase = 'authed';
    settle();
    wire = openWireConnection(plane, send, { transport: 'websocket' });
    send({ authed: true });
    for (const data of early.splice(0)) handle(data);
  };

  socket.on('message', (data) => {
    if (phase === 'authed') return handle(data);
    if (phase === 'verifying') {
      early.push(data);
      return;
    }
    if (phase !== 'waiting') return;
    clearTimeout(authTimer);
    let token: unknown;
    try {
      const message: unknown = JSON.parse(data.toString());
      token = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as { auth?: unknown }).auth : undefined;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string') return refuse(NOT_AUTH, 'sign in first');
    phase = 'verifying';
    setTimeout(() => verdict(token), options.throttle.reserve(options.address));
  });
  socket.on('close', () => {
    clearTimeout(authTimer);
    phase = 'closed';
    wire?.close();
    settle();
  });
  socket.on('error', () => wire?.close());
}
