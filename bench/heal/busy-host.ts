// The heal benchmark's false-alarm phase: a host kept busy at 100 % CPU is slow, not lost. Four
// busy loops run in one lab host's namespace for a minute while Baton serves 6 replicas on the 3
// hosts; every event Baton writes meanwhile is kept. A host declared unreachable, or a replica
// started or removed while nothing failed, is a false alarm: the phase counts them (0 is right).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlane } from '../../electron/control-plane/index.ts';
import type { BatonEvent } from '../../shared/api.ts';
import type { LabHost, LabInfo } from '../../test/lab/lab.ts';
import { percentile } from '../stats.ts';
import { engine, observeReplicas, type Label } from './observe.ts';

export interface BusyHostFigures {
  host: string;
  busyMs: number;
  burners: number;
  /** The burners' CPU over the busy minute, all of them (100 % = one core; the machine has os.availableParallelism()). */
  burnCpuPercent: number;
  /** The busy host's engine answering a ping (on its socket, every 500 ms) while busy: p50 and max. */
  pingP50Ms: number;
  pingMaxMs: number;
  /** The same, in the 5 s before the load. */
  idlePingP50Ms: number;
  /** The machine's load average (1 min) at the end of the busy minute. */
  loadAverage: number;
  /** host.unreachable events, of any host, from the start of the load to 10 s after its end. */
  hostUnreachable: number;
  /** replica.started for a replica on a lost host, started elsewhere: the false alarm's cost. */
  movedOffLostHost: number;
  /** replica.started / replica.removed in that window, for any reason: replicas moved or replaced. */
  replicasStarted: number;
  replicasRemoved: number;
  /** replica.unhealthy in that window: a health check that timed out under the load. */
  replicasUnhealthy: number;
  /** The busy host's replicas after the window are the ones it had before. */
  sameReplicasOnHost: boolean;
  /** Every event in the window, "kind host/service: message", for the report when not 0. */
  events: string[];
}

/** USER_HZ: the unit of /proc/PID/stat's CPU times (100 on Linux everywhere). */
const CLOCK_TICKS = 100;
/** After the load ends, a loss noticed late would still move replicas within the grace period (5 s). */
const SETTLE_MS = 10_000;

export async function measureBusyHost(plane: ControlPlane, lab: LabInfo, label: Label, busyMs: number, log: (line: string) => void = () => undefined): Promise<BusyHostFigures> {
  const host: LabHost = lab.hosts[0]!;
  const before = (await observeReplicas([host], label)).replicas.filter((r) => r.running).map((r) => r.id).sort();
  const seen: BatonEvent[] = [];
  const off = plane.subscribe((e) => seen.push(e));
  const burners = 4;
  let burnCpuPercent = NaN;
  let loadAverage = NaN;
  const pings: number[] = [];
  const idle: number[] = [];
  const burning: ChildProcess[] = [];
  // detached, they would outlive a benchmark that exits early
  const stopBurners = () => burning.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', stopBurners);
  try {
    const idleFrom = performance.now();
    await samplePings(host, () => performance.now() - idleFrom >= 5000, idle);
    // in the host's network namespace and CPU cgroup, where its sshd and dockerd run, each in a
    // session of its own as they are: the kernel's autogroup scheduling then weighs the loops as a
    // workload on the host, not as part of this process (the control plane, which they would starve)
    for (let i = 0; i < burners; i++) burning.push(spawn('nsenter', [`--net=/var/run/netns/${host.netns}`, 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore', detached: true }));
    await sleep(200);
    const dead = burning.filter((c) => c.pid === undefined || c.exitCode !== null);
    if (dead.length > 0) throw new Error(`${dead.length} of the CPU burners did not start in ${host.netns} (nsenter)`);
    const t0 = performance.now();
    const cpu0 = burning.map((c) => cpuTicks(c.pid!));
    log(`busy host: ${burners} busy loops in ${host.name}'s namespace for ${busyMs / 1000} s`);
    await samplePings(host, () => performance.now() - t0 >= busyMs, pings);
    const seconds = (performance.now() - t0) / 1000;
    // 100 % = one core, as top and docker stats count it
    burnCpuPercent = Math.round(burning.reduce((sum, c, i) => sum + cpuTicks(c.pid!) - cpu0[i]!, 0) / CLOCK_TICKS / seconds * 100);
    loadAverage = Number(loadavg()[0]!.toFixed(2));
  } finally {
    stopBurners();
    process.off('exit', stopBurners);
  }
  await sleep(SETTLE_MS);
  off();
  const after = (await observeReplicas([host], label)).replicas.filter((r) => r.running).map((r) => r.id).sort();
  const count = (kind: string) => seen.filter((e) => e.kind === kind).length;
  const figures: BusyHostFigures = {
    host: host.name,
    busyMs,
    burners,
    burnCpuPercent,
    pingP50Ms: Math.round(percentile(pings, 50)),
    pingMaxMs: Math.round(Math.max(...pings)),
    idlePingP50Ms: Math.round(percentile(idle, 50)),
    loadAverage,
    hostUnreachable: count('host.unreachable'),
    movedOffLostHost: seen.filter((e) => e.kind === 'replica.started' && /on lost host/.test(e.message)).length,
    replicasStarted: count('replica.started'),
    replicasRemoved: count('replica.removed'),
    replicasUnhealthy: count('replica.unhealthy'),
    sameReplicasOnHost: JSON.stringify(before) === JSON.stringify(after),
    events: seen.filter((e) => !e.kind.startsWith('replica.serving')).map((e) => `${e.time} ${e.kind} ${e.host ?? ''}/${e.service ?? ''}: ${e.message}`),
  };
  log(`busy host: ${figures.hostUnreachable} host.unreachable, ${figures.movedOffLostHost} moved off a lost host, ${figures.replicasStarted} replicas started, ${figures.replicasRemoved} removed, ${figures.replicasUnhealthy} unhealthy (burners at ${burnCpuPercent} % CPU, 100 % = one core; engine ping p50 ${figures.pingP50Ms} ms, max ${figures.pingMaxMs} ms; idle p50 ${figures.idlePingP50Ms} ms)`);
  return figures;
}

/** The engine's ping round trip every 500 ms until `done`; a ping that fails counts as its time to fail. */
async function samplePings(host: LabHost, done: () => boolean, out: number[]): Promise<void> {
  while (!done()) {
    const t = performance.now();
    await engine(host).ping().catch(() => undefined);
    out.push(performance.now() - t);
    await sleep(500);
  }
}

/** A process's user + system CPU time so far, in clock ticks (/proc/PID/stat, fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
