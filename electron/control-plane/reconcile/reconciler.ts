// The reconcile loop: for each service, compare what is desired with what the hosts show, act,
// repeat. Driven by the hosts' event streams (HostWatch) and host state changes, with a periodic
// resync as the safety net. Work is serialized per service and parallel across services.
import type { EventLog } from '../events/event-log.ts';
import type { HostLink } from '../hosts/host-link.ts';
import { DEFAULT_HOST_LOSS_GRACE_MS } from './host-loss.ts';
import { waitingOn, type Waiting } from './start-order.ts';

/** How often a service held by depends_on looks at its dependencies again. */
const WAITING_RECHECK_MS = 500;
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { HostCandidate } from '../scheduler/types.ts';
import type { DesiredService, StacksRepo } from '../store/stacks-repo.ts';
import type { RolloutsRepo } from '../store/rollouts-repo.ts';
import type { HostsRepo } from '../store/hosts-repo.ts';
import { DEFAULT_PROGRESS_DEADLINE_MS, MOVE_GATE, stepRollout, type RolloutGate } from './rollout.ts';
import { ClusterState } from './cluster-state.ts';
import { BatonError } from '../../../shared/errors.ts';
import { chooseSlots, decide, type Action, type SlotHistory } from './decide.ts';
import { Executor } from './executor.ts';
import { HostWatch } from './host-watch.ts';
import { KeyedQueue } from './keyed-queue.ts';
import type { Networks } from './networks.ts';
import type { HostFiles } from '../secrets/host-files.ts';
import { isAlive, isAvailable, serviceKey, type ObservedReplica } from './replica.ts';

export interface ReconcilerOptions {
  /** How long a lost host's replicas are waited for, from its last answer, before they are started elsewhere. */
  hostLossGraceMs?: number;
  resyncMs?: number;
  /** A replica that has stayed up this long after its last restart is stable again. */
  stableAfterMs?: number;
  /** A host where a start failed is avoided for this service this long. */
  failedHostCooldownMs?: number;
}

export interface ReconcilerDeps {
  hosts: HostManager;
  stacks: StacksRepo;
  /** Each service's newest rollout, stored at every step. */
  rollouts: RolloutsRepo;
  /** Which hosts a person drained. */
  hostRecords: Pick<HostsRepo, 'drained'>;
  events: EventLog;
  log: Logger;
  clusterId: string;
  networks: Networks;
  /** Takes a running replica out of traffic before it is stopped (the ingress's drain). */
  beforeStop?: (replica: ObservedReplica, graceMs: number) => Promise<void>;
  /** Lets a replica drained for a restart in place back into the pools. */
  readmit?: (replicaId: string) => void;
  /** Delivers services' secrets and configs to the hosts, and removes those no replica needs. */
  files?: HostFiles;
  /** Copies an image to a host that lacks it and can't pull it (from the local engine or another host). */
  copyImage?: (host: string, image: string, context: { stack: string; service: string }) => Promise<void>;
}

/** Docker reports engine labels as "key=value" strings; a label without "=" has an empty value. */
function engineLabels(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((label) => {
      const eq = label.indexOf('=');
      return eq < 0 ? [label, ''] : [label.slice(0, eq), label.slice(eq + 1)];
    }),
  );
}

export class Reconciler {
  readonly state = new ClusterState();
  private readonly executor: Executor;
  private readonly queue: KeyedQueue;
  private readonly watches = new Map<string, HostWatch>();
  private readonly lostSinceMs: Record<string, number> = {};
  private readonly history = new Map<string, Record<number, SlotHistory>>();
  private readonly failedHosts = new Map<string, Map<string, number>>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private readonly lastUnplaced = new Map<string, string>();
  private readonly lastWaiting = new Map<string, string>();
  /** Services a person asked to rebalance (`baton rebalance`), whatever their setting. */
  private readonly rebalanceNow = new Set<string>();
  /** Services whose hosts were looked at for secrets and configs no replica needs, since start-up. */
  private readonly filesChecked = new Set<string>();
  /** Per service, the replicas a person stopped: replaced, never started again in place (until they are gone). */
  private readonly stoppedOnRequest = new Map<string, Set<string>>();
  private resyncTimer: NodeJS.Timeout | null = null;
  private readonly graceMs: number;
  private readonly stableAfterMs: number;
  private readonly cooldownMs: number;
  private stopped = false;

