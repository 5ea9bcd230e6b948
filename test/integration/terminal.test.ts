// A terminal in a replica on real lab hosts, through the API over the WebSocket: a shell that
// answers `hostname` with the container's, a resize the TTY sees, the end with a reason when the
// container stops, and the refusals (a stopped replica, one that does not exist, input too large).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { ExecChunk, ReplicaStatus, StreamControl } from '../../shared/api.ts';
import type { BatonError } from '../../shared/errors.ts';
import { listenOnWebSocket, type WebSocketEndpoint } from '../../electron/server/ws-server.ts';
import { WsClient, type WebSocketConstructor } from '../../renderer/src/api/ws-client.ts';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import { call, startTestPlane, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
let ws: WebSocketEndpoint;
let client: WsClient;
const TOKEN = 'terminal-test-token-0123456789abcdef';

const STACK = `name: term
services:
  box:
    image: baton-test/web:1
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    stop_grace_period: 1s
    deploy:
      replicas: 2
`;

interface Terminal {
  text: () => string;
  exit: () => { code: number | null; reason: string } | null;
  ended: Promise<BatonError | null>;
  control: StreamControl<'exec'>;
}

function open(replica: string, cmd?: string[]): Terminal {
  let out = '';
  let exit: { code: number | null; reason: string } | null = null;
  let resolve: (e: BatonError | null) => void = () => {};
  const ended = new Promise<BatonError | null>((r) => (resolve = r));
  const control = client.stream('exec', { replica, cols: 80, rows: 24, ...(cmd ? { cmd } : {}) }, {
    chunk(chunk: ExecChunk) {
      if ('output' in chunk) {
        out += chunk.output;
        // as a terminal does (xterm.js in the app): the shell's line editor asks where the cursor is
        if (chunk.output.includes('\u001b[6n')) control.send({ data: '\u001b[1;1R' });
      } else exit = chunk.exit;
    },
    end: resolve,
  });
  return { text: () => out, exit: () => exit, ended, control };
}

async function until(what: string, ok: () => boolean, timeoutMs: number, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms ${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The replica the shell test stopped at its end. */
let stoppedHere = '';
const boxes = async () => (await call(t.plane, 'replica.list', { service: 'term/box' })) as ReplicaStatus[];
const labHost = (name: string) => lab.hosts[Number(name.slice(1)) - 1]!;

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(t.plane, 'stack.apply', { source: STACK, file: '/tmp/term.yaml' });
  const deadline = Date.now() + 30_000;
  while ((await boxes()).filter((r) => r.state === 'running').length < 2) {
    if (Date.now() > deadline) assert.fail('the boxes did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  ws = await listenOnWebSocket(t.plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  client = new WsClient({ url: ws.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
});

after(async () => {
  client?.close();
  await ws?.close();
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

test('a shell answers hostname with the container\'s, sees a resize, and ends with a reason when the container stops', async () => {
  const r = (await boxes()).find((b) => b.state === 'running')!;
  const expected = (await dockerCli(labHost(r.host), ['inspect', '-f', '{{.Config.Hostname}}', r.id])).stdout.trim();
  assert.ok(expected.length > 0);
  const term = open(r.name);
  // typed once the shell shows its prompt, as a person would
  await until('the prompt', () => term.text().replace('\u001b[6n', '').endsWith('# '), 10_000, () => JSON.stringify(term.text()));
  term.control.send({ data: 'hostname\r' });
  await until('the hostname', () => term.text().includes(`\n${expected}`) || term.text().split(/\r?\n/).some((l) => l.trim() === expected), 10_000, () => JSON.stringify(term.text()));

  term.control.send({ resize: { cols: 101, rows: 33 } });
  await new Promise((r) => setTimeout(r, 200));
  term.control.send({ data: 'stty size\r' });
  await until('the new size', () => term.text().includes('33 101'), 10_000, () => JSON.stringify(term.text()));

  const events = (await call(t.plane, 'events.list', { limit: 100 })) as { kind: string; replica: string | null; data: Record<string, unknown> | null }[];
  const opened = events.find((e) => e.kind === 'replica.terminal-opened' && e.replica === r.name);
  assert.ok(opened, 'an event says a terminal was opened');
  assert.equal(opened.data?.['transport'], 'websocket');

  stoppedHere = r.name;
  await dockerCli(labHost(r.host), ['stop', '-t', '1', r.id]);
  const error = await Promise.race([term.ended, new Promise<'late'>((res) => setTimeout(() => res('late'), 15_000))]);
  assert.equal(error, null, 'it ended by itself');
  assert.ok(term.exit(), 'a last chunk says why');
  assert.match(term.exit()!.reason, /stopped|removed|exited/);
});

test('a command runs and its exit ends the terminal with its code', { timeout: 20_000 }, async () => {
  // not the replica the test above stopped: the list may not say so yet
  const r = (await boxes()).find((b) => b.state === 'running' && b.name !== stoppedHere)!;
  const term = open(r.name, ['sh', '-c', 'echo done-here; exit 3']);
  assert.equal(await term.ended, null);
  assert.match(term.text(), /done-here/);
  assert.deepEqual(term.exit(), { code: 3, reason: 'The command exited with code 3.' });
});

test('refused: a replica that does not exist, one that is not running, input too large', { timeout: 40_000 }, async () => {
  const missing = open('term_box.9.1-nothere');
  assert.equal((await missing.ended)?.code, 'NOT_FOUND');

  const deadline = Date.now() + 20_000;
  let stopped: ReplicaStatus | undefined;
  while (!(stopped = (await boxes()).find((b) => b.state !== 'running'))) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (stopped) {
    const refused = open(stopped.name);
    const error = await refused.ended;
    assert.ok(error && /running/.test(error.message), `a clear refusal: ${error?.message}`);
  }

  const r = (await boxes()).find((b) => b.state === 'running');
  if (r) {
    const term = open(r.name);
    await new Promise((res) => setTimeout(res, 300));
    term.control.send({ data: 'x'.repeat(20_000) });
    const error = await term.ended;
    assert.equal(error?.code, 'INVALID_INPUT');
  }
});
