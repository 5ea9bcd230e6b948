// The CLI's end of the local transport: typed calls, the event stream and streams (logs) over the
// Unix socket.
import net from 'node:net';
import type { BatonApi, BatonEvent, MethodName, Params, Result, WireResponse } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import { LineSplitter } from './line-splitter.ts';
import { streamControl } from '../../shared/stream-control.ts';

export interface SocketClient extends BatonApi {
  close(): void;
}

export function connectSocket(path: string): Promise<SocketClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new BatonError('UNAVAILABLE', `No Baton control plane is running at ${path}. Start one with: npx baton serve (or open the desktop app).`));
      } else if (err.code === 'EACCES') {
        reject(new BatonError('UNAVAILABLE', `You may not open ${path}: it belongs to the user running baton serve.`));
      } else reject(err);
    });
    socket.once('connect', () => resolve(clientOver(socket)));
  });
}

interface OpenStream {
  chunk(chunk: unknown): void;
  end(error: BatonError | null): void;
}

function clientOver(socket: net.Socket): SocketClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const streams = new Map<number, OpenStream>();
  const listeners = new Set<(event: BatonEvent) => void>();
  // the control plane is trusted here: no limit on an answer's size, only no rescanning of it
  const splitter = new LineSplitter(Number.POSITIVE_INFINITY);

  const write = (message: object) => socket.write(JSON.stringify(message) + '\n');
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    for (const line of splitter.push(chunk).lines) {
      if (!line) continue;
      const message = JSON.parse(line) as WireResponse;
      if ('event' in message) {
        for (const l of listeners) l(message.event);
      } else if ('id' in message) {
        const stream = streams.get(message.id);
        if (stream) {
          if ('chunk' in message) stream.chunk(message.chunk);
          else if ('end' in message || 'error' in message) {
            streams.delete(message.id);
            stream.end('error' in message ? BatonError.fromBody(message.error) : null);
          }
          continue;
        }
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (!waiter) continue;
        if ('error' in message) waiter.reject(BatonError.fromBody(message.error));
        else if ('result' in message) waiter.resolve(message.result);
      }
    }
  });
  socket.on('close', () => {
    const lost = new BatonError('UNAVAILABLE', 'The control plane closed the connection.');
    for (const waiter of pending.values()) waiter.reject(lost);
    pending.clear();
    for (const stream of streams.values()) stream.end(lost);
    streams.clear();
  });

  const request = (message: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      write({ id, ...message });
    });

  return {
    call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      return request({ method, params }) as Promise<Result<M>>;
    },
    subscribe(listener, options = {}) {
      if (listeners.size === 0) void request({ subscribe: options });
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && !socket.destroyed) void request({ unsubscribe: true });
      };
    },
    stream(name, params, handlers) {
      const id = nextId++;
      if (socket.destroyed) {
        let cancelled = false;
        queueMicrotask(() => cancelled || handlers.end(new BatonError('UNAVAILABLE', 'The connection to the control plane is closed.')));
        return streamControl(() => {
          cancelled = true;
        });
      }
      streams.set(id, { chunk: (chunk) => handlers.chunk(chunk as Parameters<typeof handlers.chunk>[0]), end: (error) => handlers.end(error) });
      write({ id, stream: name, params });
      return streamControl(
        () => {
          if (!streams.delete(id)) return;
          if (!socket.destroyed) write({ id, cancel: true });
        },
        (input) => {
          if (streams.has(id) && !socket.destroyed) write({ id, input });
        },
      );
    },
    close() {
      socket.end();
    },
  };
}
