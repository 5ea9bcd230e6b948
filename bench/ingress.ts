// `npm run bench -- ingress [--swarm-only]`: on 3 lab hosts, a web service of 6 replicas (2 per host)
// behind a published port, under steady wrk load through the front door (host 1's address), with
// every failure counted (test/lab/load.ts). Baton's ingress beside Docker Swarm with HAProxy in
// front (its routing mesh needs IPVS, which this kernel lacks), in the same run on the same hosts:
//   (a) the ingress's cost: latency and rate through the front door vs straight to a replica's host port;
//   (b) docker kill of one replica under load: failed requests;
//   (c) scale 6 → 2 → 6 under load: failed requests;
//   (d) Baton only: its control plane SIGKILLed (and started again) under load: failed requests.
// The Swarm side runs first; --swarm-only stops there.
import { labUp } from '../test/lab/lab.ts';
import { describeLoad, type LoadResult } from '../test/lab/load.ts';
import { batonSide, LOCAL_PORT, removeBatonLeftovers, type ControlPlaneKillFigures } from './ingress/baton.ts';
import { HEALTH, LOAD, RATE, REPLICAS, measureCost, measureKill, measureScale, type CostFigures, type IngressSide, type KillRun, type Log, type ScaleFigures } from './ingress/cases.ts';
import { swarmSide } from './ingress/swarm.ts';
import { markdownTable, ratio } from './stats.ts';
import { swarmDown } from './swarm.ts';

interface SideFigures {
  cost: CostFigures;
  kill: KillRun[];
  scale: ScaleFigures;
  localPool?: LoadResult; // Baton: the front door whose pool is only host 1's replicas
}

// Swarm's (b) and (c) again through the front door whose HAProxy backend has a 0.5 s connect timeout.
interface FastDoorFigures {
  kill: KillRun[];
  scale: ScaleFigures;
}

async function measure(side: IngressSide, log: Log, afterCost?: () => Promise<LoadResult>): Promise<SideFigures> {
  const cost = await measureCost(side, log);
  const localPool = afterCost ? await afterCost() : undefined;
  const kill = await measureKill(side, log);
  const scale = await measureScale(side, log);
  return { cost, kill, scale, ...(localPool ? { localPool } : {}) };
}

