// Rollouts as a person drives them: status, history, pause, resume, undo; and the moves that are
// rollouts of their own kind: a host drained or activated, a service rebalanced. Each checks its
// input, writes the rollout record or the host's availability, and leaves the doing to the
// reconciler (rollout.ts decides, decide.ts places, the executor acts).
import { BatonError } from '../../../shared/errors.ts';
import type { EventKind } from '../../../shared/events.ts';
import { isActive, type RevisionEntry, type RolloutRecord, type RolloutStatus } from '../../../shared/rollout.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import { serviceKey } from '../reconcile/replica.ts';
import { countReplicas, DEFAULT_PROGRESS_DEADLINE_MS, rollbackRecord, waitingFor } from '../reconcile/rollout.ts';
import { revisionText } from './inspect.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import type { Store } from '../store/store.ts';
import { diffSpecs } from './spec-diff.ts';

export interface RolloutServiceDeps {
  store: Store;
  reconciler: Reconciler;
  events: EventLog;
  hosts: HostManager;
  resolve: (ref: string) => { stack: string; name: string };
}

export class RolloutService {
  constructor(private readonly deps: RolloutServiceDeps) {}

  status(ref: string): RolloutStatus {
    const { stack, name } = this.deps.resolve(ref);
    const desired = this.desired(stack, name);
    const record = this.deps.store.rollouts.get(stack, name);
    const ready = new Set(this.deps.hosts.list().filter((h) => h.state === 'ready').map((h) => h.name));
    const replicas = this.deps.reconciler.state.replicasOf(stack, name).filter((r) => ready.has(r.host));
    const counts = countReplicas(replicas, desired.containerHash);
    const now = Date.now();
    return {
      stack,
      service: name,
      revision: desired.revision,
      desired: desired.replicas,
      updated: counts.updated,
      old: counts.old,
      healthy: counts.available,
      phase: record?.phase ?? 'none',
      waitingFor: waitingFor(record, counts, desired.replicas, now),
      deadlineAtMs: isActive(record) && record.phase !== 'paused' ? record.lastProgressAtMs + record.progressDeadlineMs : null,
      rollout: record,
    };
  }

  history(ref: string): RevisionEntry[] {
    const { stack, name } = this.deps.resolve(ref);
    const desired = this.desired(stack, name);
    const revisions = this.deps.store.stacks.listRevisions(stack, name);
    return revisions.map((r, i) => ({
      revision: r.revision,
      image: r.spec.image,
      createdAt: r.createdAt,
      current: r.revision === desired.revision,
      changes: i === 0 ? [] : diffSpecs(revisions[i - 1]!.spec, r.spec),
      text: revisionText(r.spec),
    }));
  }

  pause(ref: string): RolloutStatus {
    const { stack, name } = this.deps.resolve(ref);
    const record = this.active(stack, name, 'pause');
    if (record.phase === 'paused') throw new BatonError('INVALID_INPUT', `The rollout of ${stack}/${name} is paused already${record.reason ? ` (${record.reason})` : ''}. Resume it with: baton rollout resume ${name}`, { service: `${stack}/${name}` });
    this.write(stack, name, { ...record, phase: 'paused', pausedByUser: true, reason: 'paused by hand' }, 'rollout.paused', `rollout ${record.id} paused by hand: no more replicas are replaced until baton rollout resume ${name}; those that run keep serving`);
    return this.status(`${stack}/${name}`);
  }

  resume(ref: string): RolloutStatus {
    const { stack, name } = this.deps.resolve(ref);
    const record = this.active(stack, name, 'resume');
    if (record.phase !== 'paused') throw new BatonError('INVALID_INPUT', `The rollout of ${stack}/${name} is not paused (it is ${record.phase}). See it with: baton rollout status ${name}`, { service: `${stack}/${name}` });
    const now = Date.now();
    // a resumed rollout gets a fresh deadline and forgets the failures that paused it
    const phase = record.kind === 'rollback' ? 'rolling-back' : 'rolling';
    this.write(stack, name, { ...record, phase, pausedByUser: false, reason: null, lastProgressAtMs: now, failures: record.failures.filter((f) => f.revision !== record.toRevision) }, 'rollout.resumed', `rollout ${record.id} resumed`);
    return this.status(`${stack}/${name}`);
  }

