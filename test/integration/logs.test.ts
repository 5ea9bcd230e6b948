// The logs stream on real lab hosts: a replica's tail, following over the WebSocket and over the
// Unix socket, a service's replicas merged (one that starts later joins), a replica restarted in
// place, and a host that goes away in the middle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { LogLine, ReplicaStatus } from '../../shared/api.ts';
import type { BatonError, ErrorBody } from '../../shared/errors.ts';
import { connectSocket } from '../../electron/server/socket-client.ts';
import { listenOnSocket } from '../../electron/server/socket-server.ts';
import { listenOnWebSocket, type WebSocketEndpoint } from '../../electron/server/ws-server.ts';
import { WsClient, type WebSocketConstructor } from '../../renderer/src/api/ws-client.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabInfo } from '../lab/lab.ts';
import { call, startTestPlane, waitForEvent, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
let ws: WebSocketEndpoint;
let socketPath: string;
let closeSocketServer: () => void = () => {};
const TOKEN = 'logs-test-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'baton-logs-'));

// Compose interpolation: $$ is a literal $.
const STACK = `name: chat
services:
  talker:
    image: baton-test/web:1
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo \\"line $$i\\"; echo \\"err $$i\\" >&2; i=$$((i+1)); sleep 0.2; done"]
    stop_grace_period: 1s
    deploy:
      replicas: 2
`;

interface Collected {
  lines: LogLine[];
  chunks: number;
  ended: Promise<{ code: string; message: string } | null>;
  ends: () => number;
  handlers: { chunk(c: unknown): void; end(e: ErrorBody | BatonError | null): void };
}

function collect(): Collected {
  let ends = 0;
  let resolve: (e: { code: string; message: string } | null) => void = () => {};
  const ended = new Promise<{ code: string; message: string } | null>((r) => (resolve = r));
  const c: Collected = {
    lines: [],
    chunks: 0,
    ended,
    ends: () => ends,
    handlers: {
      chunk(chunk: unknown) {
        c.chunks++;
        c.lines.push(...(chunk as LogLine[]));
      },
      end(e) {
        ends++;
        resolve(e ? { code: e.code, message: e.message } : null);
      },
    },
  };
  return c;
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const talkers = async () => (await call(t.plane, 'replica.list', { service: 'chat/talker' })) as ReplicaStatus[];
const numbers = (lines: LogLine[], stream: 'stdout' | 'stderr') => lines.filter((l) => l.stream === stream).map((l) => Number(/(\d+)$/.exec(l.text)?.[1]));

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  const file = join(dir, 'chat.yaml');
  writeFileSync(file, STACK);
  await call(t.plane, 'stack.apply', { source: readFileSync(file, 'utf8'), file });
  const deadline = Date.now() + 30_000;
  while ((await talkers()).filter((r) => r.state === 'running').length < 2) {
    if (Date.now() > deadline) assert.fail('the talkers did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1500)); // a few lines to read
  ws = await listenOnWebSocket(t.plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  socketPath = join(t.home, 'baton.sock');
  const server = await listenOnSocket(t.plane, socketPath);
  closeSocketServer = () => server.close();
});

after(async () => {
  await ws.close();
  closeSocketServer();
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

test("a replica's last lines: stdout and stderr told apart, stamped, then the end", async () => {
  const r = (await talkers())[0]!;
  const c = collect();
  t.plane.stream('logs', { replica: r.name, tail: 6, follow: false }, c.handlers);
  assert.equal(await c.ended, null);
  assert.equal(c.lines.length, 6, 'the tail counts lines of both streams');
  assert.ok(c.lines.every((l) => l.replica === r.name && l.host === r.host && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(l.time)));
  assert.ok(c.lines.every((l) => (l.stream === 'stdout' ? /^line \d+$/ : /^err \d+$/).test(l.text)), JSON.stringify(c.lines));
  assert.ok(numbers(c.lines, 'stdout').length >= 2 && numbers(c.lines, 'stderr').length >= 2, 'both streams');
  const byId = collect();
  t.plane.stream('logs', { replica: r.id.slice(0, 12), tail: 1, follow: false }, byId.handlers);
  assert.equal(await byId.ended, null);
  assert.equal(byId.lines.length, 1);
});

test('following over the WebSocket: lines keep coming, in order, in chunks; cancel stops them', async () => {
  const r = (await talkers())[0]!;
  const client = new WsClient({ url: ws.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
  // closed whatever happens: a client left open reconnects forever and keeps this file from ending
  try {
    const c = collect();
    const cancel = client.stream('logs', { replica: r.name, tail: 0 }, { chunk: c.handlers.chunk, end: c.handlers.end });
    await until('10 new lines', () => numbers(c.lines, 'stdout').length >= 10, 10_000);
    const out = numbers(c.lines, 'stdout');
    assert.ok(out.every((n, i) => i === 0 || n === out[i - 1]! + 1), `consecutive: ${out.join(',')}`);
    assert.ok(c.chunks < c.lines.length, 'batched, not one message per line');
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = c.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(c.lines.length, seen, 'nothing after cancel');
    assert.equal(c.ends(), 0, 'no end after a cancel');
  } finally {
    client.close();
  }
});

test('following a service over the socket: every replica, prefixed; a replica that starts later joins', async () => {
  const client = await connectSocket(socketPath);
  const c = collect();
  const cancel = client.stream('logs', { service: 'chat/talker', tail: 2 }, { chunk: c.handlers.chunk, end: c.handlers.end });
  const names = (await talkers()).map((r) => r.name);
  await until('lines of both replicas', () => names.every((n) => c.lines.some((l) => l.replica === n)), 10_000);
  await call(t.plane, 'service.scale', { targets: [{ service: 'talker', replicas: 3 }] });
  await until('the third replica joins', () => new Set(c.lines.map((l) => l.replica)).size === 3, 20_000);
  const third = c.lines.find((l) => !names.includes(l.replica))!;
  assert.ok((await talkers()).some((r) => r.name === third.replica && r.host === third.host));
  cancel();
  client.close();
  assert.equal(c.ends(), 0);
});

test('a followed replica restarted in place: its log goes on, no line twice', async () => {
  const r = (await talkers()).find((x) => x.state === 'running')!;
  const host = lab.hosts[Number(r.host.slice(1)) - 1]!;
  const c = collect();
  const cancel = t.plane.stream('logs', { replica: r.name, tail: 0 }, c.handlers);
  await until('some lines', () => numbers(c.lines, 'stdout').length >= 3, 10_000);
  const restarted = waitForEvent(t.plane, (e) => e.kind === 'replica.restarted' && e.replica === r.name, 20_000);
  await dockerCli(host, ['kill', r.id]);
  await restarted;
  const killedAt = c.lines.length;
  await until('lines of the restarted process', () => numbers(c.lines.slice(killedAt), 'stdout').includes(3), 15_000);
  const keys = c.lines.map((l) => `${l.time} ${l.stream} ${l.text}`);
  assert.equal(new Set(keys).size, keys.length, 'no line twice');
  assert.ok(c.lines.slice(killedAt).some((l) => l.text === 'line 0'), 'the new process started from 0, and it is read');
  const times = c.lines.map((l) => l.time);
  assert.deepEqual([...times].sort(), times, 'in time order');
  cancel();
  assert.equal(c.ends(), 0);
});

test('logs of something that is not there: NOT_FOUND, with the way to list', async () => {
  const c = collect();
  t.plane.stream('logs', { replica: 'chat_talker.9.1-nothere' }, c.handlers);
  const err = await c.ended;
  assert.equal(err?.code, 'NOT_FOUND');
  assert.match(err!.message, /baton ps/);
});

test('the host of a followed replica goes away: the stream ends with an error naming that host', async () => {
  const r = (await talkers()).find((x) => x.host === 'h2')!;
  assert.ok(r, 'a talker runs on h2');
  const c = collect();
  t.plane.stream('logs', { replica: r.name, tail: 0 }, c.handlers);
  await until('some lines', () => c.lines.length >= 2, 10_000);
  await killHost(lab.hosts[1]!.name, 'link');
  try {
    const err = await Promise.race([c.ended, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the stream did not end within 20 s')), 20_000))]);
    assert.equal(err?.code, 'UNAVAILABLE');
    assert.match(err!.message, /Host h2 went away.*logs of chat_talker.*baton host ls/);
    assert.equal(c.ends(), 1);
  } finally {
    await reviveHost(lab.hosts[1]!.name);
  }
  await waitForEvent(t.plane, (e) => e.kind === 'host.ready' && e.host === 'h2', 30_000);
});
