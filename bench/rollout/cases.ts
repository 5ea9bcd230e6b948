// The measurements of the rollout benchmark, the same for Baton and its peer: each side gives its
// front door, its replicas' label and the three moves (update to an image, roll back, drain a
// host); this module puts the steady load on (test/lab/load.ts: every non-2xx answer, socket error
// and unanswered request counted), makes the move while it runs, and times it with the one
// observer both sides share (bench/heal/observe.ts: every host's engine polled for the label).
import { performance } from 'node:perf_hooks';
import type { LabHost } from '../../test/lab/lab.ts';
import { describeLoad, type LoadResult } from '../../test/lab/load.ts';
import { waitUntil, isAvailable, type ReplicaSnapshot } from '../heal/observe.ts';
import { settle, underLoad, untilElapsed, type IngressSide, type Log } from '../ingress/cases.ts';

export const REPLICAS = 6; // 2 per host on 3 hosts
export const V1 = 'baton-test/web:1';
export const V2 = 'baton-test/web:2';

// The same update and rollback policy on both sides, written out rather than left to defaults
// (Swarm's default order is stop-first, Baton's start-first): one replica at a time, the new one
// started first, no delay, failures watched for 5 s (Swarm's default monitor), rollback on failure.
export const POLICY = { parallelism: 1, delay: '0s', order: 'start-first', monitor: '5s', failureAction: 'rollback' } as const;

export interface RolloutSide extends IngressSide {
  /** Starts a rolling update of the service to `image`; resolves once it is asked (not done). */
  update(image: string): Promise<void>;
  /** Starts a rollback to the revision before the last update. */
  rollback(): Promise<void>;
  /** Starts moving the host's replicas elsewhere and keeps new ones off it. */
  drain(host: LabHost): Promise<void>;
  /** Lets replicas onto the host again (not timed). */
  activate(host: LabHost): Promise<void>;
}

export interface CaseRun {
  load: LoadResult;
  doneS: number; // from the move asked to its end state seen by the observer
}

export interface RolloutFigures {
  update: CaseRun;
  rollback: CaseRun;
  drain: CaseRun;
}

// Each case runs under a load of its own, long enough for the slowest side's move plus a tail in
// which the end state serves; the move starts MOVE_AT_S into it.
const CASE_S = 80;
const MOVE_AT_S = 3;
const TAIL_S = 3;

/** Exactly `n` running replicas, every one of them available and of `image`, none on `avoid`. */
export function rolledTo(image: string, n: number, avoid?: string): (s: ReplicaSnapshot) => boolean {
  return (s) => {
    const running = s.replicas.filter((r) => r.running);
    return running.length === n && running.every((r) => isAvailable(r) && r.image.startsWith(image) && r.host !== avoid);
  };
}

async function timedCase(side: RolloutSide, log: Log, what: string, move: () => Promise<void>, done: (s: ReplicaSnapshot) => boolean): Promise<CaseRun> {
  const { load, acted } = await underLoad(side.frontDoor, CASE_S, 1000, async (elapsedS) => {
    await untilElapsed(elapsedS, MOVE_AT_S);
    const start = performance.now();
    await move();
    await waitUntil(side.hosts, side.label, done, (CASE_S - MOVE_AT_S - TAIL_S) * 1000, 100);
    const doneS = (performance.now() - start) / 1000;
    if (elapsedS() > CASE_S - TAIL_S) throw new Error(`${side.name}: ${what} took until ${elapsedS().toFixed(1)} s of a ${CASE_S} s load: too late to see the end state serve`);
    return doneS;
  });
  log(`${side.name} ${what}: done in ${acted.toFixed(1)} s; ${load.sent} sent, ${describeLoad(load)}`);
  return { load, doneS: acted };
}

export async function measureRollout(side: RolloutSide, log: Log): Promise<RolloutFigures> {
  await settle(side, REPLICAS);
  const update = await timedCase(side, log, `rolling update ${V1} → ${V2}`, () => side.update(V2), rolledTo(V2, REPLICAS));
  await settle(side, REPLICAS);
  const rollback = await timedCase(side, log, `rollback ${V2} → ${V1}`, () => side.rollback(), rolledTo(V1, REPLICAS));
  await settle(side, REPLICAS);
  const drained = side.hosts[2]!;
  const drain = await timedCase(side, log, `drain of ${drained.name}`, () => side.drain(drained), rolledTo(V1, REPLICAS, drained.name));
  await side.activate(drained);
  return { update, rollback, drain };
}
