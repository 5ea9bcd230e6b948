// A client over the WebSocket can't make the control plane read its files or dial its sockets:
// the files a stack names come with the stack, a key file or socket it names is refused without a
// word on whether it exists, and no answer carries a byte of a file or of a socket's reply.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { StackPlan } from '../../shared/api.ts';
import type { ErrorBody } from '../../shared/errors.ts';
import { listenOnWebSocket, type WebSocketEndpoint } from '../../electron/server/ws-server.ts';
import { readLab, type LabInfo } from '../lab/lab.ts';
import { call, startTestPlane, type TestPlane } from './helpers.ts';

const TOKEN = 'remote-client-test-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'baton-remote-'));
const FAKE_KEY_LINES = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBmYWtlLWtleS1mb3ItYmF0b24tdGVzdHMtb25seS1ub3QtcmVhbA==', '-----END OPENSSH PRIVATE KEY-----'];
const fakeKey = join(dir, 'id_fake');
writeFileSync(fakeKey, FAKE_KEY_LINES.join('\n') + '\n', { mode: 0o600 });

let lab: LabInfo;
let t: TestPlane;
let endpoint: WebSocketEndpoint;
let client: RemoteClient;

interface RemoteClient {
  call(method: string, params: unknown): Promise<{ result?: unknown; error?: ErrorBody }>;
  /** Every message the server sent on this connection, as received. */
  received: string[];
  close(): void;
}

async function connect(): Promise<RemoteClient> {
  const ws = new WebSocket(endpoint.url);
  const received: string[] = [];
  const waiting = new Map<number, (m: { result?: unknown; error?: ErrorBody }) => void>();
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ auth: TOKEN })));
    ws.once('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      const message = JSON.parse(text) as { id?: number; authed?: boolean; result?: unknown; error?: ErrorBody };
      if (message.authed) resolve();
      else if (message.id !== undefined) waiting.get(message.id)?.(message);
    });
  });
  let next = 1;
  return {
    received,
    call: (method, params) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** No line of these files (of 8 characters or more) in anything the server sent. */
function assertNothingOf(lines: string[], received: string[]): void {
  const all = received.join('\n');
  for (const line of lines.map((l) => l.trim()).filter((l) => l.length >= 8)) {
    assert.ok(!all.includes(line) && !all.includes(JSON.stringify(line).slice(1, -1)), `an answer carries a line of the file: ${line.slice(0, 12)}…`);
  }
}

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  endpoint = await listenOnWebSocket(t.plane, { host: '127.0.0.1', port: 0, token: TOKEN });
  client = await connect();
  // a ready host, added on this machine (in process), so a stack can get as far as its plan
  const h = lab.hosts[0]!;
  await call(t.plane, 'host.add', { target: `root@${h.address}`, name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
});

after(async () => {
  client.close();
  await endpoint.close();
  await t.plane.stop();
});

test('a stack naming /etc/shadow or a private key as env_file: nothing is read, the error says the client must send it', async () => {
  assert.ok(existsSync('/etc/shadow'), 'this test runs where /etc/shadow exists (as root)');
  for (const named of ['/etc/shadow', fakeKey]) {
    const answer = await client.call('stack.apply', { source: `name: peek\nservices:\n  web:\n    image: baton-test/web:1\n    env_file: ${named}\n`, file: 'compose.yaml', dryRun: true });
    assert.equal(answer.error?.code, 'INVALID_INPUT', JSON.stringify(answer));
    assert.match(answer.error.message, new RegExp(`compose\\.yaml:5:\\d+: error: .*env file ${named.replace(/[/.]/g, '\\$&')} was not sent with the stack`));
    assert.deepEqual((answer.error.details as { unsentFiles: string[] }).unsentFiles, [named]);
  }
  assertNothingOf(readFileSync('/etc/shadow', 'utf8').split('\n'), client.received);
  assertNothingOf(FAKE_KEY_LINES, client.received);
  assert.deepEqual((await client.call('stack.list', {})).result, [], 'nothing stored');
});

test('the client sends the files its stack names: they are used, and a bad line is placed, not quoted', async () => {
  const source = 'name: sent\nservices:\n  web:\n    image: baton-test/web:1\n    env_file: ./app.env\n';
  const ok = await client.call('stack.apply', { source, file: 'compose.yaml', files: { './app.env': 'GREETING=hello\n' }, dryRun: true });
  assert.equal((ok.result as StackPlan | undefined)?.applied, false, JSON.stringify(ok));
  // a private key sent by mistake as an env file: its lines are not KEY=VALUE, and none comes back
  const bad = await client.call('stack.apply', { source, file: 'compose.yaml', files: { './app.env': FAKE_KEY_LINES.join('\n') }, dryRun: true });
  assert.equal(bad.error?.code, 'INVALID_INPUT');
  assert.match(bad.error.message, /app\.env:1:1: error: .*not KEY=VALUE/);
  assertNothingOf(FAKE_KEY_LINES, client.received);
});

test('host.add with a key file the client names is refused the same way whether the file exists or not', async () => {
  const h = lab.hosts[1]!;
  const answers = [];
  for (const identityFile of [fakeKey, join(dir, 'no-such-key'), lab.keys.root, '/etc/shadow']) {
    const answer = await client.call('host.add', { target: `root@${h.address}`, name: 'h2', identityFile, hostKey: h.hostKeyFingerprint });
    assert.equal(answer.error?.code, 'INVALID_INPUT', JSON.stringify(answer));
    assert.deepEqual(answer.error.details, { field: 'identityFile' });
    answers.push(answer.error.message);
  }
  assert.equal(new Set(answers).size, 1, 'one answer for all: nothing tells whether a path exists');
  assert.doesNotMatch(answers[0]!, /does not exist|can't read|cannot read|permission/i);
  assertNothingOf(FAKE_KEY_LINES, client.received);
  assert.deepEqual(((await client.call('host.list', {})).result as { name: string }[]).map((x) => x.name), ['h1'], 'nothing added');
});

test('host.add of a unix:// socket other than the engine\'s well-known ones is refused without dialling it', async () => {
  let dialled = 0;
  const path = join(dir, 'other.sock');
  const server = net.createServer((s) => {
    dialled++;
    s.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsecret-socket-bytes');
  });
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const real = await client.call('host.add', { target: `unix://${path}`, name: 'other' });
    const absent = await client.call('host.add', { target: 'unix:///some/other.sock', name: 'other' });
    for (const answer of [real, absent]) {
      assert.equal(answer.error?.code, 'INVALID_INPUT', JSON.stringify(answer));
      assert.deepEqual(answer.error.details, { field: 'target' });
      assert.match(answer.error.message, /only a Docker engine's well-known socket/);
    }
    assert.equal(real.error!.message, absent.error!.message, 'nothing tells whether a socket exists');
    assert.equal(dialled, 0, 'the socket was never dialled');
    assert.ok(!client.received.join('\n').includes('secret-socket-bytes'));
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test("a host in the control plane's own ~/.ssh/config is added over the WebSocket with its key", async () => {
  const h = lab.hosts[1]!;
  writeFileSync(join(t.userHome, '.ssh', 'config'), `Host lab-two\n  HostName ${h.address}\n  User root\n  IdentityFile ${lab.keys.root}\n`, { mode: 0o600 });
  // the wizard fills in the alias's key file: it is the control plane's own, so it may be named
  const answer = await client.call('host.add', { target: 'lab-two', name: 'h2', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  assert.equal((answer.result as { state?: string } | undefined)?.state, 'ready', JSON.stringify(answer));
});
