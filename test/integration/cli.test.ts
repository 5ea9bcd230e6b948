// The headless control plane as people run it: `baton serve` in its own process, the CLI over
// the Unix socket, and the WebSocket transport with its token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';

const run = promisify(execFile);
let lab: LabInfo;
let server: ChildProcess;
let wsUrl: string;
const home = mkdtempSync(join(tmpdir(), 'baton-cli-'));
const userHome = mkdtempSync(join(tmpdir(), 'baton-cli-user-'));
const env = { ...process.env, BATON_HOME: home, HOME: userHome, BATON_LOG_LEVEL: 'warn' };

async function baton(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return batonIn(process.cwd(), ...args);
}

async function batonIn(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(process.cwd(), 'bin/baton.mjs'), ...args], { env, timeout: 60_000, cwd });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  lab = readLab();
  server = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--ws', '127.0.0.1:0', '--ingress-image', lab.images.haproxy], { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
  writeFileSync(file, 'name: broken\nservices:\n  web:\n    image: baton-test/web:1\n    deploy:\n      replicas: three\n    links: [db]\n');
  const r = await baton('apply', '-f', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:6:\\d+: error: .*replicas`));
  assert.match(r.stderr, /:7:\d+: error: .*links/);
  assert.equal((await baton('stacks', '--json')).stdout.trim(), '[]');
});

test('apply sends the env files a stack names from beside it, and the plan says where ports answer', async () => {
  const file = join(home, 'withenv.yaml');
  writeFileSync(join(home, 'withenv.env'), 'GREETING=hello\n');
  writeFileSync(file, 'name: withenv\nservices:\n  web:\n    image: baton-test/web:1\n    env_file: ./withenv.env\n    ports: ["8088:8080"]\n    expose: ["9000"]\n');
  const r = await baton('apply', '-f', file, '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /port 8088 on every host \(ingress\) → 8080\/tcp/);
  assert.match(r.stdout, /port 9000\/tcp on Baton's network only/);
  writeFileSync(file, 'name: withenv\nservices:\n  web:\n    image: baton-test/web:1\n    env_file: ./not-here.env\n');
  const missing = await baton('apply', '-f', file, '--dry-run');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /names the file \.\/not-here\.env, which does not exist/);
  assert.equal((await baton('stacks', '--json')).stdout.trim(), '[]');
});

test('apply without -f takes compose.yaml here, with what it includes and extends and the profiles asked for', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-loaded-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'compose.yaml'), 'name: loaded\ninclude: [db/compose.yaml]\nservices:\n  Web:\n    extends: { file: base.yaml, service: app }\n    depends_on: [db]\n  debug:\n    image: baton-test/web:1\n    profiles: [debug]\n');
  writeFileSync(join(dir, 'base.yaml'), 'services:\n  app:\n    image: baton-test/web:1\n    env_file: app.env\n    ports: ["8089:8080"]\n');
  writeFileSync(join(dir, 'app.env'), 'GREETING=hello\n');
  writeFileSync(join(dir, 'db', 'compose.yaml'), 'services:\n  db:\n    image: baton-test/web:1\n');
  const plain = await batonIn(dir, 'apply', '--dry-run', '--json');
  assert.equal(plain.code, 0, plain.stderr);
  const names = (r: { stdout: string }) => (JSON.parse(r.stdout) as { services: { name: string }[] }).services.map((s) => s.name).sort();
  assert.deepEqual(names(plain), ['Web', 'db']);
  const withDebug = await batonIn(dir, 'apply', '--dry-run', '--json', '--profile', 'debug');
  assert.equal(withDebug.code, 0, withDebug.stderr);
  assert.deepEqual(names(withDebug), ['Web', 'db', 'debug']);
  writeFileSync(join(dir, 'db', 'compose.yaml'), 'services:\n  db:\n    image: baton-test/web:1\n    deploy: { replicas: two }\n');
  const bad = await batonIn(dir, 'apply', '--dry-run');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /db\/compose\.yaml:4:\d+: error: services\.db\.deploy\.replicas/);
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

test('config ls and config show: a stack\'s config with the service that mounts it, and its content', async () => {
  const file = join(home, 'conf.yaml');
  writeFileSync(file, 'name: conf\nservices:\n  app:\n    image: baton-test/web:1\n    configs: [cfg]\n    deploy:\n      replicas: 0\nconfigs:\n  cfg:\n    content: |\n      hello = 1\n');
  const applied = await baton('apply', '-f', file);
  assert.equal(applied.code, 0, applied.stderr);
  const ls = await baton('config', 'ls', '--json');
  assert.equal(ls.code, 0, ls.stderr);
  const cfg = (JSON.parse(ls.stdout) as { stack: string; name: string; services: string[]; content: string | null }[]).find((c) => c.stack === 'conf' && c.name === 'cfg');
  assert.deepEqual([cfg?.services, cfg?.content], [['conf/app'], 'hello = 1\n']);
  assert.match((await baton('config', 'ls')).stdout, /^STACK\s+NAME\s+SIZE\s+VERSION\s+USED BY\nconf\s+cfg\s+.*\s+1\s+conf\/app$/m);
  const shown = await baton('config', 'show', 'conf/cfg');
  assert.deepEqual([shown.code, shown.stdout], [0, 'hello = 1\n']);
  const missing = await baton('config', 'show', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no config nope[\s\S]*baton config ls/);
  assert.equal((await baton('rm', 'conf')).code, 0);
});

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

test('logs: a service merged with each line prefixed by its replica, a replica alone, -f until interrupted; then replica restart and stop', async () => {
  const file = join(home, 'chat.yaml');
  writeFileSync(
    file,
    `name: chat
services:
  talker:
    image: baton-test/web:1
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo \\"line $$i\\"; echo \\"err $$i\\" >&2; i=$$((i+1)); sleep 0.2; done"]
    stop_grace_period: 1s
    deploy:
      replicas: 2
`,
  );
  const applied = await baton('apply', '-f', file, '--wait', '--timeout', '60');
  assert.equal(applied.code, 0, applied.stderr);
  // two replicas started at once on one host made Baton's network once, not twice (Docker allows
  // duplicate names, then refuses every container that names it)
  const networks = await dockerCli(lab.hosts[0]!, ['network', 'ls', '-q', '--filter', 'name=^baton$']);
  assert.equal(networks.stdout.trim().split('\n').filter(Boolean).length, 1);
  await new Promise((r) => setTimeout(r, 1200));
  const ls = JSON.parse((await baton('ls', '--json')).stdout) as { name: string; preferredHost: string | null; reservation: unknown }[];
  assert.deepEqual(ls.map((s) => [s.name, s.preferredHost, s.reservation]), [['talker', null, { nanoCpus: null, memoryBytes: null }]]);
  const ps = JSON.parse((await baton('ps', 'talker', '--json')).stdout) as { name: string }[];
  assert.equal(ps.length, 2);
  // no health check: available and running, never called healthy
  const human = (await baton('ls')).stdout.split('\n');
  assert.deepEqual(human[0]!.split(/\s{2,}/), ['SERVICE', 'AVAILABLE', 'HEALTH', 'IMAGE', 'REV', 'PORTS', 'PENDING']);
  assert.deepEqual(human[1]!.split(/\s{2,}/).slice(0, 5), ['chat/talker', '2/2', '2 running (no health check)', 'baton-test/web:1', '1']);
  assert.match((await baton('ps', 'talker')).stdout, /running\s+no check\s+1\s/);

  const merged = await baton('logs', '--tail', '2', 'talker');
  assert.equal(merged.code, 0, merged.stderr);
  const width = Math.max(...ps.map((r) => r.name.length));
  const out = merged.stdout.trim().split('\n');
  assert.ok(out.length >= 2 && out.every((l) => /^chat_talker\.\d+\.1-[0-9a-f]{6} *\| line \d+$/.test(l)), merged.stdout);
  assert.ok(out.every((l) => l.indexOf('|') === width + 1), 'prefixes padded to one width');
  assert.deepEqual(new Set(out.map((l) => l.slice(0, l.indexOf(' ')))), new Set(ps.map((r) => r.name)), 'both replicas');
  assert.match(merged.stderr, /^chat_talker\.\d+\.1-[0-9a-f]{6} *\| err \d+$/m, 'stderr lines on stderr');

  // the replica writes a line to each stream every so often: ask until it has written four
  let one = await baton('logs', '--tail', '4', '--timestamps', ps[0]!.name);
  let lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    assert.equal(one.code, 0, one.stderr);
    lines = [...one.stdout.trim().split('\n'), ...one.stderr.trim().split('\n')].filter(Boolean);
    if (lines.length >= 4) break;
    await new Promise((r) => setTimeout(r, 250));
    one = await baton('logs', '--tail', '4', '--timestamps', ps[0]!.name);
  }
  assert.equal(lines.length, 4);
  assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (line|err) \d+$/.test(l)), lines.join('\n'));

  const missing = await baton('logs', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no replica nope.*baton ps/);

  const follow = spawn(process.execPath, ['bin/baton.mjs', 'logs', '-f', '--tail', '0', 'talker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let followed = '';
  follow.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
  const deadline = Date.now() + 15_000;
  while (followed.split('\n').filter(Boolean).length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(followed.split('\n').filter(Boolean).length >= 6, `new lines while following: ${followed}`);
  const exited = new Promise<number | null>((r) => follow.once('exit', (code) => r(code)));
  follow.kill('SIGINT');
  assert.equal(await exited, 0, 'interrupted cleanly');

  // baton replica restart: the same container, running again; baton replica stop: a new one takes its place
  const target = ps[0]!;
  const restarted = await baton('replica', 'restart', target.name);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.match(restarted.stdout, new RegExp(`^${target.name.replace(/\./g, '\\.')} restarted in place on \\S+: running\\.`));
  assert.ok((JSON.parse((await baton('ps', 'talker', '--json')).stdout) as { name: string }[]).some((r) => r.name === target.name), 'the same replica, by name');
  const stopped = await baton('replica', 'stop', target.name, '--json');
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal((JSON.parse(stopped.stdout) as { state: string }).state, 'exited');
  let after: { name: string; state: string }[] = [];
  for (let i = 0; i < 60; i++) {
    after = JSON.parse((await baton('ps', 'talker', '--json')).stdout) as { name: string; state: string }[];
    if (after.length === 2 && after.every((r) => r.state === 'running' && r.name !== target.name)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual(after.map((r) => r.state), ['running', 'running'], JSON.stringify(after));
  assert.ok(!after.some((r) => r.name === target.name), 'the stopped one was replaced');
  const nothing = await baton('replica', 'restart', 'nope');
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /no replica nope.*baton ps/);

  assert.equal((await baton('rm', 'chat')).code, 0);
});

test('messages a new user meets say which flag, what it takes, and what to do', async () => {
  const limit = await baton('events', '--limit', '0');
  assert.equal(limit.code, 1);
  assert.match(limit.stderr, /--limit 0: takes a whole number from 1 to 10000/);
  assert.doesNotMatch(limit.stderr, /events\.list/, 'the request inside is not the person\'s business');
  const noHost = await baton('events', '--host', 'nope');
  assert.equal(noHost.code, 1);
  assert.match(noHost.stderr, /no host named nope.*\n.*baton host ls/);
  const hostKey = await baton('host', 'add', `root@${lab.hosts[1]!.address}`, '--host-key', 'abc');
  assert.equal(hostKey.code, 1);
  assert.match(hostKey.stderr, /--host-key "abc": a fingerprint looks like SHA256:/);
  const pub = await baton('host', 'add', `root@${lab.hosts[1]!.address}`, '-i', `${lab.keys.root}.pub`, '--host-key', lab.hosts[1]!.hostKeyFingerprint);
  assert.equal(pub.code, 1);
  assert.match(pub.stderr, /is a public key/);
  assert.match(pub.stderr, new RegExp(`--identity ${lab.keys.root.replace(/[.]/g, '\\.')}\\b`));
  const rm = await baton('rm', 'nope');
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /no stack named nope\. See the stacks with: baton stacks/);

  // more replicas than the hosts have room for: said when scaling, not found later
  const file = join(home, 'big.yaml');
  writeFileSync(file, 'name: big\nservices:\n  web:\n    image: baton-test/web:1\n    deploy:\n      replicas: 1\n      resources:\n        reservations:\n          memory: 4G\n');
  assert.equal((await baton('apply', '-f', file)).code, 0);
  const scaled = await baton('scale', 'big/web=1000');
  assert.equal(scaled.code, 0, scaled.stderr);
  assert.match(scaled.stderr, /of 1000 replicas of big\/web can't be placed: web-1: .*memory/);
  assert.match(scaled.stderr, /add hosts, lower the reservations, or scale to \d+/);
  assert.equal((await baton('rm', 'big')).code, 0);
});
