// Streams over every transport: the wire (socket and WebSocket servers), the CLI's socket client,
// the renderer's WebSocket, IPC and "unavailable" clients, in front of a stand-in control plane
// whose streams go through the real stream opener (contract checks, cancel, end once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { LogLine, StreamChunk } from '../../shared/api.ts';
import { BatonError, type ErrorBody } from '../../shared/errors.ts';
import { IN_PROCESS } from '../../electron/control-plane/api/caller.ts';
import { createStreamOpener } from '../../electron/control-plane/api/stream-opener.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import type { ControlPlaneLike } from '../../electron/server/control-plane-like.ts';
import { connectSocket } from '../../electron/server/socket-client.ts';
import { listenOnSocket } from '../../electron/server/socket-server.ts';
import { openWireConnection } from '../../electron/server/wire.ts';
import { listenOnWebSocket } from '../../electron/server/ws-server.ts';
import type { StreamMessage } from '../../shared/bridge.ts';
import { IpcClient } from '../../renderer/src/api/ipc-client.ts';
import { UnavailableClient } from '../../renderer/src/api/unavailable-client.ts';
import { WsClient, type WebSocketConstructor } from '../../renderer/src/api/ws-client.ts';

const TOKEN = 'stream-test-token-0123456789';
const settle = (ms = 40) => new Promise((r) => setTimeout(r, ms));

const line = (n: number): LogLine => ({ replica: 'shop_web.1.1-abc123', host: 'h1', stream: 'stdout', time: `2025-01-01T00:00:0${n % 10}.000000000Z`, text: `line ${n}` });

/** A control plane whose `logs` stream sends a line every 5 ms while following, or three chunks and an end. */
function standInPlane() {
  const opened: unknown[] = [];
  let cancelled = 0;
  const stream = createStreamOpener(
    {
      metrics: () => () => {},
      logs: (params, sink) => {
        opened.push(params);
        if (params.replica === 'missing') throw new BatonError('NOT_FOUND', 'There is no replica missing. See the replicas with: baton ps');
        if (params.follow === false) {
          sink.chunk([line(1)]);
          sink.chunk([line(2), line(3)]);
          sink.end(null);
          return () => {};
        }
        let n = 0;
        const timer = setInterval(() => sink.chunk([line(n++)]), 5);
        return () => {
          cancelled++;
          clearInterval(timer);
        };
      },
    },
    silentLogger(),
  );
  const plane: ControlPlaneLike = {
    dispatch: async () => ({ result: null }),
    subscribe: () => () => {},
    lastEventId: () => 0,
    stream,
  };
  return { plane, opened, cancelled: () => cancelled };
}

/** Collects one stream's chunks and its end. */
function collector() {
  const chunks: StreamChunk<'logs'>[] = [];
  let resolveEnd: (e: BatonError | null) => void = () => {};
  const ended = new Promise<BatonError | null>((r) => (resolveEnd = r));
  let ends = 0;
  return {
    chunks,
    ended,
    ends: () => ends,
    handlers: {
      chunk: (c: StreamChunk<'logs'>) => chunks.push(c),
      end: (e: BatonError | null) => {
        ends++;
        resolveEnd(e);
      },
    },
  };
}

async function socketServer(plane: ControlPlaneLike): Promise<{ path: string; server: net.Server }> {
  const path = join(mkdtempSync(join(tmpdir(), 'baton-streams-')), 'baton.sock');
  return { path, server: await listenOnSocket(plane, path) };
}

test('socket: a stream that ends by itself delivers every chunk, then one end', async () => {
  const { plane } = standInPlane();
  const { path, server } = await socketServer(plane);
  const client = await connectSocket(path);
  const c = collector();
  client.stream('logs', { service: 'web', follow: false }, c.handlers);
  assert.equal(await c.ended, null);
  assert.deepEqual(c.chunks.map((chunk) => chunk.map((l) => l.text)), [['line 1'], ['line 2', 'line 3']]);
  await settle();
  assert.equal(c.ends(), 1);
  client.close();
  server.close();
});

test('socket: bad params and a refused open come back as errors a person can act on', async () => {
  const { plane, opened } = standInPlane();
  const { path, server } = await socketServer(plane);
  const client = await connectSocket(path);
  const both = collector();
  client.stream('logs', { replica: 'x', service: 'web' }, both.handlers);
  const err = await both.ended;
  assert.equal(err?.code, 'INVALID_INPUT');
  assert.match(err!.message, /name either a replica or a service/);
  const missing = collector();
  client.stream('logs', { replica: 'missing' }, missing.handlers);
  assert.equal((await missing.ended)?.code, 'NOT_FOUND');
  const unknown = collector();
  client.stream('nope' as 'logs', { service: 'web' }, unknown.handlers);
  assert.match((await unknown.ended)!.message, /Unknown stream "nope".*logs/);
  assert.equal(opened.length, 1, 'only the valid request reached the opener');
  client.close();
  server.close();
});

test('socket: cancel stops the stream on the server, and nothing is delivered after it', async () => {
  const { plane, cancelled } = standInPlane();
  const { path, server } = await socketServer(plane);
  const client = await connectSocket(path);
  const c = collector();
  const cancel = client.stream('logs', { service: 'web' }, c.handlers);
  while (c.chunks.length < 3) await settle(5);
  cancel();
  const seen = c.chunks.length;
  await settle(60);
  assert.equal(cancelled(), 1, 'the server cancelled it');
  assert.ok(c.chunks.length <= seen + 1, 'at most what was already on its way');
  const after = c.chunks.length;
  await settle(60);
  assert.equal(c.chunks.length, after);
  assert.equal(c.ends(), 0, 'no end after a cancel');
  client.close();
  server.close();
});

