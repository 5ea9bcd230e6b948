// The Docker Swarm side of the healing benchmark, on the lab's hosts: a 3-manager swarm (../swarm.ts), a
// service `bench-web` of baton-test/web:1 with a health check, and three measurements:
// recovery from `docker kill` of a replica, from the loss of a host's link, and scaling 1 → 30 → 1.
// Times come from the shared observer (observe.ts), polling every host's engine.
//
// All three hosts are managers, so the host-loss trial measures Swarm healing rather than a
// cluster without a manager.
// No port is published: the routing mesh needs IPVS, which this kernel lacks.
import { performance } from 'node:perf_hooks';
import { killHost, reviveHost, type LabHost, type LabInfo } from '../../test/lab/lab.ts';
import { allHealthy, cli, leaderOf, quietly, swarmDown, swarmUp, waitNodes, type NodeRow } from '../swarm.ts';
import { markdownTable, percentile } from '../stats.ts';
import {
  availableReplicas,
  describeSnapshot,
  engine,
  healedAfterKill,
  healthyCount,
  observeReplicas,
  runningCount,
  waitUntil,
  type Label,
  type ReplicaSnapshot,
} from './observe.ts';

export const SERVICE = 'bench-web';
// Swarm puts this label on every task container.
export const SWARM_LABEL: Label = { key: 'com.docker.swarm.service.name', value: SERVICE };
const HEALTH_CMD = 'wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1'; // busybox wget -T segfaults
const IMAGE = 'baton-test/web:1';

// undefined: Swarm's default restart delay (5 s), as people run it.
export interface ServiceOptions {
  restartDelay?: string;
}

export interface KillFigures {
  restartDelay: string;
  samplesMs: number[];
  p50Ms: number;
  p95Ms: number;
  replaced: number; // trials healed by a new container (a new task)
  restartedInPlace: number; // trials healed by the killed container running again
}

export interface HostLossFigures {
  restartDelay: string;
  host: string; // the host whose link went down
  role: 'leader' | 'follower'; // its raft role before the loss
  lostReplicas: number;
  nodeDownMs: number; // link down → the managers list the node as Down
  recoveredMs: number; // link down → all replicas available again on the other hosts
  reviveReadyMs: number; // link up → every node Ready and every manager reachable
  reviveNoLeaderMs: number; // of that, how long the swarm had no leader (node ls failing or held)
  staleStoppedMs: number; // link up → the replicas left on the revived host stopped
}

export interface ScaleFigures {
  upMs: number; // scale 1 → 30: until 30 available
  downStoppedMs: number; // scale 30 → 1: until 1 running container, and it available
  downGoneMs: number; // scale 30 → 1: until the 29 removed containers no longer exist
}

export interface SwarmFigures {
  engineVersion: string;
  managers: number;
  byRestartDelay: { kill: KillFigures; hostLoss: HostLossFigures }[]; // Swarm's default first, then 0s
  scale: ScaleFigures;
  totalMs: number;
}

// ---------------------------------------------------------------- the service

const delayName = (o: ServiceOptions): string => o.restartDelay ?? 'default (5s)';

async function createService(lab: LabInfo, replicas: number, opts: ServiceOptions): Promise<void> {
  const delay = opts.restartDelay === undefined ? [] : ['--restart-delay', opts.restartDelay];
  await cli(lab.hosts[0]!, [
    'service', 'create', '--detach', '--name', SERVICE, '--replicas', String(replicas),
    '--health-cmd', HEALTH_CMD, '--health-interval', '500ms', '--health-timeout', '2s', '--health-retries', '1',
    '--restart-condition', 'any', ...delay, '--update-order', 'start-first', IMAGE,
  ]);
  await waitSteady(lab.hosts, replicas, 60_000);
}

async function removeServiceContainers(host: LabHost): Promise<void> {
  const snapshot = await observeReplicas([host], SWARM_LABEL);
  await Promise.all(snapshot.replicas.map((r) => engine(host).getContainer(r.id).remove({ force: true }).catch(() => undefined)));
}

