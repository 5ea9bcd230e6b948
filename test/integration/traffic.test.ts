// Traffic on real lab hosts: a published port answers on every host and balances over replicas on
// every host; a replica finds a service by name, also one deployed after it started; a replica
// killed, a scale-down and a control plane gone, each under load through the front door, with
// every non-2xx answer and socket error counted; a published port something else holds on a host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { BatonEvent, ServiceStatus } from '../../shared/api.ts';
import type { RolloutStatus } from '../../shared/rollout.ts';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dockerCli, killHost, readLab, reviveHost, type LabInfo } from '../lab/lab.ts';
import { describeLoad, startLoad } from '../lab/load.ts';
import { tryRun } from '../lab/exec.ts';
import { call, startTestPlane, until as untilHolds, waitForEvent, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

const WEB = `name: shop
services:
  web:
    image: baton-test/web:1
    ports: ["8080:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 2s
    deploy:
      replicas: 6
  client:
    image: baton-test/web:1
    deploy:
      replicas: 1
`;

const API = `name: back
services:
  api:
    image: baton-test/web:2
    expose: ["8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    deploy:
      replicas: 2
`;

/** Until it holds; a probe that throws (nothing answers yet) is tried again. */
function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  return untilHolds(what, probe, ok, timeoutMs, { retryErrors: true, pollMs: 200 });
}

/** The container hostname (its short id) that answered GET / at this address. */
async function answerFrom(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return /hostname=(\S+)/.exec(text)?.[1] ?? text;
}

const service = async (name: string) => ((await call(t.plane, 'service.list', {})) as ServiceStatus[]).find((s) => s.name === name)!;
async function containerIds(filter: string): Promise<{ host: string; id: string }[]> {
  const perHost = await Promise.all(
    lab.hosts.map(async (h, i) => {
      const out = await dockerCli(h, ['ps', '-q', '--filter', filter]);
      return out.stdout.split('\n').filter(Boolean).map((id) => ({ host: `h${i + 1}`, id }));
    }),
  );
  return perHost.flat();
}

/** Every web replica answers on every host's published port (so the pools hold them all). */
async function allServing(count: number): Promise<void> {
  await until(`${count} healthy web replicas`, () => service('web'), (s) => s.healthy === count, 60_000);
  for (const h of lab.hosts) {
    await until(
      `all ${count} replicas answer through ${h.address}:8080`,
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < count * 4; i++) seen.add(await answerFrom(`http://${h.address}:8080/`));
        return seen.size;
      },
      (n) => n === count,
      30_000,
    );
  }
}

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(t.plane, 'stack.apply', { source: WEB, file: '/stacks/shop/compose.yaml' });
  await allServing(6);
});