test('socket: closing the connection cancels its streams on the server; the client ends them as UNAVAILABLE', async () => {
  const { plane, cancelled } = standInPlane();
  const { path, server } = await socketServer(plane);
  const client = await connectSocket(path);
  const a = collector();
  const b = collector();
  client.stream('logs', { service: 'web' }, a.handlers);
  client.stream('logs', { replica: 'r1' }, b.handlers);
  while (a.chunks.length < 1 || b.chunks.length < 1) await settle(5);
  client.close();
  assert.equal((await a.ended)?.code, 'UNAVAILABLE');
  assert.equal((await b.ended)?.code, 'UNAVAILABLE');
  await settle(60);
  assert.equal(cancelled(), 2);
  server.close();
});

test('wire: no answer to a cancel; a second stream on an open id is refused', () => {
  const { plane } = standInPlane();
  const sent: unknown[] = [];
  const wire = openWireConnection(plane, (m) => sent.push(m), IN_PROCESS);
  wire.receive({ id: 5, cancel: true });
  assert.deepEqual(sent, []);
  wire.receive({ id: 6, stream: 'logs', params: { service: 'web' } });
  wire.receive({ id: 6, stream: 'logs', params: { service: 'web' } });
  assert.match(JSON.stringify(sent), /"id":6,"error".*its own id/);
  wire.close();
});

test('WebSocket (renderer client): chunks flow, cancel stops them on the server', async () => {
  const { plane, cancelled } = standInPlane();
  const ws = await listenOnWebSocket(plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  const client = new WsClient({ url: ws.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
  const done = collector();
  client.stream('logs', { service: 'web', follow: false }, done.handlers);
  assert.equal(await done.ended, null);
  assert.equal(done.chunks.flat().length, 3);
  const c = collector();
  const cancel = client.stream('logs', { service: 'web' }, c.handlers);
  while (c.chunks.length < 3) await settle(5);
  cancel();
  await settle(60);
  const after = c.chunks.length;
  await settle(60);
  assert.equal(c.chunks.length, after, 'nothing after cancel');
  assert.equal(cancelled(), 1);
  client.close();
  await ws.close();
});

test('WebSocket: when the connection drops, an open stream ends with UNAVAILABLE (the view can resume)', async () => {
  const { plane, cancelled } = standInPlane();
  const ws = await listenOnWebSocket(plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  const client = new WsClient({ url: ws.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor, backoff: { initialMs: 10_000 } });
  const c = collector();
  client.stream('logs', { service: 'web' }, c.handlers);
  while (c.chunks.length < 2) await settle(5);
  await ws.close(); // the server goes away
  const err = await c.ended;
  assert.equal(err?.code, 'UNAVAILABLE');
  assert.match(err!.message, /lost.*Open it again/);
  await settle(20);
  assert.equal(cancelled(), 1, 'the server side was cancelled with its connection');
  assert.equal(c.ends(), 1);
  client.close();
});

test('WebSocket: a stream asked for before the connection is up waits for it', async () => {
  const { plane } = standInPlane();
  const ws = await listenOnWebSocket(plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  const client = new WsClient({ url: ws.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
  assert.notEqual(client.connection().status, 'connected');
  const c = collector();
  client.stream('logs', { service: 'web', follow: false }, c.handlers);
  assert.equal(await c.ended, null);
  assert.equal(c.chunks.flat().length, 3);
  client.close();
  await ws.close();
});

test('IPC client: bridge messages become chunks and one end; close is called on cancel', async () => {
  let deliver: (m: StreamMessage) => void = () => {};
  let closed = 0;
  const opened: [string, unknown][] = [];
  const api = new IpcClient({
    invoke: async () => ({ result: null }),
    subscribe: () => () => {},
    openStream: (name, params, onMessage) => {
      opened.push([name, params]);
      deliver = onMessage;
      return { close: () => closed++, send: () => {} };
    },
    attachToken: async () => null,
  });
  const c = collector();
  api.stream('logs', { replica: 'r1' }, c.handlers);
  assert.deepEqual(opened, [['logs', { replica: 'r1' }]]);
  deliver({ chunk: [line(1)] });
  deliver({ error: { code: 'UNAVAILABLE', message: 'Host h1 went away' } satisfies ErrorBody });
  deliver({ chunk: [line(2)] });
  const err = await c.ended;
  assert.equal(err?.code, 'UNAVAILABLE');
  assert.equal(c.chunks.length, 1, 'nothing after the end');
  const d = collector();
  const cancel = api.stream('logs', { replica: 'r1' }, d.handlers);
  cancel();
  deliver({ chunk: [line(3)] });
  assert.equal(closed, 1);
  assert.equal(d.chunks.length, 0);
});

test('no control plane: a stream ends at once with UNAVAILABLE, unless cancelled first', async () => {
  const api = new UnavailableClient('Open this page from the Baton app.');
  const c = collector();
  api.stream('logs', { service: 'web' }, c.handlers);
  const err = await c.ended;
  assert.equal(err?.code, 'UNAVAILABLE');
  assert.match(err!.message, /Baton app/);
  const d = collector();
  api.stream('logs', { service: 'web' }, d.handlers)();
  await settle(10);
  assert.equal(d.ends(), 0);
});