  constructor(private readonly deps: ReconcilerDeps, options: ReconcilerOptions = {}) {
    this.graceMs = options.hostLossGraceMs ?? DEFAULT_HOST_LOSS_GRACE_MS;
    this.stableAfterMs = options.stableAfterMs ?? 30_000;
    this.cooldownMs = options.failedHostCooldownMs ?? 30_000;
    this.executor = new Executor({
      hosts: deps.hosts,
      state: this.state,
      events: deps.events,
      log: deps.log,
      clusterId: deps.clusterId,
      networks: deps.networks,
      ...(deps.beforeStop ? { beforeStop: deps.beforeStop } : {}),
      ...(deps.readmit ? { readmit: deps.readmit } : {}),
      ...(deps.files ? { files: deps.files } : {}),
      ...(deps.copyImage ? { copyImage: deps.copyImage } : {}),
    });
    this.queue = new KeyedQueue(
      (key) => this.reconcile(key),
      (key, err) => deps.log.error({ service: key, err: (err as Error).message }, 'reconcile failed'),
    );
    const startedAt = Date.now();
    for (const link of deps.hosts.allLinks()) this.watch(link, startedAt);
    deps.hosts.on('link', (link) => this.watch(link, Date.now()));
    deps.hosts.on('unlink', (name) => {
      this.watches.get(name)?.stop();
      this.watches.delete(name);
      this.state.forgetHost(name);
      delete this.lostSinceMs[name];
      this.triggerAll();
    });
    this.resyncTimer = setInterval(() => void this.resyncAll(), options.resyncMs ?? 30_000);
    this.resyncTimer.unref();
  }

  private watch(link: HostLink, lostSince: number): void {
    // until a host has been seen, it counts as lost since now: its replicas get the grace period
    if (link.state !== 'ready') this.lostSinceMs[link.name] = lostSince;
    link.on('state', (state) => {
      if (state === 'ready') delete this.lostSinceMs[link.name];
      // the grace period counts from when the host fell silent, which was before the loss was noticed
      else this.lostSinceMs[link.name] ??= Math.min(Date.now(), link.silentSinceMs ?? Date.now());
      this.triggerAll();
    });
    this.watches.set(
      link.name,
      new HostWatch(link, {
        state: this.state,
        events: this.deps.events,
        log: this.deps.log,
        clusterId: this.deps.clusterId,
        onChange: (key) => this.trigger(key),
        onSynced: () => this.triggerAll(),
      }),
    );
  }

  /** This cluster's id, in every replica's `baton.cluster` label. */
  get clusterId(): string {
    return this.deps.clusterId;
  }

  trigger(key: string): void {
    if (!this.stopped) this.queue.trigger(key);
  }

  /** Every desired service, and every service something still runs for. */
  triggerAll(): void {
    const keys = new Set(this.deps.stacks.listServices().map((s) => serviceKey(s.stack, s.name)));
    for (const k of this.state.serviceKeys()) keys.add(k);
    for (const k of keys) this.trigger(k);
  }

