// The renderer's WebSocket transport against a real (tiny) WebSocket server speaking the wire
// protocol of shared/api.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { BatonEvent } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import type { ConnectionStatus } from '../../renderer/src/api/transport.ts';
import { sessionTokenStore } from '../../renderer/src/api/token-store.ts';
import { WsClient } from '../../renderer/src/api/ws-client.ts';

const TOKEN = 'test-token-0123456789';

function event(id: number, kind: BatonEvent['kind'] = 'host.ready'): BatonEvent {
  return {
    id,
    time: new Date(1_700_000_000_000 + id * 1000).toISOString(),
    kind,
    severity: 'info',
    host: 'web-1',
    stack: null,
    service: null,
    replica: null,
    message: `event ${id}`,
    data: null,
  };
}

type Json = Record<string, unknown>;

/** A fake `baton serve`: auth, three methods, a stored event log and subscriptions. */
async function startServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const firstMessages: Json[] = [];
  const subscriptions: Array<{ after?: number }> = [];
  const stored: BatonEvent[] = [];
  const subscribers = new Set<WebSocket>();
  let connections = 0;

  wss.on('connection', (socket) => {
    connections++;
    let authed = false;
    const send = (message: unknown): void => socket.send(JSON.stringify(message));
    socket.on('close', () => subscribers.delete(socket));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as Json;
      if (!authed) {
        firstMessages.push(message);
        if (message['auth'] === TOKEN) {
          authed = true;
          send({ authed: true });
        } else {
          send({ error: { code: 'UNAUTHORIZED', message: 'That token is not valid for this server.' } });
          socket.close(4401, 'unauthorized');
        }
        return;
      }
      const id = message['id'] as number;
      if ('subscribe' in message) {
        const { after } = message['subscribe'] as { after?: number };
        subscriptions.push(after === undefined ? {} : { after });
        send({ id, result: null });
        if (after !== undefined) for (const e of stored.filter((e) => e.id > after)) send({ event: e });
        subscribers.add(socket);
        return;
      }
      if ('unsubscribe' in message) {
        subscribers.delete(socket);
        send({ id, result: null });
        return;
      }
      const params = message['params'] as Json;
      switch (message['method']) {
        case 'system.info':
          return send({ id, result: { version: '0.1.0', home: '/srv/baton', startedAt: 'now', hosts: 2, hostsReady: 1 } });
        case 'host.remove':
          return send({
            id,
            error: { code: 'NOT_FOUND', message: `No host named "${String(params['name'])}".`, details: { name: params['name'] } },
          });
        case 'events.list': {
          const after = (params['after'] as number | undefined) ?? 0;
          return send({ id, result: stored.filter((e) => e.id > after) });
        }
        case 'host.list':
          return; // never answers: a request in flight when the connection drops
        default:
          return send({ id, error: { code: 'INVALID_INPUT', message: 'unknown method' } });
      }
    });
  });

  return {
    url,
    firstMessages,
    subscriptions,
    connections: () => connections,
    /** Stores the event and pushes it to the subscribers (if any are connected). */
    publish(e: BatonEvent): void {
      stored.push(e);
      for (const socket of subscribers) socket.send(JSON.stringify({ event: e }));
    },
    dropAll(): void {
      for (const client of wss.clients) client.terminate();
    },
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function client(url: string, token = TOKEN): WsClient {
  return new WsClient({ url, token, WebSocket, backoff: { initialMs: 20, maxMs: 100 }, connectWaitMs: 2000 });
}

test('authenticates first, then a call makes a round trip', async (t) => {
  const server = await startServer();
  const api = client(server.url);
  t.after(async () => {
    api.close();
    await server.close();
  });

  const statuses: ConnectionStatus[] = [];
  api.onConnectionChange((state) => statuses.push(state.status));
  const info = await api.call('system.info', {}); // made before the connection is up: it waits
  assert.deepEqual(info, { version: '0.1.0', home: '/srv/baton', startedAt: 'now', hosts: 2, hostsReady: 1 });
  assert.deepEqual(server.firstMessages, [{ auth: TOKEN }], 'the first message on the socket is the token');
  assert.equal(api.connection().status, 'connected');
  assert.deepEqual(statuses, ['connected']);
});

test('an error envelope becomes a thrown BatonError with its code and details', async (t) => {
  const server = await startServer();
  const api = client(server.url);
  t.after(async () => {
    api.close();
    await server.close();
  });

  await assert.rejects(api.call('host.remove', { name: 'db-9' }), (err: unknown) => {
    assert.ok(err instanceof BatonError);
    assert.equal(err.code, 'NOT_FOUND');
    assert.equal(err.message, 'No host named "db-9".');
    assert.deepEqual(err.details, { name: 'db-9' });
    return true;
  });
});

test('a refused token: UNAUTHORIZED, no retry loop, calls fail at once', async (t) => {
  const server = await startServer();
  const api = client(server.url, 'wrong-token');
  t.after(async () => {
    api.close();
    await server.close();
  });

  await until('unauthorized', () => api.connection().status === 'unauthorized');
  assert.match(api.connection().reason ?? '', /not valid/);
  await assert.rejects(api.call('system.info', {}), (err: unknown) => err instanceof BatonError && err.code === 'UNAUTHORIZED');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(server.connections(), 1, 'it does not hammer the server with a token it refused');
});

test('a person signs in: with no token kept it waits without connecting; a refused one is forgotten; a good one is kept', async (t) => {
  const server = await startServer();
  const storage = new Map<string, string>();
  const store = sessionTokenStore({ getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) }, server.url);
  const api = new WsClient({ url: server.url, token: store, WebSocket, backoff: { initialMs: 20, maxMs: 100 }, connectWaitMs: 2000 });
  t.after(async () => {
    api.close();
    await server.close();
  });

  await until('asked to sign in', () => api.connection().status === 'unauthorized');
  assert.match(api.connection().reason ?? '', /ws-token/, 'it says where the token is');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(server.connections(), 0, 'no connection is made without a token');

  assert.ok(api.signIn !== undefined);
  api.signIn('wrong-token');
  await until('the wrong token refused', () => server.connections() === 1 && api.connection().status === 'unauthorized' && /not valid/.test(api.connection().reason ?? ''));
  assert.equal(store.load(), null, 'a refused token is not kept');

  api.signIn(`  ${TOKEN}\n`); // pasted with white space around it
  await until('connected', () => api.connection().status === 'connected');
  assert.equal(store.load(), TOKEN);
  assert.deepEqual(server.firstMessages.at(-1), { auth: TOKEN });
  assert.ok((await api.call('system.info', {})) !== null);
  const given = client(server.url);
  assert.equal(given.signIn, undefined, 'a client given its token asks no person');
  given.close();
});

