// `npm run bench -- metrics`: the control plane's CPU while it collects metrics for 90 replicas
// (3 lab hosts × 30 of baton-test/web:1, 16 MiB each, behind the ingress), and the projection to
// 1,000 replicas on 50 hosts. Ours: one request a second per host to its counter script (kept
// running over the link) and a read of its ingress on an admin connection held open
// (metrics/collector.ts). Peer: one `docker stats` stream per replica over the same SSH link (a
// stream-local channel to the engine's socket each), its JSON decoded and turned into CPU % as the
// docker CLI does. Ours is measured with quiet routes, and with 1,000 req/s through the ingress
// (its request log read too). Both run in this process; the figure is the process's CPU time
// (process.cpuUsage) over the window, less the same window with neither running.
//
// The projection is built from the parts, each measured alone in a loop on one host with the
// collector stopped: per host a second, its backends read and its counter request; per replica, its
// counters in the answer and the in-process work (parse, rates, frame, series: measured on a
// synthetic 1,000 replicas on 50 hosts); per server row, what a route that moved costs (every host's
// ingress has a row for every replica of the routes it serves, read on each host whose ingress
// sent the route requests that second). The whole loop at 90 replicas is measured too, and
// printed beside what the parts predict for it.
import type { Duplex as DuplexT } from 'node:stream';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from '../electron/control-plane/index.ts';
import { silentLogger } from '../electron/control-plane/log.ts';
import { IN_PROCESS } from '../electron/control-plane/api/caller.ts';
import { labUp, type LabInfo } from '../test/lab/lab.ts';
import { describeLoad, startLoad } from '../test/lab/load.ts';
import { removeBatonLeftovers } from './ingress/baton.ts';
import { parseStatCsv, type StatRow } from '../electron/control-plane/ingress/stat-csv.ts';
import { REQUEST_RING } from '../electron/control-plane/ingress/ingress-config.ts';
import { RequestLogReader } from '../electron/control-plane/metrics/request-log-reader.ts';
import { newLines } from '../electron/control-plane/metrics/request-log.ts';
import { EXACT_EVERY, planServerRows, type LogCounts } from '../electron/control-plane/metrics/server-estimate.ts';
import { requestSamples, type IngressReading } from '../electron/control-plane/metrics/ingress-requests.ts';
import { CounterReader } from '../electron/control-plane/metrics/counter-reader.ts';
import { parseCounters, type CounterTarget } from '../electron/control-plane/metrics/host-counters.ts';
import { MetricsStore } from '../electron/control-plane/metrics/metrics-store.ts';
import { buildFrame, type ContainerView } from '../electron/control-plane/metrics/frame.ts';
import { containerRates, type Reading } from '../electron/control-plane/metrics/rates.ts';
import { markdownTable, ratio } from './stats.ts';

const PER_HOST = 30;
const WINDOW_MS = 30_000;
const LOOPS = 300;
const LOAD_RATE = 1000;
const STACK = `name: mbench
services:
  web:
    image: baton-test/web:1
    ports: ["8090:8080"]
    deploy:
      replicas: ${PER_HOST * 3}
      resources:
        limits: { memory: 16M }
`;

async function call(plane: ControlPlane, method: string, params: unknown): Promise<unknown> {
  const answer = await plane.dispatch(method, params, IN_PROCESS);
  if ('error' in answer) throw new Error(answer.error.message);
  return answer.result;
}

/** % of one core this process used over `ms` while `during` runs. */
async function cpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
}

/**
 * One `docker stats` stream per replica over its host's link: a stream-local channel to the
 * engine's socket each, asked in HTTP/1.0 so the body is the JSON lines themselves (no chunking)
 * until the stream is closed. Returns stop and the count of decoded stats.
 */
