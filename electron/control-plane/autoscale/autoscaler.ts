// The autoscaler's loop: on every metrics frame (one a second), per service with an
// `x-baton.autoscale` policy, the load of each replica gathered from the frame and the cluster's
// picture, the decision asked of decide-scale.ts, and the scale carried out through the stack
// service (the same path as `baton scale`, so the reconciler does the rest). A decision that
// scales is a `service.scaled` event with every input; one that is held back, or that finds no
// fresh data, is an `autoscale.held` / `autoscale.stale` event when it first happens (not every
// second). The recent decisions are kept per service for `baton autoscale status`.
import type { AutoscaleDecision, AutoscaleStatus } from '../../../shared/autoscale.ts';
import type { MetricsFrame } from '../../../shared/metrics.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import { byServiceKey, isAlive, isAvailable, serviceKey } from '../reconcile/replica.ts';
import type { MetricsStore } from '../metrics/metrics-store.ts';
import type { DesiredService } from '../store/stacks-repo.ts';
import { BatonError } from '../../../shared/errors.ts';
import { decideScale, type Recommendation, type ReplicaLoad, type ScaleOutcome } from './decide-scale.ts';

export interface AutoscalerDeps {
  metrics: MetricsStore;
  state: ClusterState;
  desiredServices: () => DesiredService[];
  /** Whether a replica is leaving the ingress's pools (it is on its way out: not counted). */
  draining: (replicaId: string) => boolean;
  /** Sets the desired count (StackService.autoscaleTo): stored, an event, the reconciler woken. */
  scale: (stack: string, service: string, replicas: number, decision: AutoscaleDecision) => void;
  events: EventLog;
  log: Logger;
}

/** Decisions kept per service for `autoscale status`. */
const KEPT_DECISIONS = 20;

interface ServiceLoop {
  history: Recommendation[];
  decisions: AutoscaleDecision[];
  last: AutoscaleDecision | null;
  /** kind and heldBy of the last evaluation that was worth an event; a repeat is not. */
  lastNoted: string | null;
}

export class Autoscaler {
  private readonly loops = new Map<string, ServiceLoop>();
  private readonly onFrame = (frame: MetricsFrame) => this.evaluate(frame);

  constructor(private readonly deps: AutoscalerDeps) {}

  start(): void {
    this.deps.metrics.on('frame', this.onFrame);
  }

  stop(): void {
    this.deps.metrics.off('frame', this.onFrame);
  }

  /** One evaluation of every autoscaled service against this frame. */
  evaluate(frame: MetricsFrame): void {
    const nowMs = Date.parse(frame.time);
    const byService = byServiceKey(frame.replicas);
    const observed = this.deps.state.byService();
    const seen = new Set<string>();
    for (const d of this.deps.desiredServices()) {
      const policy = d.spec.autoscale;
      if (!policy || d.replicas === 0) continue; // scaled to 0 by hand: stopped, not autoscaled
      const key = serviceKey(d.stack, d.name);
      seen.add(key);
      const loop = this.loops.get(key) ?? { history: [], decisions: [], last: null, lastNoted: null };
      this.loops.set(key, loop);
      const measured = new Map((byService.get(key) ?? []).map((m) => [m.id, m]));
      const replicas: ReplicaLoad[] = (observed.get(key) ?? [])
        .filter((r) => isAlive(r) && !this.deps.draining(r.id))
        .map((r) => {
          const m = measured.get(r.id);
          const staleReason = m?.stale ? (m.staleReason ?? 'no fresh value') : null;
          const fresh = m !== undefined && !m.stale;
          return {
            ready: fresh && isAvailable(r) && (m.cpu !== null || m.requests !== null),
            staleReason,
            cpuPercentOfCore: fresh ? (m.cpu?.percentOfCore ?? null) : null,
            requestsPerSec: fresh ? (m.requests?.perSec ?? null) : null,
          };
        });
      const reservation = d.spec.reservations.nanoCpus;
      const outcome = decideScale({ policy, current: d.replicas, cpuReservationCores: reservation ? reservation / 1e9 : null, replicas, history: loop.history, nowMs });
      this.record(loop, d, outcome, nowMs);
    }
    for (const key of this.loops.keys()) if (!seen.has(key)) this.loops.delete(key);
  }

  status(stack: string, service: string): AutoscaleStatus {
    const desired = this.deps.desiredServices().find((d) => d.stack === stack && d.name === service);
    const policy = desired?.spec.autoscale;
    if (!desired || !policy) {
      throw new BatonError('NOT_FOUND', `${stack}/${service} has no autoscale policy.`, { service: `${stack}/${service}` }, 'Give it one under x-baton.autoscale in its stack file (min, max, and cpu and/or rps), then baton apply.');
    }
    const loop = this.loops.get(serviceKey(stack, service));
    return { service: `${stack}/${service}`, policy, replicas: desired.replicas, last: loop?.last ?? null, decisions: loop?.decisions ?? [] };
  }

  private record(loop: ServiceLoop, d: DesiredService, outcome: ScaleOutcome, nowMs: number): void {
    const decision: AutoscaleDecision = { time: new Date(nowMs).toISOString(), ...outcome };
    loop.last = decision;
    if (outcome.recommended !== null) loop.history.push({ atMs: nowMs, replicas: outcome.recommended });
    // the windows look back at most this far
    const keepMs = Math.max(d.spec.autoscale!.scaleUpWindowMs, d.spec.autoscale!.scaleDownWindowMs);
    while (loop.history.length > 0 && loop.history[0]!.atMs <= nowMs - keepMs) loop.history.shift();

    const noteworthy = outcome.kind === 'scale' || outcome.kind === 'stale' || (outcome.kind === 'hold' && outcome.heldBy !== null) || (outcome.kind === 'no-data' && loop.lastNoted === null);
    const signature = `${outcome.kind}:${outcome.heldBy ?? ''}`;
    if (!noteworthy) {
      if (outcome.kind === 'hold') loop.lastNoted = 'steady';
      return;
    }
    if (outcome.kind !== 'scale' && signature === loop.lastNoted) return;
    loop.lastNoted = signature;
    loop.decisions.push(decision);
    if (loop.decisions.length > KEPT_DECISIONS) loop.decisions.shift();
    const ref = `${d.stack}/${d.name}`;
    if (outcome.kind === 'scale') {
      this.deps.scale(d.stack, d.name, outcome.desired, decision);
      return;
    }
    if (outcome.kind === 'no-data') return; // at first, before any replica is measured: not news
    this.deps.events.append({
      kind: outcome.kind === 'stale' ? 'autoscale.stale' : 'autoscale.held',
      stack: d.stack,
      service: d.name,
      message: `${ref}: ${outcome.reason}`,
      data: { autoscale: decision },
    });
  }
}