  /** Resolves when no reconcile is running (tests and the CLI's --wait use it). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async resyncAll(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.resync().catch(() => undefined)));
  }

  /** The hosts as the scheduler sees them: capacity, what is reserved, ports, counts. */
  candidates(desired: DesiredService[], forService?: string): HostCandidate[] {
    const specs = new Map(desired.map((d) => [serviceKey(d.stack, d.name), d.spec]));
    const failed = forService ? this.failedHosts.get(forService) : undefined;
    const now = Date.now();
    const drained = this.deps.hostRecords.drained();
    return this.deps.hosts.list().map((h) => {
      const alive = this.state.onHost(h.name).filter(isAlive);
      const replicasByService: Record<string, number> = {};
      let cpu = 0;
      let mem = 0;
      const ports: string[] = [];
      for (const r of alive) {
        const key = serviceKey(r.stack, r.service);
        replicasByService[key] = (replicasByService[key] ?? 0) + 1;
        const spec = specs.get(key);
        if (!spec) continue;
        cpu += spec.reservations.nanoCpus ?? 0;
        mem += spec.reservations.memoryBytes ?? 0;
        for (const p of spec.ports) if (p.mode === 'host' && p.published !== null) ports.push(`${p.protocol}/${p.published}`);
      }
      const cooling = (failed?.get(h.name) ?? 0) > now;
      return {
        name: h.name,
        ready: h.state === 'ready' && this.state.isSynced(h.name) && !cooling,
        ...(drained.has(h.name) ? { drained: true } : {}),
        hostname: h.inventory?.hostname ?? h.name,
        labels: h.labels,
        engineLabels: engineLabels(h.inventory?.engineLabels ?? []),
        nanoCpus: (h.inventory?.cpus ?? 0) * 1e9,
        memoryBytes: h.inventory?.memoryBytes ?? 0,
        reservedNanoCpus: cpu,
        reservedMemoryBytes: mem,
        usedHostPorts: ports,
        replicasByService,
        volumes: this.state.volumesOn(h.name).map((v) => v.name),
        ...(h.inventory ? { platform: { osType: h.inventory.osType, architecture: h.inventory.architecture } } : {}),
      };
    });
  }

