// BatonApi over an authenticated WebSocket (shared/api.ts, "the wire"): a desktop app attached
// to a remote `baton serve`, and the browser end-to-end tests. Reconnects with backoff and
// resubscribes from the last event it saw, so the event stream has no gap across a drop. An open
// stream (logs) does not survive a drop: it ends with UNAVAILABLE, and the view offers to resume.
import type {
  BatonEvent,
  MethodName,
  Params,
  Result,
  StreamChunk,
  StreamControl,
  StreamHandlers,
  StreamName,
  StreamParams,
  WireRequest,
} from '../../../shared/api.ts';
import { WS_CLOSE_UNAUTHORIZED } from '../../../shared/wire-close.ts';
import { streamControl } from '../../../shared/stream-control.ts';
import { BatonError } from '../../../shared/errors.ts';
import { subscribeWithReplay } from './event-replay.ts';
import type { ConnectionState, Transport } from './transport.ts';
import { errorFromWire } from './wire-errors.ts';

/** The part of the WebSocket API this client uses: the browser's, or the `ws` package's in Node tests. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Where a token a person typed is kept (the browser's session storage): see token-store.ts. */
export interface TokenStore {
  load(): string | null;
  save(token: string): void;
  forget(): void;
}

export interface WsClientOptions {
  url: string;
  /**
   * The serve's token; a function that fetches it (asked again before every connection); or a
   * store, for a page a person signs in to: with none stored the client waits, 'unauthorized',
   * for signIn(), and a token the serve refuses is forgotten.
   */
  token: string | (() => Promise<string>) | TokenStore;
  /** Defaults to the browser's WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Delay before the first retry, doubled each failure up to maxMs. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long a call made while disconnected waits for the connection before failing. */
  connectWaitMs?: number;
}

const SIGN_IN_REASON = 'Its token is the contents of $BATON_HOME/ws-token on the machine it runs on.';

function isTokenStore(token: WsClientOptions['token']): token is TokenStore {
  return typeof token === 'object' && token !== null;
}

// A serve that refuses the token says so before `authed` and closes with this code.
const UNAUTHORIZED_CLOSE_CODES = new Set([WS_CLOSE_UNAUTHORIZED]);

interface InFlight {
  resolve(value: unknown): void;
  reject(error: BatonError): void;
}

interface Queued {
  send(): void;
  reject(error: BatonError): void;
  timer: ReturnType<typeof setTimeout>;
}

interface OpenStream {
  chunk(chunk: unknown): void;
  end(error: BatonError | null): void;
}

export class WsClient implements Transport {
  readonly kind = 'ws';
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly connectWaitMs: number;

  private socket: WebSocketLike | null = null;
  private authed = false;
  private closed = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly queued = new Set<Queued>();
  private readonly streams = new Map<number, OpenStream>();

  private readonly eventListeners = new Set<(event: BatonEvent) => void>();
  private serverSubscription: number | null = null;
  private lastEventId: number | null = null;

  private state: ConnectionState;
  /** Present only when a person can give the token (a page served by `baton serve --ui`). */
  readonly signIn: ((token: string) => void) | undefined;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  constructor(private readonly options: WsClientOptions) {
    const ctor = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (typeof ctor !== 'function') throw new Error('No WebSocket implementation: pass one in options.WebSocket');
    this.WebSocketCtor = ctor;
    this.initialBackoffMs = options.backoff?.initialMs ?? 500;
    this.maxBackoffMs = options.backoff?.maxMs ?? 15_000;
    this.connectWaitMs = options.connectWaitMs ?? 15_000;
    this.state = { status: 'connecting', endpoint: options.url, retryAt: null, reason: null };
    const store = options.token;
    this.signIn = isTokenStore(store)
      ? (token: string): void => {
          store.save(token.trim());
          this.reconnectNow();
        }
      : undefined;
    void this.connect();
  }

