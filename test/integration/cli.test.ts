// The headless control plane as people run it: `baton serve` in its own process, the CLI over
// the Unix socket, and the WebSocket transport with its token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { readLab, type LabInfo } from '../lab/lab.ts';

const run = promisify(execFile);
let lab: LabInfo;
let server: ChildProcess;
let wsUrl: string;
const home = mkdtempSync(join(tmpdir(), 'baton-cli-'));
const userHome = mkdtempSync(join(tmpdir(), 'baton-cli-user-'));
const env = { ...process.env, BATON_HOME: home, HOME: userHome, BATON_LOG_LEVEL: 'warn' };

async function baton(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/baton.mjs', ...args], { env, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  lab = readLab();
  server = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--ws', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  wsUrl = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 20_000);
    server.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /WebSocket API on (ws:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
});

after(() => {
  server.kill('SIGTERM');
});

test('a CLI call without a running control plane says how to start one', async () => {
  const r = await run(process.execPath, ['bin/baton.mjs', 'host', 'ls'], { env: { ...env, BATON_HOME: mkdtempSync(join(tmpdir(), 'baton-none-')) } }).catch((e: { stderr: string; code: number }) => e);
  assert.equal((r as { code: number }).code, 1);
  assert.match((r as { stderr: string }).stderr, /No Baton control plane is running.*npx baton serve/);
});

test('the socket and the state folder are private to this user', () => {
  assert.equal(statSync(join(home, 'baton.sock')).mode & 0o777, 0o600);
  assert.equal(statSync(home).mode & 0o777, 0o700);
  assert.equal(statSync(join(home, 'ws-token')).mode & 0o777, 0o600);
});

test('host add / ls / inspect / rm, with --json', async () => {
  const h = lab.hosts[0]!;
  const refused = await baton('host', 'add', `root@${h.address}`, '-i', lab.keys.root);
  assert.equal(refused.code, 1);
  assert.ok(refused.stderr.includes(h.hostKeyFingerprint), 'the unknown key is shown');
  const added = await baton('host', 'add', `root@${h.address}`, '--name', 'web-1', '-i', lab.keys.root, '--host-key', h.hostKeyFingerprint, '--label', 'zone=a', '--json');
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).state, 'ready');
  const ls = JSON.parse((await baton('host', 'ls', '--json')).stdout) as { name: string; inventory: { hostname: string } }[];
  assert.deepEqual(ls.map((x) => [x.name, x.inventory.hostname]), [['web-1', h.hostname]]);
  const human = await baton('host', 'ls');
  assert.match(human.stdout, /^NAME\s+STATE\s+ADDRESS/m);
  assert.match(human.stdout, /web-1\s+ready\s+root@10\./);
  const inspect = await baton('host', 'inspect', 'web-1');
  assert.match(inspect.stdout, /Host key\s+SHA256:/);
  assert.match(inspect.stdout, /host\.added/);
  const events = (await baton('events', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
  assert.ok(events.some((e) => e.kind === 'host.ready'));
  const missing = await baton('host', 'rm', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no host named nope/);
});

test('apply with errors prints each at file:line:column and applies nothing', async () => {
  const file = join(home, 'broken.yaml');
  writeFileSync(file, 'name: broken\nservices:\n  web:\n    image: baton-test/web:1\n    deploy:\n      replicas: three\n    build: .\n');
  const r = await baton('apply', '-f', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:6:\\d+: error: .*replicas`));
  assert.match(r.stderr, /:7:\d+: error: .*build/);
  assert.equal((await baton('stacks', '--json')).stdout.trim(), '[]');
});

function wsSession(token: string): Promise<{ ws: WebSocket; first: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.once('open', () => ws.send(JSON.stringify({ auth: token })));
    ws.once('message', (d) => resolve({ ws, first: JSON.parse(d.toString()) }));
    ws.once('error', reject);
  });
}

test('the WebSocket answers only after the right token', async () => {
  const bad = await wsSession('not-the-token-at-all');
  assert.equal((bad.first as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  const code = await new Promise<number>((r) => bad.ws.once('close', (c) => r(c)));
  assert.equal(code, 4401);

  const good = await wsSession(readFileSync(join(home, 'ws-token'), 'utf8').trim());
  assert.deepEqual(good.first, { authed: true });
  const answer = await new Promise<{ id: number; result: { name: string }[] }>((resolve) => {
    good.ws.on('message', (d) => resolve(JSON.parse(d.toString())));
    good.ws.send(JSON.stringify({ id: 7, method: 'host.list', params: {} }));
  });
  assert.equal(answer.id, 7);
  assert.deepEqual(answer.result.map((h) => h.name), ['web-1']);
  good.ws.close();
});