  private async reconcile(key: string): Promise<void> {
    if (this.stopped) return;
    const now0 = Date.now();
    // A host not yet listed since it (re)connected, or since start-up, may hold replicas of this
    // service: deciding without them would duplicate. Wait for its picture, or for its grace to end.
    const blind = this.deps.hosts.allLinks().filter((l) => !this.state.isSynced(l.name) && now0 - (this.lostSinceMs[l.name] ?? now0) < this.graceMs);
    if (blind.length > 0) {
      this.scheduleRecheck(key, Math.min(...blind.map((l) => (this.lostSinceMs[l.name] ?? now0) + this.graceMs)));
      return;
    }
    const [stack, service] = key.split('/') as [string, string];
    let all = this.deps.stacks.desiredServices();
    let desired = all.find((d) => d.stack === stack && d.name === service) ?? null;
    const replicas = this.state.replicasOf(stack, service);
    let gate: RolloutGate = MOVE_GATE;
    if (desired) {
      const step = this.stepRollout(desired, replicas);
      gate = step.gate;
      this.scheduleRecheck(key, step.recheckAtMs);
      if (step.revertTo !== null) {
        // an automatic rollback: the service's desired revision goes back, and its replicas follow
        this.deps.stacks.setRevision(stack, service, step.revertTo);
        all = this.deps.stacks.desiredServices();
        desired = all.find((d) => d.stack === stack && d.name === service) ?? null;
      }
    }
    if (desired) {
      // a first deploy starts after what the service depends on (depends_on), and only then
      const declared = new Set(all.filter((d) => d.stack === stack).map((d) => d.name));
      const waits = waitingOn(desired.spec.dependsOn, replicas, (name) => this.state.replicasOf(stack, name), declared);
      if (waits.length > 0) {
        this.reportWaiting(key, stack, service, waits);
        this.scheduleRecheck(key, Date.now() + WAITING_RECHECK_MS);
        return;
      }
      this.lastWaiting.delete(key);
    }
    const history = this.history.get(key) ?? {};
    const now = Date.now();
    // a slot that has served for a while after its last restart starts its crash count afresh
    for (const [slot, h] of Object.entries(history)) {
      if (now - h.lastRestartMs > this.stableAfterMs && replicas.some((r) => r.slot === Number(slot) && isAvailable(r))) delete history[Number(slot)];
    }
    const stopped = this.stoppedOnRequest.get(key);
    if (stopped) {
      for (const id of stopped) if (!replicas.some((r) => r.id === id)) stopped.delete(id); // gone: nothing to remember
      if (stopped.size === 0) this.stoppedOnRequest.delete(key);
    }
    const strategy = desired ? (this.deps.stacks.getStack(stack)?.placementStrategy ?? 'spread') : 'spread';
    const decision = decide({
      desired: desired ? { spec: desired.spec, revision: desired.revision, containerHash: desired.containerHash, replicas: desired.replicas, preferredHost: desired.preferredHost, strategy } : null,
      replicas,
      hosts: this.candidates(all, key),
      lostSinceMs: this.lostSinceMs,
      nowMs: now,
      graceMs: this.graceMs,
      history,
      gate,
      rebalance: this.rebalanceNow.delete(key) || (desired?.spec.rollout?.rebalance ?? true),
      ...(stopped && stopped.size > 0 ? { stoppedOnRequest: stopped } : {}),
    });
    this.history.set(key, history);
    this.scheduleRecheck(key, decision.recheckAtMs);
    if (decision.actions.length > 0 || this.deps.log.isLevelEnabled('trace')) {
      this.deps.log.debug({ service: key, replicas: replicas.map((r) => `${r.slot}@${r.host}:${r.state}/${r.health}`), actions: decision.actions.map((a) => `${a.kind}${'slot' in a ? ` ${a.slot}` : ''}`), recheckAtMs: decision.recheckAtMs }, 'reconcile');
    }

    const runs: Promise<void>[] = [];
    for (const action of decision.actions) {
      if (action.kind === 'unplaced') {
        this.reportUnplaced(key, stack, service, action);
        continue;
      }
      if (action.kind === 'restart') {
        const h = history[action.slot] ?? { crashes: 0, lastRestartMs: 0 };
        history[action.slot] = { crashes: h.crashes + 1, lastRestartMs: now };
      }
      const run =
        action.kind === 'replace'
          ? // stop-first: the old one is drained and gone before the new one starts (its host port is free then)
            this.executor
              .run({ kind: 'remove', slot: action.slot, id: action.id, host: action.host, reason: `${action.reason} (stop-first)`, graceful: action.graceful }, desired, stack, service)
              .then(() => this.executor.run({ kind: 'start', slot: action.slot, host: action.newHost, reason: action.reason }, desired, stack, service))
          : this.executor.run(action, desired, stack, service);
      runs.push(
        run.catch((err: Error) => {
          this.deps.events.append({ kind: `replica.${action.kind}-failed`, severity: 'error', host: action.host, stack, service, message: `could not ${action.kind} a replica of ${key} on ${action.host}: ${err.message}` });
          if (action.kind === 'start' || action.kind === 'replace') {
            const failed = this.failedHosts.get(key) ?? new Map<string, number>();
            failed.set(action.kind === 'replace' ? action.newHost : action.host, Date.now() + this.cooldownMs);
            this.failedHosts.set(key, failed);
            this.scheduleRecheck(key, Date.now() + 1000);
          }
        }),
      );
    }
    if (decision.actions.every((a) => a.kind !== 'unplaced') && this.lastUnplaced.delete(key) && desired) {
      this.deps.events.append({ kind: 'service.placed', stack, service, message: `every replica of ${key} can be placed again` });
    }
    await Promise.all(runs);
    // a revision's secrets and configs leave a host with its last replica there (and, once after
    // start-up, whatever an earlier run left)
    if (this.deps.files && (!desired || !this.filesChecked.has(key) || decision.actions.some((a) => a.kind === 'remove' || a.kind === 'replace'))) {
      this.filesChecked.add(key);
      const engines = this.deps.hosts.allLinks().filter((l) => l.state === 'ready' && this.state.isSynced(l.name)).map((l) => l.engine());
      await this.deps.files.cleanup(engines, stack, service, this.state.replicasOf(stack, service)).catch((err: unknown) => this.deps.log.warn({ service: key, err: (err as Error).message }, 'could not remove secrets and configs no replica needs'));
    }
  }