const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`;
const perS = (v: number) => `${v.toFixed(0)} req/s`;
const sec = (v: number) => `${v.toFixed(1)} s`;
const failedSum = (runs: LoadResult[]) => runs.reduce((n, r) => n + r.failed, 0);
const costRuns = (f: SideFigures) => [f.cost.frontDoorPaced, f.cost.directPaced, f.cost.frontDoorMax, f.cost.directMax];

// peer/ours, with zeros said in words: a ratio to 0 failures means nothing.
function failRatio(peer: number, ours: number): string {
  if (ours === 0) return peer === 0 ? 'both 0' : `baton 0, swarm ${peer}`;
  return ratio(peer, ours);
}

function table(swarm: SideFigures, fast: FastDoorFigures, baton: SideFigures | null, cp: ControlPlaneKillFigures | null, batonNote: string): string {
  const rows: string[][] = [];
  // a figure both sides have: baton, swarm, swarm/baton
  const both = (name: string, pick: (f: SideFigures) => number, show: (v: number) => string) => {
    rows.push([name, baton ? show(pick(baton)) : batonNote, show(pick(swarm)), baton ? ratio(pick(swarm), pick(baton)) : '', '', '']);
  };
  both(`(a) front door at ${RATE} req/s, p50`, (f) => f.cost.frontDoorPaced.latencyUs.p50, ms);
  both(`(a) front door at ${RATE} req/s, p99`, (f) => f.cost.frontDoorPaced.latencyUs.p99, ms);
  both(`(a) straight to a replica at ${RATE} req/s, p50`, (f) => f.cost.directPaced.latencyUs.p50, ms);
  both(`(a) straight to a replica at ${RATE} req/s, p99`, (f) => f.cost.directPaced.latencyUs.p99, ms);
  both(`(a) what the front door adds at ${RATE} req/s, p50 (front door − straight)`, (f) => f.cost.frontDoorPaced.latencyUs.p50 - f.cost.directPaced.latencyUs.p50, ms);
  const local = baton?.localPool;
  rows.push([`(a) front door whose pool is host 1's 2 replicas only (:${LOCAL_PORT}) at ${RATE} req/s, p50 / p99`, local ? `${ms(local.latencyUs.p50)} / ${ms(local.latencyUs.p99)}` : batonNote, 'not measured', '', '', '']);
  rows.push([`(a) what that front door adds at ${RATE} req/s, p50 (− straight)`, local && baton ? ms(local.latencyUs.p50 - baton.cost.directPaced.latencyUs.p50) : batonNote, 'not measured', '', '', '']);
  both('(a) front door flat out, rate', (f) => f.cost.frontDoorMax.requestsPerS, perS);
  both('(a) front door flat out, p50', (f) => f.cost.frontDoorMax.latencyUs.p50, ms);
  both('(a) front door flat out, p99', (f) => f.cost.frontDoorMax.latencyUs.p99, ms);
  both('(a) straight to a replica flat out, rate', (f) => f.cost.directMax.requestsPerS, perS);
  both('(a) straight to a replica flat out, p50', (f) => f.cost.directMax.latencyUs.p50, ms);
  both('(a) straight to a replica flat out, p99', (f) => f.cost.directMax.latencyUs.p99, ms);
  const costFailed = (f: SideFigures) => failedSum([...costRuns(f), ...(f.localPool ? [f.localPool] : [])]);
  rows.push(['(a) failed requests in those runs', baton ? String(costFailed(baton)) : batonNote, String(costFailed(swarm)), baton ? failRatio(costFailed(swarm), costFailed(baton)) : '', '', '']);

  const kills = (k: KillRun[]) => k.map((r) => r.load.failed).join(' / ');
  const killSum = (k: KillRun[]) => failedSum(k.map((r) => r.load));
  rows.push([
    `(b) docker kill of 1 of 6 replicas at ${RATE} req/s: failed, one kill per host`,
    baton ? kills(baton.kill) : batonNote,
    kills(swarm.kill),
    baton ? failRatio(killSum(swarm.kill), killSum(baton.kill)) : '',
    kills(fast.kill),
    baton ? failRatio(killSum(fast.kill), killSum(baton.kill)) : '',
  ]);
  rows.push([
    `(c) scale 6 → 2 → 6 at ${RATE} req/s: failed`,
    baton ? String(baton.scale.load.failed) : batonNote,
    String(swarm.scale.load.failed),
    baton ? failRatio(swarm.scale.load.failed, baton.scale.load.failed) : '',
    String(fast.scale.load.failed),
    baton ? failRatio(fast.scale.load.failed, baton.scale.load.failed) : '',
  ]);
  const time = (name: string, pick: (s: ScaleFigures) => number) => {
    rows.push([name, baton ? sec(pick(baton.scale)) : batonNote, sec(pick(swarm.scale)), baton ? ratio(pick(swarm.scale), pick(baton.scale)) : '', sec(pick(fast.scale)), baton ? ratio(pick(fast.scale), pick(baton.scale)) : '']);
  };
  time('(c) scale 6 → 2: 2 running and available', (s) => s.downS);
  time('(c) scale 2 → 6: 6 running and available', (s) => s.upS);
  rows.push([`(d) control plane SIGKILLed at ${RATE} req/s: failed`, cp ? `${cp.load.failed} (no control plane for ${sec(cp.downS)})` : batonNote, 'n/a (in the engines)', '', '', '']);
  return markdownTable(['measure', 'baton', 'swarm + HAProxy', 'swarm/baton', 'swarm + HAProxy, 0.5 s connect timeout', 'swarm 0.5 s/baton'], rows);
}