test('events are delivered; after a drop the client reconnects and resubscribes from the last event', async (t) => {
  const server = await startServer();
  const api = client(server.url);
  t.after(async () => {
    api.close();
    await server.close();
  });

  const received: number[] = [];
  const unsubscribe = api.subscribe((e) => received.push(e.id));
  await until('subscribed', () => server.subscriptions.length === 1);
  assert.deepEqual(server.subscriptions[0], {}, 'a first subscription without `after` is live only');

  server.publish(event(1));
  server.publish(event(2, 'host.unreachable'));
  await until('two events', () => received.length === 2);
  assert.deepEqual(received, [1, 2]);

  // A request in flight when the connection drops fails: it may or may not have been carried out.
  const inFlight = api.call('host.list', {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  server.dropAll();
  await assert.rejects(inFlight, (err: unknown) => err instanceof BatonError && err.code === 'UNAVAILABLE');
  assert.equal(api.connection().status, 'reconnecting');

  server.publish(event(3)); // happens while the client is away
  await until('resubscribed', () => server.subscriptions.length === 2);
  assert.deepEqual(server.subscriptions[1], { after: 2 }, 'resubscribes from the last event it saw');
  await until('the missed event', () => received.length === 3);
  assert.equal(api.connection().status, 'connected');

  server.publish(event(4));
  await until('live again', () => received.length === 4);
  assert.deepEqual(received, [1, 2, 3, 4], 'each event once, in order');
  assert.equal(server.connections(), 2);

  unsubscribe();
  server.publish(event(5));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(received, [1, 2, 3, 4], 'nothing after unsubscribe');
});

test('subscribe with `after` replays stored events, then goes live, without duplicates', async (t) => {
  const server = await startServer();
  server.publish(event(1));
  server.publish(event(2));
  server.publish(event(3));
  const api = client(server.url);
  t.after(async () => {
    api.close();
    await server.close();
  });

  const received: number[] = [];
  api.subscribe((e) => received.push(e.id), { after: 1 });
  await until('replay', () => received.length === 2);
  server.publish(event(4));
  await until('live', () => received.length === 3);
  assert.deepEqual(received, [2, 3, 4]);
});

test('a call made while disconnected waits for the reconnection', async (t) => {
  const server = await startServer();
  const api = client(server.url);
  t.after(async () => {
    api.close();
    await server.close();
  });

  await api.call('system.info', {});
  server.dropAll();
  await until('reconnecting', () => api.connection().status === 'reconnecting');
  const info = await api.call('system.info', {});
  assert.equal(info.version, '0.1.0');
  assert.equal(api.connection().status, 'connected');
});

test('reconnect backoff grows and is reported for the banner', async (t) => {
  const server = await startServer();
  const url = server.url;
  await server.close(); // nothing listens there any more
  const api = client(url);
  t.after(() => api.close());

  const delays: number[] = [];
  api.onConnectionChange((state) => {
    if (state.status === 'reconnecting' && state.retryAt !== null) delays.push(state.retryAt - Date.now());
  });
  await until('three attempts', () => delays.length >= 4, 5000);
  assert.match(api.connection().reason ?? '', /Could not reach the control plane/);
  assert.ok(delays[3]! > delays[0]!, `backoff grows: ${delays.join(', ')}`);
  assert.ok(delays.every((d) => d <= 100), 'and stays under its maximum');
});