  /** One step of the service's rollout: stored, its events written, its gate for decide. */
  private stepRollout(desired: DesiredService, replicas: ObservedReplica[]): ReturnType<typeof stepRollout> {
    const { stack, name: service } = desired;
    const ready = this.readyHosts();
    const onReady = replicas.filter((r) => ready.has(r.host));
    const record = this.deps.rollouts.get(stack, service);
    const failureDetail = Object.fromEntries(onReady.filter((r) => r.healthOutput).map((r) => [r.id, r.healthOutput!]));
    const step = stepRollout({
      record,
      target: { revision: desired.revision, containerHash: desired.containerHash, replicas: desired.replicas, update: desired.spec.update, rollback: desired.spec.rollback, progressDeadlineMs: desired.spec.rollout?.progressDeadlineMs ?? DEFAULT_PROGRESS_DEADLINE_MS },
      replicas: onReady,
      nowMs: Date.now(),
      failureDetail,
    });
    if (step.next && JSON.stringify(step.next) !== JSON.stringify(record)) this.deps.rollouts.put(stack, service, step.next);
    for (const e of step.events) this.deps.events.append({ kind: e.kind, severity: e.severity ?? 'info', stack, service, message: `${stack}/${service}: ${e.message}`, ...(e.data ? { data: e.data } : {}) });
    return step;
  }

  /** Moves replicas of the service toward an even spread once, whatever its rebalance setting. */
  rebalance(key: string): void {
    this.rebalanceNow.add(key);
    this.trigger(key);
  }

  /** Hosts whose replicas can be acted on: connected, and listed since they connected. */
  private readyHosts(): Set<string> {
    return new Set(this.deps.hosts.allLinks().filter((l) => l.state === 'ready' && this.state.isSynced(l.name)).map((l) => l.name));
  }

  /** The replicas that make up a service now (those in its chosen slots): what `baton ls` counts. */
  servingReplicas(service: { replicas: number }, replicas: ObservedReplica[]): ObservedReplica[] {
    const { kept } = chooseSlots({ replicas, wanted: service.replicas, ready: this.readyHosts(), lostSinceMs: this.lostSinceMs, nowMs: Date.now(), graceMs: this.graceMs });
    const slots = new Set(kept);
    return replicas.filter((r) => slots.has(r.slot));
  }

