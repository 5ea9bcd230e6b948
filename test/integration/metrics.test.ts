// Metrics on real lab hosts: a service behind the ingress under a fixed rate of load; CPU and
// memory measured per replica, requests/s per replica adding up to the load's rate, `baton top
// --json` over the local socket, and a host cut off marked stale (no values made up for it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceStatus } from '../../shared/api.ts';
import { MetricsFrame } from '../../shared/metrics.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import { serve, type Serving } from '../../electron/server/serve.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabInfo } from '../lab/lab.ts';
import { IMAGES } from '../lab/layout.ts';
import { describeLoad, startLoad } from '../lab/load.ts';
import { call, clearSystemContainers, until } from './helpers.ts';

const run = promisify(execFile);
let lab: LabInfo;
let s: Serving;
let home: string;

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
    stop_grace_period: 1s
    deploy:
      replicas: 6
      resources:
        limits: { cpus: "0.5", memory: 32M }
`;

const frames: MetricsFrame[] = [];
let cancel: () => void = () => {};

before(async () => {
  lab = readLab();
  home = mkdtempSync(join(tmpdir(), 'baton-test-home-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-test-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  await clearSystemContainers();
  s = await serve({ home, userHome, logger: silentLogger(), localSocket: join(home, 'no-local-engine.sock'), ingressImage: IMAGES.haproxy, reconcilerOptions: { hostLossGraceMs: 120_000 } });
  for (const [i, h] of lab.hosts.entries()) {
    await call(s.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(s.plane, 'stack.apply', { source: WEB, file: '/stacks/shop/compose.yaml' });
  await until('6 healthy web replicas', async () => ((await call(s.plane, 'service.list', {})) as ServiceStatus[]).find((x) => x.name === 'web'), (x) => x?.healthy === 6, 90_000);
  await until('every replica serving', async () => (await call(s.plane, 'replica.list', { service: 'shop/web' })) as { pool?: string }[], (l) => l.length === 6 && l.every((r) => r.pool === 'serving'), 30_000, { pollMs: 300 });
  // the load goes to h1's ingress: it must have every replica, not only some host's
  await until('h1 answers 20 in a row', async () => {
    for (let i = 0; i < 20; i++) if ((await fetch(`http://${lab.hosts[0]!.address}:8080/`, { signal: AbortSignal.timeout(2000) })).status !== 200) return false;
    return true;
  }, (ok) => ok, 30_000, { retryErrors: true, pollMs: 250 });
  cancel = s.plane.stream('metrics', { service: 'shop/web' }, { chunk: (f) => frames.push(MetricsFrame.parse(f)), end: () => {} });
});

