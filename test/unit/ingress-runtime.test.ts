// The Runtime API client and the runtime plan against a real HAProxy 2.6 in master-worker mode,
// with real HTTP servers as the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { renderIngressConfig } from '../../electron/control-plane/ingress/ingress-config.ts';
import { adminSocket, type HostIngressModel, type IngressPaths, type PoolServer } from '../../electron/control-plane/ingress/ingress-model.ts';
import { readAnswer, RuntimeApi, RuntimeApiError, serverStatLine } from '../../electron/control-plane/ingress/runtime-api.ts';
import { parseStatCsv } from '../../electron/control-plane/ingress/stat-csv.ts';
import { planPoolChanges } from '../../electron/control-plane/ingress/runtime-plan.ts';

const HAPROXY = '/usr/sbin/haproxy';
const BE = 'be_shop__web__80';

interface Backend {
  name: string;
  port: number;
  hits: number;
  server: http.Server;
}

/** A tiny HTTP server that answers its name; /slow?ms=N answers after N ms. */
async function backend(name: string): Promise<Backend> {
  const b: Backend = { name, port: 0, hits: 0, server: http.createServer() };
  b.server.on('request', (req, res) => {
    b.hits++;
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    const timer = setTimeout(() => res.end(name), ms);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((r) => b.server.listen(0, '127.0.0.1', r));
  b.port = (b.server.address() as AddressInfo).port;
  return b;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** One request on a fresh connection: status and body, or the error. */
function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function until<T>(what: string | (() => string), probe: () => Promise<T | null | undefined | false>, ms = 8_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}${last === undefined ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('answers as HAProxy 2.6 writes them: levels 0-3, Unknown command and bad addresses are refusals', () => {
  assert.equal(readAnswer('enable server be/x', '\n\n'), '\n');
  assert.equal(readAnswer('add server be/x 1.2.3.4:5', '\n[6]: New server registered.\n\n'), 'New server registered.\n\n');
  assert.match(readAnswer('set server be/x addr 1.2.3.5 port 5', "\n[4]: IP changed from '1.2.3.4' to '1.2.3.5', no need to change the port by 'stats socket command'\n\n"), /^IP changed/);
  assert.throws(() => readAnswer('del server be/x', '\n[3]: Only servers in maintenance mode can be deleted.\n'), /^RuntimeApiError: HAProxy refused "del server be\/x": Only servers in maintenance mode can be deleted\.$/);
  assert.throws(() => readAnswer('bogus', '\n[6]: Unknown command, but maybe one of the following ones is a better match:\n  help\n\n'), /refused "bogus": Unknown command$/);
  assert.throws(() => readAnswer('set server be/x addr y port 1', "\n[4]: Invalid addr 'y' by 'stats socket command'\n\n"), /Invalid addr/);
  assert.throws(() => readAnswer('set server be/x addr 1.2.3.4 port z', "\n[4]: no need to change the addr, problem converting port 'z' to an int by 'stats socket command'\n\n"), /problem converting/);
});

test('the runtime plan and client against a real HAProxy', { skip: existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`, timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync('/tmp/bi-rt-');
  const paths: IngressPaths = { config: join(dir, 'haproxy.cfg'), socketDir: dir };
  mkdirSync(join(dir, 'ep')); // the folder of route sockets is there before HAProxy binds in it
  const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map(backend));
  const all = [a!, b!, c!, d!];
  const port = await freePort();
  let haproxy: ChildProcess | null = null;
  let output = '';
  t.after(async () => {
    // the master and its workers run in their own process group: end that group, then the servers
    if (haproxy?.pid !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((r) => haproxy!.once('exit', r));
      try {
        process.kill(-haproxy.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-haproxy!.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 3_000);
      await exited;
      clearTimeout(timer);
    }
    for (const s of all) s.server.closeAllConnections();
    await Promise.all(all.map((s) => new Promise((r) => s.server.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  const srv = (name: string, at: Backend, state: PoolServer['state'] = 'ready'): PoolServer => ({ name, address: '127.0.0.1', port: at.port, state });
  const model = (...servers: PoolServer[]): HostIngressModel => ({
    routes: [{ id: 'shop__web__80', stack: 'shop', service: 'web', targetPort: 80, mode: 'http', publish: port, discovery: true, servers }],
  });
  const writeConfig = (m: HostIngressModel) => writeFileSync(paths.config, renderIngressConfig(m, { adminUid: process.getuid!(), paths }));

  let current = model(srv('r_a', a!), srv('r_b', b!));
  writeConfig(current);
  haproxy = spawn(HAPROXY, ['-W', '-db', '-f', paths.config], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout!.on('data', (x: Buffer) => (output += x.toString()));
  haproxy.stderr!.on('data', (x: Buffer) => (output += x.toString()));

  const api = new RuntimeApi(async () => net.connect(adminSocket(paths)));
  const status = async (name: string) => (await api.server(BE, name))?.status ?? null;
  const goTo = async (next: HostIngressModel) => {
    const plan = planPoolChanges(current, next);
    assert.equal(plan.reload, false);
    await api.applySteps(plan.commands);
    current = next;
    writeConfig(current); // as the caller does: the file follows, for the next reload
  };
  /** Which backends answer n requests. */
  const answers = async (n: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const r = await get(port);
      assert.equal(r.status, 200);
      seen.add(r.body);
    }
    return [...seen].sort();
  };

  await until(() => `haproxy up (it said: ${output})`, async () => (await status('r_a')) === 'UP' && (await status('r_b')) === 'UP');
  assert.deepEqual(await answers(4), ['A', 'B']);

  await t.test('an added server comes UP with the config options and takes requests', async () => {
    await goTo(model(srv('r_a', a!), srv('r_b', b!), srv('r_c', c!)));
    await until('r_c UP', async () => (await status('r_c')) === 'UP');
    // a server the options did not reach would still be checked, but with the defaults (rise 2, fall 3)
    const csv = await api.command('show stat');
    const header = csv.split('\n')[0]!.slice(2).split(',');
    const row = csv.split('\n').find((l) => l.startsWith(`${BE},r_c,`))!.split(',');
    assert.equal(row[header.indexOf('check_rise')], '1');
    assert.equal(row[header.indexOf('check_fall')], '2');
    assert.deepEqual(await answers(6), ['A', 'B', 'C']);
  });

  await t.test('a draining server gets no new requests', async () => {
    await goTo(model(srv('r_a', a!, 'drain'), srv('r_b', b!), srv('r_c', c!)));
    assert.equal(await status('r_a'), 'DRAIN');
    const before = a!.hits;
    assert.deepEqual(await answers(8), ['B', 'C']);
    assert.equal(a!.hits, before);
  });

  await t.test('waitDrained sees a session end; a removed server is gone', async () => {
    // roundrobin over r_b and r_c: two slow requests, one on each
    const slow = [get(port, '/slow?ms=1200'), get(port, '/slow?ms=1200')];
    await until('a session on r_b', async () => (await api.serverSessions(BE, 'r_b')) >= 1);
    await goTo(model(srv('r_a', a!, 'drain'), srv('r_b', b!, 'drain'), srv('r_c', c!)));
    assert.equal(await api.waitDrained(BE, 'r_b', Date.now() + 200), false, 'still one session after 200 ms');
    assert.equal(await api.waitDrained(BE, 'r_b', Date.now() + 5_000), true);
    assert.deepEqual((await Promise.all(slow)).map((r) => r.status), [200, 200]);
    await goTo(model(srv('r_a', a!, 'drain'), srv('r_c', c!)));
    assert.equal(await api.server(BE, 'r_b'), null);
    assert.deepEqual(await answers(4), ['C']);
  });

  await t.test('set server addr moves a server', async () => {
    await goTo(model(srv('r_a', a!, 'drain'), srv('r_c', d!)));
    assert.equal((await api.server(BE, 'r_c'))?.addr, `127.0.0.1:${d!.port}`);
    assert.deepEqual(await answers(4), ['D']);
  });

  await t.test('a session held open answers many commands, refusals included, on one connection', async () => {
    let opened = 0;
    const session = new RuntimeApi(async () => {
      opened++;
      return net.connect(adminSocket(paths));
    }).session();
    try {
      const backends = parseStatCsv(await session.command('show stat -1 2 -1'));
      const be = backends.find((r) => r.pxname === BE)!;
      assert.equal(be.type, 'backend');
      const servers = parseStatCsv(await session.command(serverStatLine([be.iid!, be.iid!])));
      // one proxy asked twice: its servers twice, under two headers
      assert.equal(servers.length % 2, 0);
      assert.ok(servers.every((r) => r.type === 'server' && r.pxname === BE));
      await assert.rejects(session.command(`set server ${BE}/nope state drain`), /No such server/);
      assert.match(await session.command('show info'), /^Name: HAProxy/m);
      assert.equal(opened, 1);
    } finally {
      session.close();
    }
  });

  await t.test('a reload keeps the added server and lets an in-flight request finish', async () => {
    const masterPid = haproxy!.pid!;
    const workerBefore = await api.command('show info');
    const slow = get(port, '/slow?ms=1500'); // on r_c (at D), the only server taking requests
    await until('the slow request on r_c', async () => (await api.serverSessions(BE, 'r_c')) >= 1);
    const held = api.session();
    const pidOf = (info: string) => /^Pid: (\d+)$/m.exec(info)?.[1];
    assert.equal(pidOf(await held.command('show info')), pidOf(workerBefore));
    process.kill(masterPid, 'SIGUSR2');
    await until('a new worker', async () => pidOf(await api.command('show info')) !== pidOf(workerBefore));
    // why the metrics loop opens its session again at each new worker: a held connection stays with the old one
    assert.equal(pidOf(await held.command('show info')), pidOf(workerBefore));
    held.close();
    await until('r_c UP in the new worker', async () => (await status('r_c')) === 'UP');
    // the draining server comes back written `disabled`: maintenance, nothing new for it
    assert.equal(await status('r_a'), 'MAINT');
    assert.equal((await api.server(BE, 'r_c'))?.addr, `127.0.0.1:${d!.port}`);
    assert.deepEqual(await answers(4), ['D']);
    const r = await slow;
    assert.deepEqual(r, { status: 200, body: 'D' });
    // and back to ready from there: state ready is the one command it takes
    await goTo(model(srv('r_a', a!), srv('r_c', d!)));
    await until('r_a UP', async () => (await status('r_a')) === 'UP');
    assert.deepEqual(await answers(4), ['A', 'D']);
  });

  await t.test('removing a server with a request in flight cuts it and deletes the server', async () => {
    await goTo(model(srv('r_a', a!, 'drain'), srv('r_c', d!)));
    const slow = get(port, '/slow?ms=20000').then(
      (r) => r.status,
      () => 'cut',
    );
    await until('the long request on r_c', async () => (await api.serverSessions(BE, 'r_c')) >= 1);
    await goTo(model(srv('r_a', a!, 'drain')));
    assert.equal(await api.server(BE, 'r_c'), null);
    assert.notEqual(await slow, 200);
  });

  await t.test('a refused command rejects, naming it', async () => {
    await assert.rejects(api.command(`set server ${BE}/nope state drain`), (err: unknown) => err instanceof RuntimeApiError && err.message === `HAProxy refused "set server ${BE}/nope state drain": No such server.`);
    await assert.rejects(api.command('show nothing at all'), /HAProxy refused "show nothing at all": Unknown command$/);
    await assert.rejects(api.command(`set server ${BE}/r_a addr 300.1.1.1 port 80`), /refused .*Invalid addr/);
    await assert.rejects(api.command(`add server ${BE}/r_a 127.0.0.1:1`), /Already exists a server/);
    await assert.rejects(api.command(`del server ${BE}/r_x; show stat`), /without ";"/);
    // and a deleted server cannot be removed twice
    await assert.rejects(api.applyStep({ kind: 'remove', backend: BE, server: 'r_c' }), /No such server/);
  });

  await t.test('an admin socket that does not answer fails within the deadline', async () => {
    const silent = net.createServer((s) => s.resume()); // reads, never answers
    const sock = join(dir, 'silent.sock');
    await new Promise<void>((r) => silent.listen(sock, r));
    try {
      const slowApi = new RuntimeApi(async () => net.connect(sock), { timeoutMs: 300 });
      const started = Date.now();
      await assert.rejects(slowApi.command('show stat'), /"show stat" got no complete answer within 300 ms/);
      assert.ok(Date.now() - started < 2_000);
      const big = new RuntimeApi(async () => net.connect(adminSocket(paths)), { maxBytes: 100 });
      await assert.rejects(big.command('show stat'), /answered more than 100 bytes/);
    } finally {
      await new Promise((r) => silent.close(r));
    }
  });
});