  /**
   * Removes one replica for good (graceful stop, then remove) and lowers its service's count by
   * one, as one step of that service's queue. No reconcile runs in between, so none sees the count
   * lowered with the replica still there (it would remove another one) or the replica gone with the
   * count not yet lowered (it would start a new one). A stand-in of the same slot (the new
   * replica of an update under way) goes with it. A replica the service no longer counts (scaled
   * away already) is removed without lowering the count.
   */
  removeReplica(target: ObservedReplica): Promise<{ stack: string; service: string; replicas: number }> {
    const { stack, service } = target;
    const key = serviceKey(stack, service);
    return this.queue.exclusive(key, async () => {
      if (this.stopped) throw new BatonError('UNAVAILABLE', 'The control plane is stopping; nothing was removed.');
      const replica = this.state.find(target.host, target.id);
      if (!replica) throw new BatonError('NOT_FOUND', `${target.name} is gone already. See the replicas with: baton ps ${key}`, { replica: target.name });
      const desired = this.deps.stacks.desiredServices().find((d) => d.stack === stack && d.name === service);
      if (!desired) throw new BatonError('NOT_FOUND', `${replica.name} belongs to ${key}, which is no longer deployed: Baton is removing its replicas already.`, { replica: replica.name });
      const ready = this.readyHosts();
      if (!ready.has(replica.host)) {
        const link = this.deps.hosts.allLinks().find((l) => l.name === replica.host);
        throw new BatonError(
          'UNAVAILABLE',
          `Host ${replica.host} is ${link?.state ?? 'gone'}${link?.reason ? ` (${link.reason})` : ''}: ${replica.name} can't be removed now. Try again when the host is ready (baton host ls), or lower the count with: baton scale ${key}=${Math.max(0, desired.replicas - 1)}`,
          { replica: replica.name, host: replica.host },
        );
      }
      const replicas = this.state.replicasOf(stack, service);
      const { kept } = chooseSlots({ replicas, wanted: desired.replicas, ready, lostSinceMs: this.lostSinceMs, nowMs: Date.now(), graceMs: this.graceMs });
      const counted = kept.includes(replica.slot);
      const reason = 'removed on request';
      const removal = (r: ObservedReplica) => ({ kind: 'remove' as const, slot: r.slot, id: r.id, host: r.host, reason, graceful: r.state === 'running' });
      try {
        await this.executor.run(removal(replica), desired, stack, service);
      } catch (err) {
        throw new BatonError('DOCKER_ERROR', `Could not remove ${replica.name} from ${replica.host}: ${(err as Error).message}. Nothing else was changed.`, { replica: replica.name, host: replica.host });
      }
      const standIns = counted ? replicas.filter((r) => r.slot === replica.slot && r.id !== replica.id && ready.has(r.host)) : [];
      for (const result of await Promise.allSettled(standIns.map((r) => this.executor.run(removal(r), desired, stack, service)))) {
        if (result.status === 'rejected') this.deps.log.warn({ service: key, err: (result.reason as Error).message }, 'could not remove a stand-in of a removed replica');
      }
      if (!counted) return { stack, service, replicas: desired.replicas };
      const replicasNow = Math.max(0, desired.replicas - 1);
      this.deps.stacks.setReplicas(stack, service, replicasNow);
      delete this.history.get(key)?.[replica.slot];
      this.deps.events.append({ kind: 'service.scaled', stack, service, message: `${key} scaled to ${replicasNow} (${replica.name} removed)`, data: { replicas: replicasNow, removed: replica.name } });
      return { stack, service, replicas: replicasNow };
    });
  }

  /**
   * Restarts one replica in place, as a person asks (`baton replica restart`): the same container
   * on its host, drained out of the ingress first, stopped within its stop_grace_period, started
   * again. One step of its service's queue, so no reconcile sees it stopped meanwhile and replaces
   * it; it is no crash either (the slot's crash count is left as it is). A control plane stopped
   * half-way leaves a stopped replica of the desired revision, which the reconciler starts again in
   * place, as it would after a crash.
   */
  restartReplica(target: ObservedReplica): Promise<ObservedReplica> {
    return this.onReadyReplica(target, 'restarted', async (replica, desired) => {
      try {
        return (await this.executor.restartInPlace(replica, desired)) ?? replica;
      } catch (err) {
        throw new BatonError('DOCKER_ERROR', `Could not restart ${replica.name} on ${replica.host}: ${(err as Error).message}. The reconciler starts it again if it stays stopped.`, { replica: replica.name, host: replica.host }, `See its state with: baton ps ${replica.stack}/${replica.service}`);
      }
    });
  }