after(async () => {
  await t?.plane.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

describe('ingress on every host', () => {
  test('asked at every host, answers come from replicas on every host', async () => {
    const replicaHost = new Map((await containerIds('label=baton.service=web')).map((c) => [c.id.slice(0, 12), c.host]));
    for (const h of lab.hosts) {
      const hostsSeen = new Set<string>();
      for (let i = 0; i < 30; i++) hostsSeen.add(replicaHost.get(await answerFrom(`http://${h.address}:8080/`)) ?? '?');
      assert.deepEqual([...hostsSeen].sort(), ['h1', 'h2', 'h3'], `through ${h.address}: replicas of every host answer`);
    }
    const listed = (await call(t.plane, 'replica.list', { service: 'shop/web' })) as { pool?: string }[];
    assert.deepEqual(listed.map((r) => r.pool), Array(6).fill('serving'), 'baton ps says each replica takes traffic');
    const ingresses = await containerIds('name=baton-ingress');
    assert.deepEqual(ingresses.map((c) => c.host).sort(), ['h1', 'h2', 'h3'], 'one baton-ingress per host');
  });

  test('a killed ingress is up again (Docker restarts it) and serves the same pool', async () => {
    const h3 = lab.hosts[2]!;
    await dockerCli(h3, ['kill', 'baton-ingress']);
    await until('the ingress on h3 answers again', () => answerFrom(`http://${h3.address}:8080/`), () => true, 30_000);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) seen.add(await answerFrom(`http://${h3.address}:8080/`));
    assert.equal(seen.size, 6, 'all six replicas, from the config on the host');
  });
});

describe('service discovery by name', () => {
  test('from a replica: web.shop and web reach the web service; back/api deployed later is reachable as api.back without restarting anything', async () => {
    const [client] = await containerIds('label=baton.service=client');
    assert.ok(client, 'the client replica runs');
    const host = lab.hosts[Number(client.host.slice(1)) - 1]!;
    // GET / over nc: the lab image's static busybox wget crashes when it writes a body anywhere but /dev/null
    const wget = (url: string) => {
      const { hostname, port } = new URL(url);
      return dockerCli(host, ['exec', client.id, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\nHost: ${hostname}\\r\\n\\r\\n' | nc -w 3 ${hostname} ${port}`]);
    };
    await until('web:8080 from the client', async () => (await wget('http://web:8080/')).stdout, (out) => /version=1/.test(out), 30_000);
    assert.match((await wget('http://web.shop:8080/')).stdout, /version=1/);
    const startedAt = (await dockerCli(host, ['inspect', '-f', '{{.State.StartedAt}}', client.id])).stdout.trim();
    await call(t.plane, 'stack.apply', { source: API, file: '/stacks/back/compose.yaml' });
    await until('api.back:8080 from the same client', async () => (await wget('http://api.back:8080/')).stdout, (out) => /version=2/.test(out), 60_000);
    assert.equal((await dockerCli(host, ['inspect', '-f', '{{.State.StartedAt}}', client.id])).stdout.trim(), startedAt, 'the client was not restarted');
    // the bare name is the stack's own: `api` is no name in shop
    assert.notEqual((await wget('http://api:8080/')).code, 0, 'api is not a name inside stack shop');
    // replicas of back/api on every host are reached from this one host
    const apiReplicas = new Map((await containerIds('label=baton.service=api')).map((c) => [c.id.slice(0, 12), c.host]));
    const answered = new Set<string>();
    for (let i = 0; i < 20; i++) answered.add(/hostname=(\S+)/.exec((await wget('http://api.back:8080/')).stdout)?.[1] ?? '?');
    assert.ok([...answered].every((h) => apiReplicas.has(h)), 'answers come from api replicas');
    // expose-only ports bind nothing on the hosts: the replicas elsewhere are reached through their host's ingress
    assert.deepEqual(new Set([...answered].map((h) => apiReplicas.get(h))), new Set(apiReplicas.values()), `both api replicas answer, wherever they run (client on ${client.host})`);
    assert.ok([...apiReplicas.values()].some((h) => h !== client.host), 'at least one api replica runs on another host than the client');
  });
});

describe('under load: no failed request', () => {
  const url = () => `http://${lab.hosts[0]!.address}:8080/`;
  const load = () => startLoad({ url: url(), connections: 8, threads: 2, durationS: 12, timeoutS: 3 });

  test('docker kill of a replica under load', async () => {
    const running = load();
    await new Promise((r) => setTimeout(r, 3000));
    const [victim] = await containerIds('label=baton.service=web');
    const host = lab.hosts[Number(victim!.host.slice(1)) - 1]!;
    await dockerCli(host, ['kill', victim!.id]);
    const result = await running.result;
    assert.ok(result.requests > 500, `load ran: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, describeLoad(result));
    await allServing(6);
  });

  test('scale 6 → 2 → 6 under load: the replicas leave the pools before they stop', async () => {
    const running = load();
    await new Promise((r) => setTimeout(r, 2000));
    const drained: BatonEvent[] = [];
    const off = t.plane.subscribe((e) => {
      if (e.kind === 'replica.drained') drained.push(e);
    });
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 2 }] });
    await until('2 web replicas', () => containerIds('label=baton.service=web'), (c) => c.length === 2, 30_000);
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 6 }] });
    const result = await running.result;
    off();
    assert.ok(result.requests > 500, `load ran: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, describeLoad(result));
    assert.equal(drained.length, 4, 'each of the 4 removed replicas was drained first');
    await allServing(6);
  });

  test('the control plane killed under load: traffic goes on unchanged', async () => {
    // a real `baton serve` on its own home, given the hosts and the stack, then kill -9
    const { home, userHome } = t;
    await t.plane.stop();
    const env = { ...process.env, BATON_HOME: home, HOME: userHome };
    const server: ChildProcess = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--ingress-image', lab.images.haproxy], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve did not start')), 20_000);
      server.stderr!.on('data', (d: Buffer) => {
        if (/serving/.test(d.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await allServingThroughAll(6);
    const running = load();
    await new Promise((r) => setTimeout(r, 2000));
    server.kill('SIGKILL');
    const result = await running.result;
    assert.ok(result.requests > 500, `load ran: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, describeLoad(result));
    // and a replica killed with no control plane at all: Docker restarts it, the ingress's checks keep traffic whole
    const running2 = load();
    await new Promise((r) => setTimeout(r, 2000));
    const [victim] = await containerIds('label=baton.service=web');
    await dockerCli(lab.hosts[Number(victim!.host.slice(1)) - 1]!, ['kill', victim!.id]);
    const result2 = await running2.result;
    assert.equal(result2.failed, 0, describeLoad(result2));
    t = await startTestPlane({ home, userHome }); // the rest of the file and its cleanup
    await until('the hosts are ready again', async () => (await call(t.plane, 'host.list', {})) as { state: string }[], (hs) => hs.length === 3 && hs.every((h) => h.state === 'ready'), 30_000);
  });
});

/** Every host's published port answers and spreads over `count` replicas (no control plane API needed). */
async function allServingThroughAll(count: number, timeoutMs = 30_000): Promise<void> {
  for (const h of lab.hosts) {
    await until(
      `${count} replicas answer through ${h.address}:8080`,
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < count * 4; i++) seen.add(await answerFrom(`http://${h.address}:8080/`));
        return seen.size;
      },
      (n) => n === count,
      timeoutMs,
    );
  }
}

describe('a published port something else holds on one host', () => {
  test('that host publishes nothing there and says who holds it; the other hosts serve it', async () => {
    const h2 = lab.hosts[1]!;
    // a plain container on h2 holding 9090 on the host
    await dockerCli(h2, ['run', '-d', '--name', 'squatter', '-p', '9090:8080', 'baton-test/web:1']);
    try {
      const blocked = waitForEvent(t.plane, (e) => e.kind === 'ingress.port-blocked' && e.host === 'h2', 30_000);
      await call(t.plane, 'stack.apply', { source: WEB.replace('"8080:8080"', '"8080:8080", "9090:8080"'), file: '/stacks/shop/compose.yaml' });
      const event = await blocked;
      assert.match(event.message, /port 9090 on h2 is held by container squatter/);
      assert.match(event.message, /shop\/web/);
      for (const h of [lab.hosts[0]!, lab.hosts[2]!]) await until(`9090 on ${h.address}`, () => answerFrom(`http://${h.address}:9090/`), (x) => x.length > 0, 30_000);
      // on h2, 9090 is still the squatter's, and 8080 still Baton's
      assert.match(await (await fetch(`http://${h2.address}:9090/`)).text(), /version=1/);
      const s = await service('web');
      assert.ok(s.ports.some((p) => /9090/.test(p) && /h2/.test(p)), `baton ls names the blocked host: ${s.ports.join(', ')}`);
    } finally {
      await dockerCli(h2, ['rm', '-f', 'squatter']);
    }
  });
});

describe('a port published on the loopback', () => {
  test('each host answers it on its own 127.0.0.1 and nowhere else', async () => {
    const before = WEB.replace('"8080:8080"', '"8080:8080", "9090:8080"'); // as the test above left it
    await call(t.plane, 'stack.apply', { source: WEB.replace('"8080:8080"', '"8080:8080", "9090:8080", "127.0.0.1:9191:8080"'), file: '/stacks/shop/compose.yaml' });
    try {
      for (const h of lab.hosts) {
        await until(
          `127.0.0.1:9191 inside ${h.name}`,
          async () => {
            const get = "fetch('http://127.0.0.1:9191/', { signal: AbortSignal.timeout(3000) }).then(async (r) => process.stdout.write(r.status + ' ' + (await r.text())))";
            const got = await tryRun('ip', ['netns', 'exec', h.netns, process.execPath, '-e', get]);
            if (got.code !== 0) throw new Error(got.stderr);
            return got.stdout;
          },
          (out) => /^200 .*hostname=/s.test(out),
          30_000,
        );
        await assert.rejects(fetch(`http://${h.address}:9191/`, { signal: AbortSignal.timeout(3000) }), `${h.address}:9191 is not reachable from the network`);
      }
      const s = await service('web');
      assert.ok(s.ports.some((p) => p.startsWith('127.0.0.1:9191->8080/tcp')), `baton ls says where it is bound: ${s.ports.join(', ')}`);
    } finally {
      await call(t.plane, 'stack.apply', { source: before, file: '/stacks/shop/compose.yaml' });
    }
  });
});

describe('a host restarted while the control plane is down', () => {
  test('its ingress comes back by itself with the same pools, though /run was emptied', async () => {
    const { home, userHome } = t;
    const clusterId = t.plane.store.settings.get('cluster_id')!;
    // settled first: a change of the test before may still be rolling out (an extra replica of the
    // new revision up), and with the control plane down it would stay so
    await until(
      'web settled at 6 replicas of one revision',
      async () => (await call(t.plane, 'rollout.status', { service: 'web' })) as RolloutStatus,
      (r) => r.updated === 6 && r.old === 0 && r.healthy === 6 && !['rolling', 'paused', 'rolling-back'].includes(r.phase),
      90_000,
    );
    await allServingThroughAll(6);
    await t.plane.stop();
    try {
      await killHost(lab.hosts[2]!.name, 'process');
      // a real restart leaves /run empty: the sockets' folders go too
      for (const dir of readdirSync('/run/baton').filter((d) => d.startsWith(`ingress-${clusterId.slice(0, 12)}-h3`))) rmSync(join('/run/baton', dir), { recursive: true, force: true });
      await reviveHost(lab.hosts[2]!.name);
      const h3 = lab.hosts[2]!;
      await until('the ingress on h3 answers again, with no control plane', () => answerFrom(`http://${h3.address}:8080/`), () => true, 60_000);
      try {
        // Docker starts the host's containers again one after the other, and the ingresses' checks
        // take each back within a second of it answering
        await allServingThroughAll(6, 90_000);
      } catch (err) {
        const ps = (await dockerCli(h3, ['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Ports}}'])).stdout;
        throw new Error(`${(err as Error).message}\non h3 after its restart:\n${ps}`);
      }
    } finally {
      t = await startTestPlane({ home, userHome });
      await until('the hosts are ready again', async () => (await call(t.plane, 'host.list', {})) as { state: string }[], (hs) => hs.length === 3 && hs.every((h) => h.state === 'ready'), 30_000);
    }
  });
});

describe('an ingress image that cannot be had', () => {
  test('every host says what and what to do, and the running ingress keeps serving', async () => {
    const { home, userHome } = t;
    await t.plane.stop();
    t = await startTestPlane({ home, userHome }, { ingressImage: 'baton-test/no-such-ingress:1' });
    const failed = new Map<string, string>();
    const off = t.plane.subscribe((e) => {
      if (e.kind === 'ingress.failed' && e.host) failed.set(e.host, e.message);
    });
    try {
      await until('an ingress.failed event from every host', async () => failed.size, (n) => n === 3, 60_000);
    } finally {
      off();
    }
    for (const message of failed.values()) {
      assert.match(message, /baton-test\/no-such-ingress:1 is not on h\d and could not be pulled there/);
      assert.match(message, /docker save baton-test\/no-such-ingress:1 \| ssh h\d docker load.*--ingress-image/);
      assert.match(message, /keeps serving/);
    }
    await allServingThroughAll(6);
    assert.deepEqual((await containerIds('name=baton-ingress')).map((c) => c.host).sort(), ['h1', 'h2', 'h3'], 'the old ingress containers were kept');
  });
});