// Removal is not measured: the service goes, then its containers are force-removed
// rather than waiting out the 10 s stop grace period of each one.
async function removeService(lab: LabInfo): Promise<void> {
  await quietly(lab.hosts[0]!, ['service', 'rm', SERVICE]);
  await Promise.all(lab.hosts.map(removeServiceContainers));
  await waitUntil(lab.hosts, SWARM_LABEL, (s) => s.replicas.length === 0, 30_000, 200);
}

async function scaleTo(lab: LabInfo, replicas: number): Promise<void> {
  await cli(lab.hosts[0]!, ['service', 'scale', '--detach', `${SERVICE}=${replicas}`]);
}

// Exactly n running containers, all available.
function steady(n: number): (s: ReplicaSnapshot) => boolean {
  return (s) => runningCount(s) === n && healthyCount(s) === n;
}

async function waitSteady(hosts: LabHost[], n: number, timeoutMs: number): Promise<ReplicaSnapshot> {
  return (await waitUntil(hosts, SWARM_LABEL, steady(n), timeoutMs, 100)).snapshot;
}

// Runs the action, then waits; ms from the start of the action.
async function timed<T>(act: () => Promise<unknown>, wait: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  await act();
  const result = await wait();
  return { ms: performance.now() - start, result };
}

// ---------------------------------------------------------------- (a) docker kill

// The trial's victim: an available replica, on hosts[trial % n], or the next host that has one.
function pickVictim(hosts: LabHost[], s: ReplicaSnapshot, trial: number): { host: LabHost; id: string } {
  for (let k = 0; k < hosts.length; k++) {
    const host = hosts[(trial + k) % hosts.length]!;
    const replica = availableReplicas(s).find((r) => r.host === host.name);
    if (replica) return { host, id: replica.id };
  }
  throw new Error(`kill trial ${trial}: no available replica (${describeSnapshot(s)})`);
}

export async function killTrials(lab: LabInfo, trials = 10, opts: ServiceOptions = {}): Promise<KillFigures> {
  const replicas = 3;
  await createService(lab, replicas, opts);
  const figures: KillFigures = { restartDelay: delayName(opts), samplesMs: [], p50Ms: NaN, p95Ms: NaN, replaced: 0, restartedInPlace: 0 };
  try {
    for (let trial = 0; trial < trials; trial++) {
      const before = await waitSteady(lab.hosts, replicas, 60_000);
      const victim = pickVictim(lab.hosts, before, trial);
      const { ms, result } = await timed(
        () => engine(victim.host).getContainer(victim.id).kill(),
        () => waitUntil(lab.hosts, SWARM_LABEL, healedAfterKill(victim.id, replicas), 60_000),
      );
      figures.samplesMs.push(ms);
      if (availableReplicas(result.snapshot).some((r) => r.id === victim.id)) figures.restartedInPlace++;
      else figures.replaced++;
    }
  } finally {
    await removeService(lab);
  }
  figures.p50Ms = percentile(figures.samplesMs, 50);
  figures.p95Ms = percentile(figures.samplesMs, 95);
  return figures;
}

// ---------------------------------------------------------------- (b) host loss

// Which host loses its link: by default a follower (the common case; Baton's control plane
// lives off the hosts, so the closest match), or the raft leader (Swarm's worst case).
export interface HostLossOptions extends ServiceOptions {
  victim?: 'follower' | 'leader';
}

async function pickLostHost(lab: LabInfo, s: ReplicaSnapshot, role: 'leader' | 'follower'): Promise<LabHost> {
  const leader = await leaderOf(lab, lab.hosts[0]!);
  const candidates = role === 'leader' ? [leader] : lab.hosts.filter((h) => h !== leader).reverse();
  const host = candidates.find((h) => s.replicas.some((r) => r.host === h.name && r.running));
  if (!host) throw new Error(`host loss: no ${role} host runs a replica (${describeSnapshot(s)})`);
  return host;
}

