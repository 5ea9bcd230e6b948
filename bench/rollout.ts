// `npm run bench -- rollout [--swarm-only]`: on 3 lab hosts, a web service of 6 replicas behind a
// published port, under a steady 1000 req/s of wrk load through the front door (host 1's address)
// with every failure counted: a rolling update v1 → v2, then a rollback to v1, then a drain of
// host 3; failed requests and the time from the move asked to its end state (exactly 6 running
// replicas, all available, all of the wanted image, none on the drained host), seen by one
// observer polling every engine. Baton beside Docker Swarm with HAProxy in front, on the same hosts
// in the same run, both under the same update and rollback policy (bench/rollout/cases.ts POLICY).
// The Swarm side runs first; --swarm-only stops there.
import { labUp } from '../test/lab/lab.ts';
import { LOAD } from './ingress/cases.ts';
import { batonRolloutSide } from './rollout/baton.ts';
import { POLICY, REPLICAS, V1, V2, measureRollout, type CaseRun, type RolloutFigures } from './rollout/cases.ts';
import { swarmRolloutSide } from './rollout/swarm.ts';
import { markdownTable, ratio } from './stats.ts';
import { swarmDown } from './swarm.ts';
import { removeBatonLeftovers } from './ingress/baton.ts';
import { describeLoad } from '../test/lab/load.ts';

const CASES: { key: keyof RolloutFigures; what: string }[] = [
  { key: 'update', what: `rolling update ${V1} → ${V2}` },
  { key: 'rollback', what: `rollback ${V2} → ${V1}` },
  { key: 'drain', what: 'drain of host 3 (its 2 replicas move)' },
];

// peer/ours, with zeros said in words: a ratio to 0 failures means nothing.
function failRatio(peer: number, ours: number): string {
  if (ours === 0) return peer === 0 ? 'both 0' : `baton 0, swarm ${peer}`;
  return ratio(peer, ours);
}

function table(swarm: RolloutFigures, baton: RolloutFigures | null, note: string): string {
  const rows: string[][] = [];
  for (const c of CASES) {
    const s = swarm[c.key];
    const b = baton?.[c.key];
    rows.push([`${c.what}: failed requests`, b ? `${b.load.failed} of ${b.load.sent}` : note, `${s.load.failed} of ${s.load.sent}`, b ? failRatio(s.load.failed, b.load.failed) : '']);
    rows.push([`${c.what}: duration`, b ? `${b.doneS.toFixed(1)} s` : note, `${s.doneS.toFixed(1)} s`, b ? ratio(s.doneS, b.doneS) : '']);
  }
  return markdownTable(['measure', 'baton', 'swarm + HAProxy', 'swarm/baton'], rows);
}

function runs(name: string, f: RolloutFigures): string[] {
  return CASES.map((c) => {
    const r: CaseRun = f[c.key];
    return `  ${name} ${c.what}: ${r.doneS.toFixed(1)} s; ${r.load.sent} sent, ${describeLoad(r.load)}`;
  });
}

export async function benchRollout(): Promise<string> {
  const swarmOnly = process.argv.includes('--swarm-only');
  const lab = await labUp();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  await removeBatonLeftovers(lab); // the front door's port must be free for Swarm's HAProxy
  const swarm = await swarmRolloutSide(lab, log);
  let swarmFigures: RolloutFigures;
  try {
    swarmFigures = await measureRollout(swarm, log);
  } finally {
    await swarm.down();
  }
  const header = `rollout: ${lab.hosts.length} lab hosts, ${REPLICAS} replicas behind a published port; update and rollback one replica at a time (parallelism ${POLICY.parallelism}, ${POLICY.order}, delay ${POLICY.delay}, monitor ${POLICY.monitor}); wrk from the root namespace at 1000 req/s, ${LOAD.connections} connections, ${LOAD.timeoutS} s timeout; a failure is any non-2xx answer, socket error or request never answered. Peer: Docker Swarm ${swarm.engineVersion} (3 managers) with HAProxy 2.6 in front (tasks found by DNS, health checks every 500 ms, retry-on + redispatch)`;
  if (swarmOnly) return [header, table(swarmFigures, null, 'not measured (--swarm-only)'), '', ...runs('swarm', swarmFigures)].join('\n');

  const baton = await batonRolloutSide(lab, log);
  let batonFigures: RolloutFigures;
  try {
    batonFigures = await measureRollout(baton, log);
  } finally {
    await baton.down();
    await swarmDown(lab);
  }
  return [header, table(swarmFigures, batonFigures, ''), '', ...runs('baton', batonFigures), ...runs('swarm', swarmFigures)].join('\n');
}