  /** Back to the revision before the current one, or to `toRevision`: a rollout under rollback_config. */
  undo(ref: string, toRevision?: number): RolloutStatus {
    const { stack, name } = this.deps.resolve(ref);
    const desired = this.desired(stack, name);
    const revisions = this.deps.store.stacks.listRevisions(stack, name);
    const record = this.deps.store.rollouts.get(stack, name);
    let target: number | undefined = toRevision;
    if (target === undefined) {
      // the revision this one replaced, if it is still kept; else the newest older one
      const from = record && record.toRevision === desired.revision && record.kind === 'update' ? record.fromRevision : null;
      target = from !== null && revisions.some((r) => r.revision === from) ? from : revisions.filter((r) => r.revision < desired.revision).at(-1)?.revision;
      if (target === undefined) throw new BatonError('INVALID_INPUT', `${stack}/${name} has no earlier revision to roll back to: revision ${desired.revision} is the ${revisions.length === 1 ? 'only' : 'oldest'} one kept. See them with: baton rollout history ${name}`, { service: `${stack}/${name}` });
    }
    if (target === desired.revision) throw new BatonError('INVALID_INPUT', `${stack}/${name} runs revision ${target} already. See the revisions with: baton rollout history ${name}`, { service: `${stack}/${name}` });
    const rev = revisions.find((r) => r.revision === target);
    if (!rev) throw new BatonError('NOT_FOUND', `${stack}/${name} has no revision ${target} (kept: ${revisions.map((r) => r.revision).join(', ')}). See them with: baton rollout history ${name}`, { service: `${stack}/${name}` });
    const now = Date.now();
    const next: RolloutRecord = rollbackRecord(record, target, desired.revision, desired.spec.rollback, desired.spec.rollout?.progressDeadlineMs ?? DEFAULT_PROGRESS_DEADLINE_MS, now, 'rolled back by hand');
    this.deps.store.transaction(() => {
      this.deps.store.stacks.setRevision(stack, name, target);
      this.deps.store.rollouts.put(stack, name, next);
    });
    this.deps.events.append({ kind: 'rollout.rolling-back', stack, service: name, message: `${stack}/${name}: rolling back by hand from revision ${desired.revision} to revision ${target}`, data: { failedRevision: desired.revision, toRevision: target, reason: 'by hand' } });
    this.deps.reconciler.trigger(serviceKey(stack, name));
    return this.status(`${stack}/${name}`);
  }

  /** Moves every replica off the host (each new one healthy first) and keeps new ones off it. */
  drain(host: string): { host: string; availability: 'drain'; moving: string[] } {
    this.hostNamed(host);
    const { stacks } = this.deps.store;
    const desired = stacks.desiredServices();
    const here = this.deps.reconciler.state.onHost(host);
    const moving = [...new Set(here.map((r) => serviceKey(r.stack, r.service)))].sort();
    // every service there must have somewhere else to go, or draining would leave it short
    const others = this.deps.reconciler.candidates(desired).map((h) => (h.name === host ? { ...h, drained: true } : h));
    const stuck: string[] = [];
    for (const key of moving) {
      const d = desired.find((s) => serviceKey(s.stack, s.name) === key);
      if (!d) continue;
      const count = here.filter((r) => serviceKey(r.stack, r.service) === key).length;
      const placed = placeReplicas({ service: d.spec, count, strategy: stacks.getStack(d.stack)?.placementStrategy ?? 'spread' }, others);
      if (placed.unplaced > 0) stuck.push(`${key} (${placed.summary})`);
    }
    if (stuck.length > 0) {
      throw new BatonError('INVALID_INPUT', `Draining ${host} would leave services with nowhere to go, so nothing was changed:\n${stuck.map((s) => `- ${s}`).join('\n')}\nAdd a host, free room on one, or lower those services' replicas first.`, { host, services: stuck });
    }
    this.deps.store.hosts.setAvailability(host, 'drain');
    this.deps.events.append({ kind: 'host.drained', host, message: `${host} drained: ${moving.length ? `moving the replicas of ${moving.join(', ')} elsewhere, each new one healthy before the old one leaves` : 'nothing runs there'}; it takes no new replicas until baton host activate ${host}`, data: { moving } });
    this.deps.reconciler.triggerAll();
    return { host, availability: 'drain', moving };
  }

  activate(host: string): { host: string; availability: 'active' } {
    this.hostNamed(host);
    this.deps.store.hosts.setAvailability(host, 'active');
    this.deps.events.append({ kind: 'host.activated', host, message: `${host} takes new replicas again; services that rebalance move replicas back to it one at a time` });
    this.deps.reconciler.triggerAll();
    return { host, availability: 'active' };
  }

  rebalance(ref?: string): { services: string[] } {
    const keys = ref === undefined ? this.deps.store.stacks.listServices().map((s) => serviceKey(s.stack, s.name)) : [serviceKey(this.deps.resolve(ref).stack, this.deps.resolve(ref).name)];
    for (const key of keys) this.deps.reconciler.rebalance(key);
    return { services: keys };
  }

  private hostNamed(host: string): void {
    if (!this.deps.store.hosts.get(host)) throw new BatonError('NOT_FOUND', `There is no host named ${host}. See the hosts with: baton host ls`, { host });
  }

  private desired(stack: string, name: string) {
    const d = this.deps.store.stacks.desiredServices().find((s) => s.stack === stack && s.name === name);
    if (!d) throw new BatonError('NOT_FOUND', `There is no service ${stack}/${name}. See the services with: baton ls`, { service: `${stack}/${name}` });
    return d;
  }

  private active(stack: string, name: string, verb: string): RolloutRecord {
    const record = this.deps.store.rollouts.get(stack, name);
    if (!isActive(record)) {
      const last = this.deps.store.rollouts.get(stack, name);
      throw new BatonError('INVALID_INPUT', `Nothing rolls out for ${stack}/${name}, so there is nothing to ${verb}${last ? ` (its last rollout ${last.phase})` : ''}. A rollout starts when you apply a changed service: baton apply -f FILE`, { service: `${stack}/${name}` });
    }
    return record;
  }

  private write(stack: string, name: string, record: RolloutRecord, kind: Extract<EventKind, `rollout.${string}`>, message: string): void {
    this.deps.store.rollouts.put(stack, name, record);
    this.deps.events.append({ kind, stack, service: name, message: `${stack}/${name}: ${message}` });
    this.deps.reconciler.trigger(serviceKey(stack, name));
  }
}