function runs(name: string, f: SideFigures, cp: ControlPlaneKillFigures | null, fast: FastDoorFigures | null): string[] {
  const line = (what: string, r: LoadResult) => `  ${name} ${what}: ${r.sent} sent, ${describeLoad(r)}`;
  return [
    line(`(a) front door ${f.cost.frontDoorPaced.url} at ${RATE} req/s`, f.cost.frontDoorPaced),
    line(`(a) replica ${f.cost.directUrl} at ${RATE} req/s`, f.cost.directPaced),
    line('(a) front door flat out', f.cost.frontDoorMax),
    line('(a) replica flat out', f.cost.directMax),
    ...(f.cost.directReplaced ? [`  ${name} (a) NOT A BASELINE: ${f.cost.directReplaced} during the runs straight to it`] : []),
    ...(f.localPool ? [line(`(a) front door ${f.localPool.url} (pool: host 1's replicas only) at ${RATE} req/s`, f.localPool)] : []),
    ...f.kill.map((k) => line(`(b) kill on ${k.host}`, k.load)),
    line('(c) scale 6 → 2 → 6', f.scale.load),
    ...(fast ? [...fast.kill.map((k) => line(`(b) 0.5 s connect timeout, kill on ${k.host}`, k.load)), line('(c) 0.5 s connect timeout, scale 6 → 2 → 6', fast.scale.load)] : []),
    ...(cp ? [line('(d) control plane SIGKILLed', cp.load)] : []),
  ];
}

export async function benchIngress(): Promise<string> {
  const swarmOnly = process.argv.includes('--swarm-only');
  const lab = await labUp();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  await removeBatonLeftovers(lab); // the front door's port must be free for Swarm's HAProxy
  const swarm = await swarmSide(lab, log);
  let swarmFigures: SideFigures;
  let fast: FastDoorFigures;
  try {
    swarmFigures = await measure(swarm, log);
    fast = { kill: await measureKill(swarm, log, swarm.fastDoor), scale: await measureScale(swarm, log, swarm.fastDoor) };
  } finally {
    await swarm.down();
  }
  const header = `ingress: ${lab.hosts.length} lab hosts, ${REPLICAS} replicas of baton-test/web:1 (2 per host) behind a published port, health check every ${HEALTH.interval} (timeout ${HEALTH.timeout}, ${HEALTH.retries} retries); wrk from the root namespace, ${LOAD.connections} connections, ${LOAD.threads} threads, ${LOAD.timeoutS} s timeout; a failure is any non-2xx answer, socket error or request never answered. Peer: Docker Swarm ${swarm.engineVersion} (3 managers) with HAProxy 2.6 in front (tasks found by DNS, health checks every 500 ms, retry-on + redispatch; connect timeout 5 s, or 0.5 s where said)`;
  const swarmReport = (note: string) => [header, table(swarmFigures, fast, null, null, note), '', ...runs('swarm', swarmFigures, null, fast)].join('\n');
  if (swarmOnly) return swarmReport('not measured (--swarm-only)');

  let baton: Awaited<ReturnType<typeof batonSide>>;
  try {
    baton = await batonSide(lab, log);
  } catch (e) {
    process.stderr.write(`\n${swarmReport('not measured: the Baton side failed (below)')}\n\n`);
    throw e;
  }
  let batonFigures: SideFigures;
  let cp: ControlPlaneKillFigures;
  try {
    batonFigures = await measure(baton, log, () => baton.measureLocalPool(log));
    cp = await baton.killControlPlane(log);
  } finally {
    await baton.down();
    await swarmDown(lab);
  }
  return [header, table(swarmFigures, fast, batonFigures, cp, ''), '', ...runs('baton', batonFigures, cp, null), ...runs('swarm', swarmFigures, null, fast)].join('\n');
}
