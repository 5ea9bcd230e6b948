// The autoscaler's decision for one service, pure: from its policy, its desired count, the load
// each replica carries and the recommendations of the last minutes, the count it should have.
//
// It follows Kubernetes' HPA where that is sound, and says where it is not:
// - Per metric, desired = ceil(ready × average / target), the average taken over the replicas that
//   are ready (running, healthy or without a check, and measured at least once). A replica that is
//   still starting takes no traffic and burns start-up CPU, so it would skew the average either
//   way. Counting only the ready ones also means a scale-up already under way is not asked for
//   again: the ready replicas still carry the whole load, ceil(ready × average / target) is the
//   same total divided by the target, and the count converges on it instead of overshooting.
// - Within 1 ± tolerance of the target nothing changes (no chasing noise).
// - With both cpu and rps, the larger recommendation wins (each metric's target is honoured).
// - Stabilization: the count goes up to the lowest recommendation of the scale-up window (0 s by
//   default: at once) and down to the highest of the scale-down window (5 min by default), so a
//   brief dip does not take replicas away that the next spike needs: that is what keeps it from
//   flapping.
// - Rate: at most doubling per step up, at most halving per step down.
// - No scale-down while replicas are starting: they are about to take their share.
// - Stale metrics (a host out of reach, counters unread) give no decision at all: a replica that
//   cannot be measured might carry any load.
import type { AutoscalePolicy } from '../../../shared/stack.ts';
import type { AutoscaleDecision, HeldBy, MetricReading } from '../../../shared/autoscale.ts';

export interface ReplicaLoad {
  /** Counted in the averages: running, healthy or without a check, with a fresh measurement. */
  ready: boolean;
  /** No fresh measurement this second although it runs (its host is out of reach, …). */
  staleReason: string | null;
  /** Share of one core, in % (200 = two cores busy); null before its second reading. */
  cpuPercentOfCore: number | null;
  /** Requests/s the ingress sent it; null when it has no route through the ingress. */
  requestsPerSec: number | null;
}

export interface Recommendation {
  atMs: number;
  replicas: number;
}

export interface ScaleInput {
  policy: AutoscalePolicy;
  /** The service's desired count now. */
  current: number;
  /** Its CPU reservation per replica, in cores (deploy.resources.reservations.cpus); the cpu target is a share of it. */
  cpuReservationCores: number | null;
  replicas: ReplicaLoad[];
  /** Earlier recommendations, oldest first (what `recommended` said each second). */
  history: Recommendation[];
  nowMs: number;
}

export type ScaleOutcome = Omit<AutoscaleDecision, 'time'>;

export function decideScale(input: ScaleInput): ScaleOutcome {
  const { policy, current, nowMs } = input;
  const base = { current, desired: current, recommended: null, ready: 0, metrics: [], heldBy: null } satisfies Partial<ScaleOutcome>;

  // out of range (the policy changed, a person scaled): back into it first, whatever the load
  const bounded = withinRange(current, policy);
  if (bounded !== current) {
    return { ...base, kind: 'scale', desired: bounded, heldBy: bounded === policy.min ? 'min' : 'max', reason: `${current} is outside the autoscale range [${policy.min}, ${policy.max}]` };
  }

  const stale = input.replicas.filter((r) => r.staleReason !== null);
  if (stale.length > 0) {
    return { ...base, kind: 'stale', reason: `no decision: ${stale.length} of ${input.replicas.length} replicas have no fresh metrics (${stale[0]!.staleReason})` };
  }

  const metrics: MetricReading[] = [];
  const ready = input.replicas.filter((r) => r.ready);
  const starting = input.replicas.length - ready.length;
  if (policy.cpuPercent !== null) {
    const values = ready.map((r) => r.cpuPercentOfCore).filter((v): v is number => v !== null);
    // the target is a share of the reservation: 70 % of 0.5 CPU is 35 % of one core
    const unit = input.cpuReservationCores ?? 1;
    if (values.length > 0) metrics.push(reading('cpu', average(values) / unit, policy.cpuPercent, values.length, current, policy.tolerance));
  }
  if (policy.requestsPerSecond !== null) {
    const values = ready.map((r) => r.requestsPerSec).filter((v): v is number => v !== null);
    if (values.length > 0) metrics.push(reading('rps', average(values), policy.requestsPerSecond, values.length, current, policy.tolerance));
  }
  if (metrics.length === 0) {
    return { ...base, kind: 'no-data', reason: ready.length === 0 ? `no decision: none of ${input.replicas.length} replicas is ready and measured yet` : 'no decision: the ready replicas have no measurement of the policy\'s metrics yet' };
  }

  const recommended = Math.max(...metrics.map((m) => m.recommended));
  const withInputs = { ...base, recommended, ready: ready.length, metrics };
  const says = metrics.map((m) => `${m.metric} ${round(m.average)} / target ${round(m.target)}`).join(', ');

  // stabilization over this recommendation and those of the windows
  const inWindow = (ms: number) => [...input.history.filter((h) => h.atMs > nowMs - ms && h.atMs <= nowMs).map((h) => h.replicas), recommended];
  const upTo = Math.min(...inWindow(policy.scaleUpWindowMs));
  const downTo = Math.max(...inWindow(policy.scaleDownWindowMs));
  let desired = current;
  let heldBy: HeldBy | null = null;
  if (recommended > current) {
    desired = Math.max(current, upTo);
    if (desired < recommended) heldBy = 'scale_up_window';
  } else if (recommended < current) {
    desired = Math.min(current, downTo);
    if (desired > recommended) heldBy = 'scale_down_window';
    if (desired < current && starting > 0) {
      desired = current;
      heldBy = 'starting';
    }
  }

  // rate: double at most, halve at most
  if (desired > current * 2) [desired, heldBy] = [current * 2, 'rate'];
  const floor = Math.ceil(current / 2);
  if (desired < floor) [desired, heldBy] = [floor, 'rate'];
  if (desired > policy.max) [desired, heldBy] = [policy.max, 'max'];
  if (desired < policy.min) [desired, heldBy] = [policy.min, 'min'];

  if (desired !== current) {
    const bound = heldBy ? ` (${HELD_WORDS[heldBy]}; ${recommended} asked for)` : '';
    return { ...withInputs, kind: 'scale', desired, heldBy, reason: `${says}: ${current} → ${desired}${bound}` };
  }
  if (recommended === current) return { ...withInputs, kind: 'hold', desired, heldBy: null, reason: `${says}: within the tolerance of ${policy.tolerance}` };
  return { ...withInputs, kind: 'hold', desired, heldBy, reason: `${says}: ${recommended} asked for, held at ${current} by ${HELD_WORDS[heldBy ?? 'rate']}` };
}

const HELD_WORDS: Record<HeldBy, string> = {
  scale_up_window: 'the scale-up window',
  scale_down_window: 'the scale-down window',
  rate: 'the rate limit (at most doubling or halving per step)',
  min: 'the minimum',
  max: 'the maximum',
  starting: 'replicas still starting',
};

function reading(metric: 'cpu' | 'rps', avg: number, target: number, ready: number, current: number, tolerance: number): MetricReading {
  const ratio = avg / target;
  const recommended = Math.abs(ratio - 1) <= tolerance ? current : Math.ceil(ready * ratio - 1e-9);
  return { metric, average: avg, target, ratio, recommended };
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** A replica count brought within an autoscale policy's range. */
export function withinRange(n: number, range: { min: number; max: number }): number {
  return Math.min(Math.max(n, range.min), range.max);
}

function round(n: number): string {
  return n >= 10 ? n.toFixed(0) : n.toFixed(1);
}