export function peerStreams(plane: ControlPlane): { stop: () => void; decoded: () => number; problem: () => string | null } {
  let decoded = 0;
  let problem: string | null = null;
  const note = (what: string) => {
    problem ??= what;
  };
  const streams: DuplexT[] = [];
  let stopped = false;
  for (const r of plane.reconciler.state.all()) {
    const socket = plane.hosts.link(r.host).engine().socketPath;
    if (!socket) {
      note(`${r.host} has no engine socket path`);
      continue;
    }
    void plane.hosts
      .link(r.host)
      .engine()
      .openUnixSocket(socket)
      .then((s) => {
        if (stopped) return s.destroy();
        streams.push(s);
        let headers = true;
        let buf = '';
        let prev: { cpu: number; system: number } | null = null;
        s.setEncoding('utf8');
        s.on('error', (err: Error) => note(`a stats stream failed: ${err.message}`));
        s.on('data', (chunk: string) => {
          buf += chunk;
          if (headers) {
            const end = buf.indexOf('\r\n\r\n');
            if (end === -1) return;
            if (!/^HTTP\/1\.[01] 200/.test(buf)) note(`the engine answered ${JSON.stringify(buf.slice(0, 200))}`);
            buf = buf.slice(end + 4);
            headers = false;
          }
          let nl: number;
          while ((nl = buf.indexOf('\n')) !== -1) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line.trim()) continue;
            const st = JSON.parse(line) as { cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus: number }; memory_stats: { usage?: number } };
            const cur = { cpu: st.cpu_stats.cpu_usage.total_usage, system: st.cpu_stats.system_cpu_usage };
            // the CLI's CPU %: the container's share of the host's CPU time since the last sample
            if (prev) void (((cur.cpu - prev.cpu) / Math.max(1, cur.system - prev.system)) * st.cpu_stats.online_cpus * 100 + (st.memory_stats.usage ?? 0) * 0);
            prev = cur;
            decoded++;
          }
        });
        s.write(`GET /containers/${r.id}/stats?stream=1 HTTP/1.0\r\nHost: docker\r\n\r\n`);
      })
      .catch((err: Error) => note(`a stats stream could not open: ${err.message}`));
  }
  return {
    problem: () => problem,
    stop: () => {
      stopped = true;
      for (const s of streams) s.destroy();
    },
    decoded: () => decoded,
  };
}

/** CPU ms of `fn`, averaged over LOOPS runs one after the other. */
async function loopMs(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < LOOPS; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / LOOPS;
}

/** What one second of collection costs, part by part, on host m1 (the collector stopped). */
async function componentCosts(plane: ControlPlane): Promise<{ backendsMs: number; serverRowMs: number; rows: number; logReadMs: number; logLines: number; estimatePerRowMs: number; counterFixedMs: number; counterPerReplicaMs: number; inProcessPerReplicaMs: number }> {
  const api = plane.ingress.runtimeOf('m1');
  if (!api) throw new Error('m1 has no ingress to read');
  const session = api.session();
  const engine = plane.hosts.link('m1').engine();
  const reader = new CounterReader((script) => engine.hostStream(script));
  try {
    const backendsMs = await loopMs(async () => parseStatCsv(await session.command('show stat -1 2 -1')));
    const rows = parseStatCsv(await session.command('show stat -1 4 -1')).filter((r) => r.svname.startsWith('r_')).length;
    const serversMs = await loopMs(async () => parseStatCsv(await session.command('show stat -1 4 -1')));
    // the request log as a second with traffic reads it: the whole ring, every line new
    const log = new RequestLogReader();
    const logLines = newLines(await session.command(`show events ${REQUEST_RING}`), -1).lines.length;
    const logReadMs = await loopMs(async () => {
      log.absorb(newLines(await session.command(`show events ${REQUEST_RING}`), -1).lines);
      log.take();
    });
    const targets: CounterTarget[] = [];
    for (const r of plane.reconciler.state.onHost('m1')) {
      const pid = ((await engine.inspectContainer(r.id)) as { State?: { Pid?: number } } | null)?.State?.Pid;
      if (pid) targets.push({ id: r.id, pid });
    }
    if (targets.length < 10) throw new Error(`only ${targets.length} replicas on m1 to read counters of`);
    const few = targets.slice(0, 5);
    const allMs = await loopMs(() => reader.read(targets, 5000));
    const fewMs = await loopMs(() => reader.read(few, 5000));
    const counterPerReplicaMs = Math.max(0, (allMs - fewMs) / (targets.length - few.length));
    return {
      backendsMs,
      serverRowMs: Math.max(0, (serversMs - backendsMs) / rows),
      rows,
      logReadMs,
      logLines,
      estimatePerRowMs: estimateMs(1000, 20) / 1000,
      counterFixedMs: Math.max(0, fewMs - few.length * counterPerReplicaMs),
      counterPerReplicaMs,
      inProcessPerReplicaMs: inProcessMs(1000, 50) / 1000,
    };
  } finally {
    session.close();
    reader.close();
  }
}

