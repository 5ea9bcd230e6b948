// `npm run bench -- metrics`: the control plane's CPU while it collects metrics for 90 replicas
// (3 lab hosts × 30 of baton-test/web:1, 16 MiB each, behind the ingress), and the projection to
// 1,000 replicas on 50 hosts. Ours: one cgroup-counter command per host a second plus one `show
// stat` of its ingress (metrics/collector.ts). Peer: one `docker stats` stream per replica over the
// same SSH link (a stream-local channel to the engine's socket each), its JSON decoded and turned
// into CPU % as the docker CLI does. Ours is measured twice: idle, and with 1,000 req/s through the
// ingress (its request log streams cost per request). Both run in this process; the figure is the process's CPU
// time (process.cpuUsage) over the window, less the same window with neither running.
import { request } from 'node:http';
import { Duplex, type Duplex as DuplexT } from 'node:stream';
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

/** One `docker stats` stream per replica over its host's link; returns stop and the count of decoded stats. */
function peerStreams(plane: ControlPlane): { stop: () => void; decoded: () => number } {
  let decoded = 0;
  const stops: (() => void)[] = [];
  const hosts = new Map(plane.hosts.list().map((h) => [h.name, h]));
  for (const r of plane.reconciler.state.all()) {
    const socket = hosts.get(r.host)?.socketPath;
    if (!socket) continue;
    const engine = plane.hosts.link(r.host).engine();
    const req = request({ path: `/containers/${r.id}/stats?stream=1`, host: 'docker', createConnection: (() => {
      const p = engine.openUnixSocket(socket);
      // http wants a socket now: hand it a pass-through that the channel is piped into once open
      return pendingDuplex(p);
    }) as never });
    let prev: { cpu: number; system: number } | null = null;
    let buf = '';
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const s = JSON.parse(line) as { cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus: number }; memory_stats: { usage?: number } };
          const cur = { cpu: s.cpu_stats.cpu_usage.total_usage, system: s.cpu_stats.system_cpu_usage };
          if (prev) void (((cur.cpu - prev.cpu) / Math.max(1, cur.system - prev.system)) * s.cpu_stats.online_cpus * 100 + (s.memory_stats.usage ?? 0) * 0);
          prev = cur;
          decoded++;
        }
      });
    });
    req.on('error', () => {});
    req.end();
    stops.push(() => req.destroy());
  }
  return { stop: () => stops.forEach((s) => s()), decoded: () => decoded };
}

function pendingDuplex(opening: Promise<DuplexT>): DuplexT {
  let target: DuplexT | null = null;
  const queued: { chunk: Buffer; cb: (e?: Error | null) => void }[] = [];
  const d = new Duplex({
    read() {
      target?.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (target) target.write(chunk, cb);
      else queued.push({ chunk, cb });
    },
    final(cb) {
      cb();
    },
    destroy(err, cb) {
      target?.destroy();
      cb(err);
    },
  });
  opening.then(
    (t) => {
      target = t;
      t.on('data', (c: Buffer) => {
        if (!d.push(c)) t.pause();
      });
      t.on('end', () => d.push(null));
      t.on('error', (e: Error) => d.destroy(e));
      for (const q of queued.splice(0)) t.write(q.chunk, q.cb);
    },
    (e: Error) => d.destroy(e),
  );
  return d;
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

    const peer = peerStreams(plane);
    await new Promise((r) => setTimeout(r, 5000));
    const d0 = peer.decoded();
    const theirs = await cpuOver(WINDOW_MS);
    const decodedPerS = (peer.decoded() - d0) / (WINDOW_MS / 1000);
    peer.stop();

    const oursNet = Math.max(0, ours - idle);
    const peerNet = Math.max(0, theirs - idle);
    // cost = a·hosts + b·replicas: the 90-replica figure scaled by the larger of the two growth factors bounds it from above
    const factor = Math.max(1000 / total, 50 / 3);
    const rows = [
      ['idle (no collection)', `${idle.toFixed(2)} %`, '-', '-'],
      ['ours: cgroup command per host + show stat, 1/s', `${ours.toFixed(2)} %`, `${oursNet.toFixed(2)} %`, `≤ ${(oursNet * factor).toFixed(1)} %`],
      [`ours with ${LOAD_RATE} req/s through the ingress (request log streams)`, `${loaded.toFixed(2)} %`, `${Math.max(0, loaded - idle).toFixed(2)} %`, `+ ${(Math.max(0, loaded - ours) / LOAD_RATE * 1000).toFixed(2)} % per 1,000 req/s`],
      ['peer: docker stats stream per replica', `${theirs.toFixed(2)} %`, `${peerNet.toFixed(2)} %`, `≤ ${(peerNet * factor).toFixed(1)} %`],
    ];
    return [
      `metrics: control plane CPU (% of one core) over ${WINDOW_MS / 1000} s, ${total} running replicas on 3 hosts; ours had ${fresh}/${total} fresh in its last frame (${p95s} with a p95 under load: ${describeLoad(loadResult)}), the peer decoded ${decodedPerS.toFixed(0)} stats/s`,
      markdownTable(['method', 'process CPU', 'less idle', 'projected 1,000 replicas / 50 hosts (×' + factor.toFixed(1) + ')'], rows),
      `peer/ours: ${oursNet > 0 ? ratio(peerNet, oursNet) : 'n/a'}`,
    ].join('\n');
  } finally {
    await plane.stop();
    await removeBatonLeftovers(lab);
  }
}