after(async () => {
  cancel();
  await reviveHost(lab.hosts[2]!.name).catch(() => {});
  await s?.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('under 300 requests/s: CPU and memory per replica, requests/s adding up to the rate, a response time', async () => {
  const rate = 300;
  const load = startLoad({ url: `http://${lab.hosts[0]!.address}:8080/`, connections: 8, threads: 2, durationS: 12, timeoutS: 5, rate });
  await settle(7000);
  const window = frames.slice(-4);
  const result = await load.result;
  assert.equal(result.failed, 0, `no request failed: ${describeLoad(result)}`);
  assert.ok(window.length >= 3, `frames came each second (${window.length})`);
  const last = window.at(-1)!;
  assert.equal(last.replicas.length, 6);
  for (const r of last.replicas) {
    assert.equal(r.stale, false, `${r.replica} is fresh: ${r.staleReason}`);
    assert.ok(r.memory && r.memory.usedBytes > 0, `${r.replica} uses memory`);
    assert.equal(r.memory.limitBytes, 32 * 1024 * 1024);
    assert.equal(r.cpu?.limitCores, 0.5);
    assert.ok(r.requests !== null, 'the ingress counts its requests');
  }
  const busy = last.replicas.filter((r) => (r.cpu?.percentOfCore ?? 0) > 0);
  assert.ok(busy.length >= 3, `CPU measured on replicas under load (${busy.length} above 0)`);
  const sums = window.map((f) => f.replicas.reduce((n, r) => n + (r.requests?.perSec ?? 0), 0));
  const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
  // against what the ingress served, not what was asked: on a loaded machine wrk may fall short of its rate
  const served = result.requestsPerS;
  assert.ok(Math.abs(mean - served) / served < 0.25, `requests/s summed over the replicas (${mean.toFixed(1)}) is about what the load got answered, ${served.toFixed(1)}/s (asked: ${rate}/s)`);
  for (const r of last.replicas) assert.ok(r.requests!.perSec > rate / 6 / 2, `${r.replica} takes its share (${r.requests!.perSec}/s)`);
  assert.ok(last.replicas.every((r) => r.requests!.responseMsAvg !== null), 'a response time for each');
  // percentiles of the second's requests, from every host's request log: ordered, and no slower
  // than the slowest answer the load generator saw (which includes the ingress and the network)
  const maxMs = result.latencyUs.max / 1000;
  for (const r of last.replicas) {
    const q = r.requests!;
    assert.ok(q.responseMsP50 !== null && q.responseMsP95 !== null && q.responseMsP99 !== null, `${r.replica} has percentiles: ${JSON.stringify(q)}`);
    assert.ok(q.responseMsP50 <= q.responseMsP95 && q.responseMsP95 <= q.responseMsP99, `${r.replica}: p50 ≤ p95 ≤ p99 (${q.responseMsP50}, ${q.responseMsP95}, ${q.responseMsP99})`);
    assert.ok(q.responseMsP99 <= Math.ceil(maxMs) + 1, `${r.replica}: p99 ${q.responseMsP99} ms within the slowest answer (${maxMs} ms)`);
  }
  const h1 = last.hosts.find((h) => h.host === 'h1')!;
  assert.ok(h1.capacity && h1.capacity.cpus > 0 && h1.memory!.usedBytes > 0, 'a host sums its replicas against its capacity');
  const history = (await call(s.plane, 'metrics.history', { replica: last.replicas[0]!.replica })) as { points: unknown[] };
  assert.ok(history.points.length >= 5, `the last hour's series holds each second (${history.points.length})`);
});

test('baton top --json prints one frame of the service', async () => {
  const { stdout } = await run(process.execPath, ['bin/baton.mjs', '--home', home, 'top', 'shop/web', '--json'], { timeout: 30_000 });
  const frame = MetricsFrame.parse(JSON.parse(stdout));
  assert.equal(frame.replicas.length, 6);
  assert.ok(frame.replicas.every((r) => r.service === 'web' && r.memory !== null && r.cpu !== null && r.requests !== null));
  assert.deepEqual(frame.hosts.map((h) => h.host).sort(), ['h1', 'h2', 'h3']);
});

test('a host cut off: its series are stale, with no values', async () => {
  await killHost(lab.hosts[2]!.name, 'link');
  const frame = await until(
    'h3 stale',
    async () => frames.at(-1)!,
    (f) => f.hosts.find((h) => h.host === 'h3')?.stale === true,
    30_000,
    { pollMs: 250 },
  );
  const h3 = frame.hosts.find((h) => h.host === 'h3')!;
  assert.equal(h3.cpu, null);
  assert.ok(h3.staleReason);
  const onH3 = frame.replicas.filter((r) => r.host === 'h3');
  assert.ok(onH3.length > 0, 'h3 replicas are still in the picture');
  for (const r of onH3) assert.ok(r.stale && r.cpu === null && r.memory === null && r.requests === null, `${r.replica} stale`);
  for (const r of frame.replicas.filter((x) => x.host !== 'h3')) assert.equal(r.stale, false);
  await reviveHost(lab.hosts[2]!.name);
});
