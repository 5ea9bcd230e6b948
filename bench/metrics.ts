// `npm run bench -- metrics`: the control plane's CPU while it collects metrics for 90 replicas
// (3 lab hosts × 30 of baton-test/web:1, 16 MiB each, behind the ingress), and the projection to
// 1,000 replicas on 50 hosts. Ours: one request a second per host to its counter script (kept
// running over the link) plus one `show stat` of its ingress's servers (metrics/collector.ts).
// Peer: one `docker stats` stream per replica over the same SSH link (a stream-local channel to
// the engine's socket each), its JSON decoded and turned into CPU % as the docker CLI does. Ours is
// measured idle at 90 and at 30 replicas, and with 1,000 req/s through the ingress (its request
// log streams cost per request). Both run in this process; the figure is the process's CPU time
// (process.cpuUsage) over the window, less the same window with neither running.
//
// The projection: cost = a·hosts + b·replicas, plus c·hosts·replicas while traffic moves. The last
// term is real: every host's ingress has a server row for every replica of the routes it serves,
// and a route's server rows are read on each host whose ingress sent it requests that second (an
// idle route costs its backend's row only). b is the slope between 30 and 90 replicas on 3 hosts
// with no traffic, a what is left; c is measured apart (a loop of `show stat` of the servers at two
// pool sizes, on one host). The worst case, traffic on every route through every host each second,
// is 50a + 1000b + 50,000c.
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
import { markdownTable, ratio } from './stats.ts';

const PER_HOST = 30;
const WINDOW_MS = 30_000;
const STAT_LOOPS = 300;
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
    // the request log costs per request, not per replica: the same collection with traffic flowing
    const load = startLoad({ url: `http://${lab.hosts[0]!.address}:8090/`, connections: 16, threads: 2, durationS: WINDOW_MS / 1000 + 6, timeoutS: 3, rate: LOAD_RATE });
    await new Promise((r) => setTimeout(r, 3000));
    const loaded = await cpuOver(WINDOW_MS);
    const p95s = plane.metrics.lastFrame()?.replicas.filter((r) => r.requests?.responseMsP95 != null).length ?? 0;
    const loadResult = await load.result;
    plane.collector.stop();
    await new Promise((r) => setTimeout(r, 2000));

    // c: the CPU of one `show stat` of the servers, at 90 rows and (after scaling) at 30, on one host
    const statCpuMs = async (): Promise<number> => {
      const api = plane.ingress.runtimeOf('m1');
      if (!api) throw new Error('m1 has no ingress to read');
      const before = process.cpuUsage();
      for (let i = 0; i < STAT_LOOPS; i++) await api.showServerStat();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000 / STAT_LOOPS;
    };
    const stat90 = await statCpuMs();

    const peer = peerStreams(plane);
    await new Promise((r) => setTimeout(r, 5000));
    const d0 = peer.decoded();
    const theirs = await cpuOver(WINDOW_MS);
    const decodedPerS = (peer.decoded() - d0) / (WINDOW_MS / 1000);
    peer.stop();

    await call(plane, 'service.scale', { targets: [{ service: 'mbench/web', replicas: 30 }] });
    const t1 = Date.now();
    while (plane.reconciler.state.all().filter((r) => r.state === 'running').length > 30 || plane.ingress.runtimeOf('m1') === null) {
      if (Date.now() - t1 > 120_000) throw new Error('did not scale down to 30 within 2 minutes');
      await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 10_000)); // the pools shrink to 30
    const rows30 = (await plane.ingress.runtimeOf('m1')!.showServerStat()).filter((r) => r.svname.startsWith('r_')).length;
    const idle30 = await cpuOver(WINDOW_MS);
    plane.collector.start();
    await new Promise((r) => setTimeout(r, 3000));
    const ours30 = await cpuOver(WINDOW_MS);
    plane.collector.stop();
    await new Promise((r) => setTimeout(r, 2000));
    const stat30 = await statCpuMs();

    const oursNet = Math.max(0, ours - idle);
    const ours30Net = Math.max(0, ours30 - idle30);
    const peerNet = Math.max(0, theirs - idle);
    // % of a core = ms of CPU per second / 10; one `show stat` per host a second
    const c = Math.max(0, (stat90 - stat30) / (total - rows30)) / 10;
    const b = Math.max(0, (oursNet - ours30Net) / (total - 30));
    const a = Math.max(0, (ours30Net - 30 * b) / 3);
    const projectedIdle = 50 * a + 1000 * b;
    const projected = projectedIdle + 50 * 1000 * c;
    // the peer's streams cost per replica only (one stream each, whatever the host count)
    const peerProjected = (peerNet / total) * 1000;
    const rows = [
      ['idle (no collection), 90 replicas', `${idle.toFixed(2)} %`, '-', '-'],
      ['ours, 90 replicas', `${ours.toFixed(2)} %`, `${oursNet.toFixed(2)} %`, `${projectedIdle.toFixed(1)} % (${projected.toFixed(1)} % with traffic on every route through every host)`],
      ['idle (no collection), 30 replicas', `${idle30.toFixed(2)} %`, '-', '-'],
      ['ours, 30 replicas', `${ours30.toFixed(2)} %`, `${ours30Net.toFixed(2)} %`, '-'],
      [`ours, 90 replicas, ${LOAD_RATE} req/s through the ingress (request log streams)`, `${loaded.toFixed(2)} %`, `${Math.max(0, loaded - idle).toFixed(2)} %`, `+ ${(Math.max(0, loaded - ours) / LOAD_RATE * 1000).toFixed(2)} % per 1,000 req/s`],
      ['peer: docker stats stream per replica, 90 replicas', `${theirs.toFixed(2)} %`, `${peerNet.toFixed(2)} %`, `${peerProjected.toFixed(1)} %`],
    ];
    return [
      `metrics: control plane CPU (% of one core) over ${WINDOW_MS / 1000} s, on 3 hosts; ours had ${fresh}/${total} fresh in its last frame (${p95s} with a p95 under load: ${describeLoad(loadResult)}), the peer decoded ${decodedPerS.toFixed(0)} stats/s${peer.problem() ? ` (${peer.problem()})` : ''}`,
      markdownTable(['method', 'process CPU', 'less idle', 'projected 1,000 replicas / 50 hosts'], rows),
      `model: a = ${a.toFixed(3)} % per host, b = ${b.toFixed(4)} % per replica, c = ${(c * 1000).toFixed(4)} % per 1,000 host·replica (one show stat of the servers: ${stat90.toFixed(2)} ms CPU at ${total} rows, ${stat30.toFixed(2)} ms at ${rows30}); projection 50a + 1000b = ${projectedIdle.toFixed(1)} %, + 50,000c = ${projected.toFixed(1)} %`,
      `peer/ours at 90 replicas: ${oursNet > 0 ? ratio(peerNet, oursNet) : 'n/a'}; projected: ${projected > 0 ? ratio(peerProjected, projected) : 'n/a'}`,
    ].join('\n');
  } finally {
    await plane.stop();
    await removeBatonLeftovers(lab);
  }
}
