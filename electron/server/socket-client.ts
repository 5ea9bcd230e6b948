// The CLI's end of the local transport: typed calls and the event stream over the Unix socket.
import net from 'node:net';
import type { BatonApi, BatonEvent, MethodName, Params, Result, WireResponse } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';

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

function clientOver(socket: net.Socket): SocketClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: BatonEvent) => void>();
  let buffered = '';

  const write = (message: object) => socket.write(JSON.stringify(message) + '\n');
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const message = JSON.parse(line) as WireResponse;
      if ('event' in message) {
        for (const l of listeners) l(message.event);
      } else if ('id' in message) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (!waiter) continue;
        if ('error' in message) waiter.reject(BatonError.fromBody(message.error));
        else waiter.resolve(message.result);
      }
    }
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new BatonError('UNAVAILABLE', 'The control plane closed the connection.'));
    pending.clear();
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
    close() {
      socket.end();
    },
  };
}