  // ------------------------------------------------------------ BatonApi

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.closed) return reject(new BatonError('UNAVAILABLE', 'This connection was closed.'));
      if (this.state.status === 'unauthorized') {
        return reject(new BatonError('UNAUTHORIZED', this.state.reason ?? 'The control plane refused the token.'));
      }
      const id = this.nextId++;
      const send = (): void => {
        this.inFlight.set(id, { resolve, reject });
        this.send({ id, method, params });
      };
      if (this.isReady()) return send();

      const queued: Queued = {
        send,
        reject,
        timer: setTimeout(() => {
          this.queued.delete(queued);
          reject(new BatonError('UNAVAILABLE', `Not connected to the control plane at ${this.options.url}.`));
        }, this.connectWaitMs),
      };
      this.queued.add(queued);
    }) as Promise<Result<M>>; // the control plane validated the result against the contract
  }

  subscribe(listener: (event: BatonEvent) => void, options?: { after?: number }): () => void {
    return subscribeWithReplay(
      (live) => this.addEventListener(live),
      (after, limit) => this.call('events.list', { after, limit }),
      listener,
      options?.after,
    );
  }

  stream<S extends StreamName>(name: S, params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S> {
    const id = this.nextId++;
    let done = false;
    let queued: Queued | null = null;
    const open: OpenStream = {
      chunk: (chunk) => {
        if (!done) handlers.chunk(chunk as StreamChunk<S>); // the control plane checked it against the contract
      },
      end: (error) => {
        if (done) return;
        done = true;
        this.streams.delete(id);
        handlers.end(error);
      },
    };
    const begin = (): void => {
      queued = null;
      if (done) return;
      this.streams.set(id, open);
      this.send({ id, stream: name, params });
    };
    const refuse = (error: BatonError): void => {
      queueMicrotask(() => open.end(error));
    };
    if (this.closed) refuse(new BatonError('UNAVAILABLE', 'This connection was closed.'));
    else if (this.state.status === 'unauthorized') refuse(new BatonError('UNAUTHORIZED', this.state.reason ?? 'The control plane refused the token.'));
    else if (this.isReady()) begin();
    else {
      const waiting: Queued = {
        send: begin,
        reject: (error) => open.end(error),
        timer: setTimeout(() => {
          this.queued.delete(waiting);
          open.end(new BatonError('UNAVAILABLE', `Not connected to the control plane at ${this.options.url}.`));
        }, this.connectWaitMs),
      };
      queued = waiting;
      this.queued.add(waiting);
    }
    return streamControl(
      () => {
        if (done) return;
        done = true;
        const waiting: Queued | null = queued;
        if (waiting !== null) {
          clearTimeout(waiting.timer);
          this.queued.delete(waiting);
          return;
        }
        if (this.streams.delete(id) && this.isReady()) this.send({ id, cancel: true });
      },
      // input before the stream is sent, or after it ended, has nowhere to go
      (input) => {
        if (!done && queued === null && this.streams.has(id) && this.isReady()) this.send({ id, input });
      },
    );
  }

  // ------------------------------------------------------------ Transport

  connection(): ConnectionState {
    return this.state;
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  reconnectNow(): void {
    if (this.closed || this.socket !== null) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.state.status === 'unauthorized') this.setState({ status: 'connecting', reason: null });
    void this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'client closed');
    this.failAll(new BatonError('UNAVAILABLE', 'This connection was closed.'));
  }

  // ------------------------------------------------------------ connection

  private isReady(): boolean {
    return this.socket !== null && this.authed;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let token: string;
    try {
      const source = this.options.token;
      if (isTokenStore(source)) {
        const stored = source.load();
        if (stored === null || stored === '') {
          this.setState({ status: 'unauthorized', retryAt: null, reason: SIGN_IN_REASON });
          return;
        }
        token = stored;
      } else {
        token = typeof source === 'string' ? source : await source();
      }
    } catch (err) {
      this.scheduleReconnect(`Could not get the token: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.closed) return;

    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketCtor(this.options.url);
    } catch (err) {
      this.scheduleReconnect(err instanceof Error ? err.message : String(err));
      return;
    }
    this.socket = socket;
    this.authed = false;
    socket.addEventListener('open', () => {
      if (this.socket === socket) this.send({ auth: token });
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.onMessage(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) this.onClose(event.code, event.reason);
    });
    socket.addEventListener('error', () => {
      // always followed by 'close', which does the work
    });
  }

  private onMessage(data: unknown): void {
    const message = parseMessage(data);
    if (message === null) return;

    if (message['authed'] === true) return this.onAuthed();
    if (!this.authed && 'error' in message) {
      const error = errorFromWire(message['error']);
      return this.onUnauthorized(error.message);
    }
    if ('event' in message) return this.onEvent(message['event'] as BatonEvent);

    const id = message['id'];
    if (typeof id !== 'number') return;
    const stream = this.streams.get(id);
    if (stream !== undefined) {
      if ('chunk' in message) stream.chunk(message['chunk']);
      else if ('error' in message) stream.end(errorFromWire(message['error']));
      else if (message['end'] === true) stream.end(null);
      return;
    }
    const waiting = this.inFlight.get(id);
    if (waiting === undefined) return;
    this.inFlight.delete(id);
    if ('error' in message) waiting.reject(errorFromWire(message['error']));
    else waiting.resolve(message['result']);
  }

  private onAuthed(): void {
    this.authed = true;
    this.failures = 0;
    this.setState({ status: 'connected', retryAt: null, reason: null });
    if (this.eventListeners.size > 0) this.openServerSubscription();
    for (const queued of [...this.queued]) {
      this.queued.delete(queued);
      clearTimeout(queued.timer);
      queued.send();
    }
  }

  private onUnauthorized(reason: string): void {
    if (isTokenStore(this.options.token)) this.options.token.forget(); // ask the person again
    const socket = this.socket;
    this.socket = null;
    this.authed = false;
    this.serverSubscription = null;
    socket?.close(1000, 'unauthorized');
    this.setState({ status: 'unauthorized', retryAt: null, reason });
    this.failAll(new BatonError('UNAUTHORIZED', reason));
  }

  private onClose(code: number, reason: string): void {
    const wasAuthed = this.authed;
    this.socket = null;
    this.authed = false;
    this.serverSubscription = null;
    if (!wasAuthed && UNAUTHORIZED_CLOSE_CODES.has(code)) {
      return this.onUnauthorized(reason !== '' ? reason : 'The control plane refused the token.');
    }
    // Streams do not survive the drop: they end, and whoever showed them may open them again.
    this.endStreams(new BatonError('UNAVAILABLE', 'The connection to the control plane was lost; the stream stopped. Open it again to resume.'));
    // A request in flight may or may not have been carried out: fail it rather than send it twice.
    for (const [id, waiting] of this.inFlight) {
      this.inFlight.delete(id);
      waiting.reject(
        new BatonError(
          'UNAVAILABLE',
          'The connection to the control plane was lost before it answered. Check whether the action took effect before trying again.',
        ),
      );
    }
    this.scheduleReconnect(
      wasAuthed ? 'The connection to the control plane was lost.' : `Could not reach the control plane at ${this.options.url}.`,
    );
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed) return;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.failures);
    this.failures++;
    this.setState({ status: 'reconnecting', retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  private endStreams(error: BatonError): void {
    for (const stream of [...this.streams.values()]) stream.end(error);
    this.streams.clear();
  }

  private failAll(error: BatonError): void {
    this.endStreams(error);
    for (const [id, waiting] of this.inFlight) {
      this.inFlight.delete(id);
      waiting.reject(error);
    }
    for (const queued of [...this.queued]) {
      this.queued.delete(queued);
      clearTimeout(queued.timer);
      queued.reject(error);
    }
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.stateListeners]) listener(this.state);
  }

  private send(message: WireRequest): void {
    this.socket?.send(JSON.stringify(message));
  }

  // ------------------------------------------------------------ events

  // One server-side subscription per connection, shared by every listener: pushed events carry
  // no subscription id, so two would deliver each event twice.
  private addEventListener(listener: (event: BatonEvent) => void): () => void {
    this.eventListeners.add(listener);
    if (this.isReady() && this.serverSubscription === null) this.openServerSubscription();
    return () => {
      this.eventListeners.delete(listener);
      if (this.eventListeners.size === 0) this.closeServerSubscription();
    };
  }

  private openServerSubscription(): void {
    const id = this.nextId++;
    this.serverSubscription = id;
    this.inFlight.set(id, {
      resolve: () => {},
      reject: () => {
        if (this.serverSubscription === id) this.serverSubscription = null;
      },
    });
    this.send({ id, subscribe: this.lastEventId === null ? {} : { after: this.lastEventId } });
  }

  private closeServerSubscription(): void {
    const id = this.serverSubscription;
    if (id === null) return;
    this.serverSubscription = null;
    if (this.isReady()) this.send({ id, unsubscribe: true });
  }

  private onEvent(event: BatonEvent): void {
    if (typeof event !== 'object' || event === null || typeof event.id !== 'number') return;
    if (this.lastEventId !== null && event.id <= this.lastEventId) return; // replayed twice
    this.lastEventId = event.id;
    for (const listener of [...this.eventListeners]) listener(event);
  }
}

function parseMessage(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