export async function hostLoss(lab: LabInfo, opts: HostLossOptions = {}): Promise<HostLossFigures> {
  const replicas = 6;
  const role = opts.victim ?? 'follower';
  await createService(lab, replicas, opts);
  let lost: LabHost | undefined;
  try {
    const before = await waitSteady(lab.hosts, replicas, 60_000);
    lost = await pickLostHost(lab, before, role);
    const rest = lab.hosts.filter((h) => h !== lost);
    const lostReplicas = before.replicas.filter((r) => r.host === lost?.name && r.running).length;
    const loss = await loseLink(lost, rest, replicas);
    const back = await revive(lab, lost, rest[0]!);
    return { restartDelay: delayName(opts), host: lost.name, role, lostReplicas, ...loss, ...back };
  } finally {
    if (lost) await reviveHost(lost.name).catch(() => undefined); // link up again even after a failure
    await removeService(lab);
  }
}

// Link down; then, timed from it: the node listed Down, and the replicas available on the other hosts
// (observed there only: the lost host's engine still answers the root namespace, but not the swarm).
async function loseLink(lost: LabHost, rest: LabHost[], replicas: number): Promise<{ nodeDownMs: number; recoveredMs: number }> {
  const start = performance.now();
  const since = () => performance.now() - start;
  await killHost(lost.name, 'link');
  const isDown = (rows: NodeRow[]) => rows.some((r) => r.hostname === lost.hostname && r.status === 'Down');
  const [nodeDownMs, recoveredMs] = await Promise.all([
    waitNodes(rest[0]!, isDown, 120_000, `${lost.name} Down`).then(since),
    waitUntil(rest, SWARM_LABEL, (s) => healthyCount(s) === replicas, 120_000).then(since),
  ]);
  return { nodeDownMs, recoveredMs };
}

// Link up; then, timed from it: every node Ready and manager reachable, and the replicas that ran on
// through the partition on the revived host stopped (Swarm shuts them down once the node is back).
// The revived manager comes back with a higher raft term (it kept calling elections alone), which
// deposes the leader: reviveNoLeaderMs shows what that costs.
async function revive(lab: LabInfo, lost: LabHost, via: LabHost): Promise<Pick<HostLossFigures, 'reviveReadyMs' | 'reviveNoLeaderMs' | 'staleStoppedMs'>> {
  const start = performance.now();
  const since = () => performance.now() - start;
  await reviveHost(lost.name);
  const [ready, staleStoppedMs] = await Promise.all([
    waitNodes(via, (rows) => allHealthy(rows, lab.hosts.length), 120_000, 'every node Ready after the revival').then((r) => ({ ...r, ms: since() })),
    waitUntil([lost], SWARM_LABEL, (s) => runningCount(s) === 0, 120_000, 100).then(since),
  ]);
  return { reviveReadyMs: ready.ms, reviveNoLeaderMs: ready.stalledMs, staleStoppedMs };
}

// ---------------------------------------------------------------- (c) scale

// Scale-down counts a container as gone from the service once it no longer runs (downStoppedMs),
// and separately once it no longer exists (downGoneMs).
export async function scaleTrial(lab: LabInfo, opts: ServiceOptions = {}): Promise<ScaleFigures> {
  const many = 30;
  await createService(lab, 1, opts);
  try {
    const up = await timed(() => scaleTo(lab, many), () => waitUntil(lab.hosts, SWARM_LABEL, steady(many), 120_000));
    const scaledIds = new Set(availableReplicas(up.result.snapshot).map((r) => r.id));
    const start = performance.now();
    const since = () => performance.now() - start;
    await scaleTo(lab, 1);
    const gone = (s: ReplicaSnapshot) => s.replicas.filter((r) => scaledIds.has(r.id)).length === 1;
    const [downStoppedMs, downGoneMs] = await Promise.all([
      waitUntil(lab.hosts, SWARM_LABEL, steady(1), 120_000).then(since),
      waitUntil(lab.hosts, SWARM_LABEL, gone, 120_000).then(since),
    ]);
    return { upMs: up.ms, downStoppedMs, downGoneMs };
  } finally {
    await removeService(lab);
  }
}