/** CPU ms of one second's estimate of a host's server rows (server-estimate.ts) and their rates (ingress-requests.ts), `servers` rows in `routes` backends. */
export function estimateMs(servers: number, routes: number): number {
  const perRoute = servers / routes;
  const mk = (type: StatRow['type'], pxname: string, svname: string, reqTot: number): StatRow => ({ pxname, svname, type, status: 'UP', scur: 0, stot: reqTot, weight: 1, lbtot: reqTot, checkStatus: null, checkDesc: null, addr: null, reqTot, rate: null, rtime: 3, ttime: 5, hrsp5xx: 0, iid: 1, act: perRoute });
  const names = Array.from({ length: routes }, (_, b) => `be_r${b}`);
  const rows = names.flatMap((b) => Array.from({ length: perRoute }, (_, i) => mk('server', b, `r_${b}_${i}`, 1000)));
  const counts: LogCounts = new Map(names.map((b) => [b, new Map(Array.from({ length: perRoute }, (_, i) => [`r_${b}_${i}`, { requests: 1 + (i % 7), errors: 0 }]))]));
  let prev: IngressReading = { atMs: 0, rows, backends: names.map((b) => mk('backend', b, 'BACKEND', 1000 * perRoute)) };
  const before = process.cpuUsage();
  for (let t = 1; t <= LOOPS; t++) {
    const backends = names.map((b) => mk('backend', b, 'BACKEND', (1000 + t * 10) * perRoute));
    const cur: IngressReading = { atMs: t * 1000, rows: planServerRows(prev, backends, counts, false).estimated, backends };
    // and the rates of the second from them, as the collector takes them
    requestSamples(new Map([['h', prev]]), new Map([['h', cur]]));
    prev = cur;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / LOOPS;
}

/** CPU ms of one second's in-process work (parse, rates, frame, series) for a synthetic cluster. */
function inProcessMs(replicaCount: number, hostCount: number): number {
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  const replicas = Array.from({ length: replicaCount }, (_, i) => ({ id: hex(i + 1), name: `web-${i}`, host: `h${i % hostCount}`, stack: 'st', service: `svc${i % 50}` }));
  const hosts = Array.from({ length: hostCount }, (_, i) => ({ name: `h${i}`, staleReason: null, capacity: { cpus: 4, memoryBytes: 8e9 } }));
  const targets = replicas.map((r, i) => ({ id: r.id, pid: 100 + i }));
  const store = new MetricsStore(null);
  const prev = new Map<string, Reading>();
  const pass = (t: number) => {
    const parsed = parseCounters([`t ${t} ${t}.00`, ...targets.map((_, i) => `c ${i + 1} ${t * 1e7 + i} 2000000 16777216 1000 ${t * 500} ${t * 300}`)], targets);
    const containers = new Map<string, ContainerView>();
    for (const r of replicas) {
      const c = parsed.containers.get(r.id)!;
      if (c.kind !== 'counters') continue;
      const cur: Reading = { atMs: t * 1000, counters: c.counters };
      containers.set(r.id, { atMs: t * 1000, rates: containerRates(prev.get(r.id) ?? null, cur, { cpuCores: null, memoryBytes: null }), problem: null });
      prev.set(r.id, cur);
    }
    store.record(buildFrame({ nowMs: 1_700_000_000_000 + t * 1000, replicas, hosts, containers, requests: new Map() }));
  };
  for (let t = 1; t <= 60; t++) pass(t);
  const before = process.cpuUsage();
  for (let t = 61; t <= 60 + LOOPS; t++) pass(t);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / LOOPS;
}

export async function benchMetrics(): Promise<string> {
  const lab: LabInfo = await labUp({ hosts: 3 });
  await removeBatonLeftovers(lab);
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-metrics-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-bench-metrics-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  const plane = await ControlPlane.start({ home, userHome, logger: silentLogger(), localSocket: join(home, 'none.sock'), ingressImage: 'baton-test/haproxy:2.6', metrics: false });
  try {
    for (const [i, h] of lab.hosts.entries()) await call(plane, 'host.add', { target: `root@${h.address}`, name: `m${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
    await call(plane, 'stack.apply', { source: STACK, file: '/stacks/mbench/compose.yaml' });
    const total = PER_HOST * 3;
    const t0 = Date.now();
    while (plane.reconciler.state.all().filter((r) => r.state === 'running').length < total) {
      if (Date.now() - t0 > 300_000) throw new Error('90 replicas did not start within 5 minutes');
      await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 10_000)); // the ingress settles its pools
    const idle = await cpuOver(WINDOW_MS);

    plane.collector.start();
    await new Promise((r) => setTimeout(r, 3000));
    const ours = await cpuOver(WINDOW_MS);
    const frame = plane.metrics.lastFrame();
    const fresh = frame?.replicas.filter((r) => !r.stale).length ?? 0;
    // with traffic flowing: the moved routes' server rows and the request log are read too
    const load = startLoad({ url: `http://${lab.hosts[0]!.address}:8090/`, connections: 16, threads: 2, durationS: WINDOW_MS / 1000 + 6, timeoutS: 3, rate: LOAD_RATE });
    await new Promise((r) => setTimeout(r, 3000));
    const loaded = await cpuOver(WINDOW_MS);
    const p95s = plane.metrics.lastFrame()?.replicas.filter((r) => r.requests?.responseMsP95 != null).length ?? 0;
    const loadResult = await load.result;
    plane.collector.stop();
    await new Promise((r) => setTimeout(r, 2000));

    const costs = await componentCosts(plane);

    // idle again right before the peer: other work on the machine drifts over minutes
    const idlePeer = await cpuOver(WINDOW_MS);
    const peer = peerStreams(plane);
    await new Promise((r) => setTimeout(r, 5000));
    const d0 = peer.decoded();
    const theirs = await cpuOver(WINDOW_MS);
    const decodedPerS = (peer.decoded() - d0) / (WINDOW_MS / 1000);
    peer.stop();

    const oursNet = Math.max(0, ours - idle);
    const peerNet = Math.max(0, theirs - idlePeer);
    // ms of CPU a second → % of one core: /10
    const perHost = costs.backendsMs + costs.counterFixedMs;
    const perReplica = costs.counterPerReplicaMs + costs.inProcessPerReplicaMs;
    const at = (hosts: number, replicas: number) => (hosts * perHost + replicas * perReplica) / 10;
    const projectedIdle = at(50, 1000);
    // with traffic on every route through every host: each host's request log read each second,
    // its server rows estimated from it, and read exactly on its turn (every EXACT_EVERY seconds)
    const trafficLog = (50 * costs.logReadMs) / 10;
    const trafficRows = (50 * 1000 * (costs.serverRowMs / EXACT_EVERY + costs.estimatePerRowMs)) / 10;
    const projected = projectedIdle + trafficLog + trafficRows;
    // the peer's streams cost per replica only (one stream each, whatever the host count)
    const peerProjected = (peerNet / total) * 1000;
    const rows = [
      ['idle (no collection)', `${idle.toFixed(2)} %`, '-', '-'],
      ['ours: the whole loop', `${ours.toFixed(2)} %`, `${oursNet.toFixed(2)} % (the parts below predict ${at(3, total).toFixed(2)} %)`, `${projectedIdle.toFixed(1)} % (${projected.toFixed(1)} % with traffic on every route through every host)`],
      [`ours with ${LOAD_RATE} req/s through the ingress (its request log read too)`, `${loaded.toFixed(2)} %`, `${Math.max(0, loaded - idle).toFixed(2)} %`, `+ ${(Math.max(0, loaded - ours) / LOAD_RATE * 1000).toFixed(2)} % per 1,000 req/s`],
      ['idle, right before the peer', `${idlePeer.toFixed(2)} %`, '-', '-'],
      ['peer: docker stats stream per replica', `${theirs.toFixed(2)} %`, `${peerNet.toFixed(2)} %`, `${peerProjected.toFixed(1)} %`],
    ];
    const parts = [
      ['a host: its backends read (`show stat -1 2 -1` on the held-open session)', `${costs.backendsMs.toFixed(3)} ms`],
      ['a host: its counter request, less its replicas', `${costs.counterFixedMs.toFixed(3)} ms`],
      ['a replica: its counters in the answer', `${costs.counterPerReplicaMs.toFixed(4)} ms`],
      ['a replica: parse, rates, frame, series (1,000 replicas / 50 hosts in process)', `${costs.inProcessPerReplicaMs.toFixed(4)} ms`],
      [`a server row of a route that moved, read exactly (at ${costs.rows} rows; each host's on its turn, every ${EXACT_EVERY} s)`, `${costs.serverRowMs.toFixed(4)} ms`],
      ['a server row of a route that moved, estimated from the log and its rate taken (1,000 rows in 20 routes, in process)', `${costs.estimatePerRowMs.toFixed(4)} ms`],
      [`a host with traffic: its request log read whole (${costs.logLines} lines) and counted`, `${costs.logReadMs.toFixed(3)} ms`],
    ];
    return [
      `metrics: control plane CPU (% of one core) over ${WINDOW_MS / 1000} s, on 3 hosts; ours had ${fresh}/${total} fresh in its last frame (${p95s} with a p95 under load: ${describeLoad(loadResult)}), the peer decoded ${decodedPerS.toFixed(0)} stats/s${peer.problem() ? ` (${peer.problem()})` : ''}`,
      markdownTable(['method', 'process CPU', 'less idle', 'projected 1,000 replicas / 50 hosts'], rows),
      '',
      `the parts, CPU a second each (loops of ${LOOPS} on host m1):`,
      markdownTable(['part', 'CPU'], parts),
      `projection: 50 × ${perHost.toFixed(3)} ms + 1,000 × ${perReplica.toFixed(4)} ms = ${projectedIdle.toFixed(1)} % of a core; with traffic through every host on every route, + 50 × ${costs.logReadMs.toFixed(3)} ms (request logs) + 50,000 × (${costs.serverRowMs.toFixed(4)} / ${EXACT_EVERY} + ${costs.estimatePerRowMs.toFixed(4)}) ms (server rows) = ${projected.toFixed(1)} %`,
      `peer/ours at 90 replicas: ${oursNet > 0 ? ratio(peerNet, oursNet) : 'n/a'}; projected: ${projected > 0 ? ratio(peerProjected, projected) : 'n/a'}`,
    ].join('\n');
  } finally {
    await plane.stop();
    await removeBatonLeftovers(lab);
  }
}