  /**
   * Stops one replica, as a person asks (`baton replica stop`): drained out of the ingress first,
   * then stopped within its stop_grace_period. The desired count is unchanged, so the reconciler
   * then replaces it: a new replica in its slot, where the scheduler puts it, and the stopped
   * container removed (it is not started again in place). To have fewer replicas, scale or remove.
   */
  stopReplica(target: ObservedReplica): Promise<ObservedReplica> {
    return this.onReadyReplica(target, 'stopped', async (replica, desired) => {
      const key = serviceKey(replica.stack, replica.service);
      const ids = this.stoppedOnRequest.get(key) ?? new Set<string>();
      this.stoppedOnRequest.set(key, ids);
      ids.add(replica.id); // from the start: were it to exit during its drain, it is not started again in place
      try {
        return (await this.executor.stopGracefully(replica, desired)) ?? replica;
      } catch (err) {
        throw new BatonError('DOCKER_ERROR', `Could not stop ${replica.name} on ${replica.host}: ${(err as Error).message}.`, { replica: replica.name, host: replica.host }, `See its state with: baton ps ${key}; a stopped one is replaced by the reconciler.`);
      }
    });
  }

  /** Runs `work` on a replica of a deployed service on a ready host, as one step of its service's queue. */
  private onReadyReplica(target: ObservedReplica, verb: string, work: (replica: ObservedReplica, desired: DesiredService) => Promise<ObservedReplica>): Promise<ObservedReplica> {
    const key = serviceKey(target.stack, target.service);
    return this.queue.exclusive(key, async () => {
      if (this.stopped) throw new BatonError('UNAVAILABLE', `The control plane is stopping; nothing was ${verb}.`);
      const replica = this.state.find(target.host, target.id);
      if (!replica) throw new BatonError('NOT_FOUND', `${target.name} is gone already.`, { replica: target.name }, `See the replicas with: baton ps ${key}`);
      const desired = this.deps.stacks.desiredServices().find((d) => d.stack === replica.stack && d.name === replica.service);
      if (!desired) throw new BatonError('NOT_FOUND', `${replica.name} belongs to ${key}, which is no longer deployed: Baton is removing its replicas already.`, { replica: replica.name });
      if (!this.readyHosts().has(replica.host)) {
        const link = this.deps.hosts.allLinks().find((l) => l.name === replica.host);
        throw new BatonError('UNAVAILABLE', `Host ${replica.host} is ${link?.state ?? 'gone'}${link?.reason ? ` (${link.reason})` : ''}: ${replica.name} can't be ${verb} now.`, { replica: replica.name, host: replica.host }, 'Try again when the host is ready (baton host ls).');
      }
      return work(replica, desired);
    });
  }

  private reportWaiting(key: string, stack: string, service: string, waits: Waiting[]): void {
    const message = `${key} waits for ${waits.map((w) => w.text).join(' and ')} before its first replica starts (depends_on)`;
    if (this.lastWaiting.get(key) === message) return; // said already; say again only when it changes
    this.lastWaiting.set(key, message);
    this.deps.events.append({ kind: 'service.waiting', stack, service, message, data: { waitingFor: waits.map((w) => ({ service: w.service, condition: w.condition })) } });
  }

  private reportUnplaced(key: string, stack: string, service: string, action: Extract<Action, { kind: 'unplaced' }>): void {
    const message = action.reason; // the scheduler's summary: how many can't be placed, and each host's reason
    if (this.lastUnplaced.get(key) === message) return; // said already; say again only when it changes
    this.lastUnplaced.set(key, message);
    this.deps.events.append({ kind: 'service.unplaced', severity: 'warning', stack, service, message, data: { slots: action.slots } });
  }

  /** Why replicas of a service are pending, if they are. */
  pendingReason(key: string): string | null {
    return this.lastUnplaced.get(key) ?? null;
  }

  private scheduleRecheck(key: string, at: number | null): void {
    if (at === null || this.stopped) return;
    const existing = this.rechecks.get(key);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.rechecks.delete(key);
      this.trigger(key);
    }, Math.max(0, at - Date.now()) + 5);
    timer.unref();
    this.rechecks.set(key, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const t of this.rechecks.values()) clearTimeout(t);
    for (const w of this.watches.values()) w.stop();
    await this.queue.idle();
  }
}