// ---------------------------------------------------------------- all of it

const SETTINGS: ServiceOptions[] = [{}, { restartDelay: '0s' }];

// Swarm up, every measurement at both restart delays (scaling once: the delay plays no part in it),
// swarm down. About 3 minutes.
export async function measureSwarm(lab: LabInfo, log: (line: string) => void = () => undefined): Promise<SwarmFigures> {
  const start = performance.now();
  await swarmDown(lab, [SERVICE]);
  try {
    await swarmUp(lab);
    const engineVersion = await cli(lab.hosts[0]!, ['version', '--format', '{{.Server.Version}}']);
    log(`swarm of ${lab.hosts.length} managers up (engine ${engineVersion})`);
    const byRestartDelay: SwarmFigures['byRestartDelay'] = [];
    for (const opts of SETTINGS) {
      const kill = await killTrials(lab, 10, opts);
      log(`kill, restart delay ${kill.restartDelay}: p50 ${kill.p50Ms.toFixed(0)} ms, p95 ${kill.p95Ms.toFixed(0)} ms`);
      const loss = await hostLoss(lab, opts);
      log(`host loss, restart delay ${loss.restartDelay}: recovered in ${loss.recoveredMs.toFixed(0)} ms`);
      byRestartDelay.push({ kill, hostLoss: loss });
    }
    const scale = await scaleTrial(lab);
    log(`scale: 1→30 in ${scale.upMs.toFixed(0)} ms, 30→1 in ${scale.downStoppedMs.toFixed(0)} ms`);
    return { engineVersion, managers: lab.hosts.length, byRestartDelay, scale, totalMs: performance.now() - start };
  } finally {
    await swarmDown(lab, [SERVICE]);
  }
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

// The figures as text: one table per measurement, a column per restart delay.
export function formatSwarmFigures(f: SwarmFigures): string {
  const cols = f.byRestartDelay.map((b) => `restart delay ${b.kill.restartDelay}`);
  const row = (name: string, pick: (b: SwarmFigures['byRestartDelay'][number]) => string) => [name, ...f.byRestartDelay.map(pick)];
  const kill = markdownTable(['docker kill 1 of 3', ...cols], [
    row('p50', (b) => sec(b.kill.p50Ms)),
    row('p95', (b) => sec(b.kill.p95Ms)),
    row('samples', (b) => b.kill.samplesMs.map((m) => (m / 1000).toFixed(2)).join(' ')),
    row('healed by', (b) => `${b.kill.replaced} new task(s), ${b.kill.restartedInPlace} in-place restart(s)`),
  ]);
  const loss = markdownTable(['host link lost, 6 replicas', ...cols], [
    row('lost host', (b) => `${b.hostLoss.host} (${b.hostLoss.role}, ${b.hostLoss.lostReplicas} replicas)`),
    row('node listed Down', (b) => sec(b.hostLoss.nodeDownMs)),
    row('6 available on the others', (b) => sec(b.hostLoss.recoveredMs)),
    row('revived: all nodes Ready', (b) => sec(b.hostLoss.reviveReadyMs)),
    row('  of which without a leader', (b) => sec(b.hostLoss.reviveNoLeaderMs)),
    row('revived: stale replicas stopped', (b) => sec(b.hostLoss.staleStoppedMs)),
  ]);
  const scale = markdownTable(['scale', 'time'], [
    ['1 → 30 available', sec(f.scale.upMs)],
    ['30 → 1 running (29 stopped)', sec(f.scale.downStoppedMs)],
    ['30 → 1 (29 containers removed)', sec(f.scale.downGoneMs)],
  ]);
  return [`Docker Swarm ${f.engineVersion}, ${f.managers} managers, ${sec(f.totalMs)} in all`, kill, loss, scale].join('\n\n');
}
