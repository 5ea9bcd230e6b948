// Carries out the reconciler's actions on the hosts, and writes each as an event. Thin on
// purpose: every decision was taken in decide.ts.
import { randomBytes } from 'node:crypto';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { DesiredService } from '../store/stacks-repo.ts';
import type { ClusterState, ExecutorAction } from './cluster-state.ts';
import { BATON_NETWORK, chooseHostPorts, containerConfig } from './container-config.ts';
import type { Action } from './decide.ts';
import { refreshReplica } from './host-watch.ts';
import type { Networks } from './networks.ts';
import { replicaNetworks } from './network-joins.ts';
import type { ObservedReplica } from './replica.ts';
import { ensureStackVolumes } from './stack-volumes.ts';
import { statusOf, type Engine } from '../hosts/engine.ts';
import type { HostLink } from '../hosts/host-link.ts';
import { pullErrorText } from '../hosts/pull-image.ts';
import type { FileBind } from '../secrets/files-layout.ts';
import type { HostFiles } from '../secrets/host-files.ts';

const PULL_TIMEOUT_MS = 120_000;

/** At most `limit` tasks at a time; the rest wait their turn, in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    while (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

// Container starts per host at once. On the lab's engines a start takes about 1.7 s alone and
// they overlap well (30 over 3 hosts: 8.7 s unbounded, 11.4 s three at a time, 18 s one at a
// time), so the bound only keeps a scale to hundreds from flooding an engine.
const STARTS_PER_HOST = Number(process.env.BATON_STARTS_PER_HOST ?? 16);

export class Executor {
  private readonly startSlots = new Map<string, Semaphore>();
  /** Images known to be on a host, per session of the link. */
  private readonly imagesSeen = new WeakMap<Engine, Set<string>>();

  constructor(
    private readonly deps: {
      hosts: HostManager;
      state: ClusterState;
      events: EventLog;
      log: Logger;
      clusterId: string;
      networks: Networks;
      /** Takes a running replica out of traffic before it is stopped (the ingress's drain); resolves when it may stop. */
      beforeStop?: (replica: ObservedReplica, graceMs: number) => Promise<void>;
      /** Lets a replica drained for a restart in place back into the pools (the ingress's readmit). */
      readmit?: (replicaId: string) => void;
      /** Delivers services' secrets and configs to the hosts. */
      files?: HostFiles;
      /** Copies an image to a host that lacks it and can't pull it (images/image-service.ts). */
      copyImage?: (host: string, image: string, context: { stack: string; service: string }) => Promise<void>;
    },
  ) {}

  async run(action: Exclude<Action, { kind: 'unplaced' }>, service: DesiredService | null, stack: string, serviceName: string): Promise<void> {
    const link = this.deps.hosts.link(action.host);
    const engine = link.engine();
    const subject = { host: action.host, stack, service: serviceName };
    switch (action.kind) {
      case 'start': {
        if (!service) return;
        let slots = this.startSlots.get(action.host);
        if (!slots) this.startSlots.set(action.host, (slots = new Semaphore(STARTS_PER_HOST)));
        await slots.run(() => this.start(action, service, link, subject));
        return;
      }
      case 'restart':
        return this.acting(action.id, 'start', async () => {
          // its files may be gone with its host's memory (a restart): write them again first
          const known = this.deps.state.find(action.host, action.id);
          if (service && this.deps.files && known?.containerHash === service.containerHash) await this.deps.files.mountsFor(engine, link.inventory?.architecture ?? null, service, { rewrite: true });
          await engine.startContainer(action.id); // 'already': Docker's restart policy was first
          const seen = await refreshReplica(link, action.id, this.deps.clusterId);
          if (seen) this.deps.state.upsert(seen);
          this.deps.events.append({ kind: 'replica.restarted', ...subject, replica: seen?.name ?? action.id.slice(0, 12), message: `${seen?.name ?? action.id.slice(0, 12)} started again on ${action.host} (${action.reason})`, data: { slot: action.slot } });
        });
      case 'remove':
        return this.acting(action.id, 'remove', async () => {
          const known = this.deps.state.find(action.host, action.id);
          const graceMs = service?.spec.stopGracePeriodMs ?? 10_000;
          // out of every pool first: no request is sent to it from here on, and those under way finish
          if (known && known.state === 'running' && this.deps.beforeStop) {
            await this.deps.beforeStop(known, graceMs).catch((err: unknown) => this.deps.log.warn({ replica: known.name, err: (err as Error).message }, 'drain failed; stopping anyway'));
          }
          if (action.graceful) await engine.stopContainer(action.id, Math.ceil(graceMs / 1000));
          await engine.removeContainer(action.id); // false: gone already, which is what was asked
          this.deps.state.remove(action.host, action.id);
          this.deps.events.append({ kind: 'replica.removed', ...subject, replica: known?.name ?? action.id.slice(0, 12), message: `${known?.name ?? action.id.slice(0, 12)} removed from ${action.host} (${action.reason})`, data: { slot: action.slot } });
        });
    }
  }

  /**
   * A restart a person asked for: the same container, on its host. Out of every pool first (those
   * under way finish), stopped within its stop_grace_period, started again, and let back into the
   * pools (the ingress takes it once it passes its health check). Its die and start are no crash.
   */
  async restartInPlace(replica: ObservedReplica, service: DesiredService | null): Promise<ObservedReplica | null> {
    const link = this.deps.hosts.link(replica.host);
    const engine = link.engine();
    const graceMs = service?.spec.stopGracePeriodMs ?? 10_000;
    const subject = { host: replica.host, stack: replica.stack, service: replica.service, replica: replica.name };
    return this.acting(replica.id, 'restart', async () => {
      this.deps.events.append({ kind: 'replica.restarting', ...subject, message: `${replica.name} is restarting in place on ${replica.host} (asked for): drained, stopped within ${graceMs / 1000} s, started again`, data: { slot: replica.slot } });
      try {
        if (replica.state === 'running') {
          await this.drain(replica, graceMs);
          await engine.stopContainer(replica.id, Math.ceil(graceMs / 1000));
        }
        await engine.startContainer(replica.id);
      } finally {
        this.deps.readmit?.(replica.id);
      }
      const seen = await refreshReplica(link, replica.id, this.deps.clusterId);
      if (seen) this.deps.state.upsert(seen);
      this.deps.events.append({ kind: 'replica.restarted', ...subject, message: `${replica.name} restarted in place on ${replica.host} (asked for)`, data: { slot: replica.slot, requested: true } });
      return seen;
    });
  }

  /**
   * A stop a person asked for: out of every pool first, then stopped within its stop_grace_period.
   * The container stays (exited) until the reconciler replaces it.
   */
  async stopGracefully(replica: ObservedReplica, service: DesiredService | null): Promise<ObservedReplica | null> {
    const link = this.deps.hosts.link(replica.host);
    const graceMs = service?.spec.stopGracePeriodMs ?? 10_000;
    return this.acting(replica.id, 'stop', async () => {
      if (replica.state === 'running') {
        await this.drain(replica, graceMs);
        await link.engine().stopContainer(replica.id, Math.ceil(graceMs / 1000));
      }
      const seen = await refreshReplica(link, replica.id, this.deps.clusterId);
      if (seen) this.deps.state.upsert(seen);
      const exit = seen?.exitCode ?? null;
      this.deps.events.append({ kind: 'replica.stopped', host: replica.host, stack: replica.stack, service: replica.service, replica: replica.name, message: `${replica.name} stopped on ${replica.host} (asked for${exit !== null ? `; exit code ${exit}` : ''}); a new replica takes its slot`, data: { slot: replica.slot } });
      return seen;
    });
  }

  private async drain(replica: ObservedReplica, graceMs: number): Promise<void> {
    if (!this.deps.beforeStop) return;
    await this.deps.beforeStop(replica, graceMs).catch((err: unknown) => this.deps.log.warn({ replica: replica.name, err: (err as Error).message }, 'drain failed; stopping anyway'));
  }

  /** While the executor acts on a container, the host watch leaves announcing it to the executor. */
  private async acting<T>(id: string, what: ExecutorAction, work: () => Promise<T>): Promise<T> {
    this.deps.state.beginAction(id, what);
    try {
      return await work();
    } finally {
      this.deps.state.endAction(id);
    }
  }

  private async start(action: Extract<Action, { kind: 'start' }>, service: DesiredService, link: HostLink, subject: { host: string; stack: string; service: string }): Promise<void> {
    const engine = link.engine();
    await this.deps.networks.ensure(engine, BATON_NETWORK);
    for (const n of replicaNetworks(service.spec)) await this.deps.networks.ensure(engine, n.name, n.create, n.key);
    await this.ensureImage(engine, service.spec.image, action.host, subject);
    await ensureStackVolumes(this.deps, engine, service.stack, service.name, service.spec.volumes);
    const files = this.deps.files ? await this.deps.files.mountsFor(engine, link.inventory?.architecture ?? null, service) : [];
    // a host port Baton chose may have been taken since it looked: choose again, a few times
    const used = new Set(this.deps.state.onHost(action.host).flatMap((r) => r.ports.map((p) => p.hostPort)));
    for (let attempt = 1; ; attempt++) {
      const hostPorts = chooseHostPorts(service.spec, used);
      const outcome = await this.startOnce(action, service, link, subject, hostPorts, files);
      if (outcome === 'started') return;
      if (attempt >= 3) throw new Error(`${outcome.message} (a host port was taken ${attempt} times in a row on ${action.host})`);
      for (const port of Object.values(hostPorts)) used.add(port);
    }
  }

  /** Create, join the stack's networks, start: 'started', or the error of a host port taken meanwhile. */
  private async startOnce(action: Extract<Action, { kind: 'start' }>, service: DesiredService, link: HostLink, subject: { host: string; stack: string; service: string }, hostPorts: Record<string, number>, files: FileBind[]): Promise<'started' | Error> {
    const engine = link.engine();
    const config = containerConfig(
      service.spec,
      {
        clusterId: this.deps.clusterId,
        revision: service.revision,
        containerHash: service.containerHash,
        slot: action.slot,
        short: randomBytes(3).toString('hex'),
      },
      hostPorts,
      files,
    );
    const id = await engine.createContainer(config).catch((err: unknown) => {
      if (statusOf(err) === 404) this.imagesSeen.get(engine)?.delete(service.spec.image); // removed meanwhile: look again next time
      if (/ambiguous/.test((err as Error).message)) this.deps.networks.forget(engine, BATON_NETWORK); // a duplicate network appeared: clean up next time
      throw err;
    });
    // the stack's own network, where its services find each other by their bare names, then the
    // networks its service lists, under its name and aliases there; a replica that can't join one
    // would not find what it looks for there, so it is removed rather than started
    for (const n of replicaNetworks(service.spec)) {
      await engine.connectNetwork(n.name, id, n.aliases).catch(async (err: unknown) => {
        this.deps.networks.forget(engine, n.name);
        await engine.removeContainer(id).catch(() => false);
        throw err;
      });
    }
    return this.acting(id, 'start', async () => {
      try {
        await engine.startContainer(id);
      } catch (err) {
        if (!/port is already allocated|address already in use/i.test((err as Error).message) || Object.keys(hostPorts).length === 0) {
          await this.refresh(link, id);
          throw err;
        }
        await engine.removeContainer(id).catch(() => false);
        this.deps.state.remove(action.host, id);
        return err as Error;
      }
      await this.refresh(link, id);
      this.deps.events.append({ kind: 'replica.started', ...subject, replica: config.name ?? id, message: `${config.name} started on ${action.host} (${action.reason})`, data: { slot: action.slot, revision: service.revision } });
      return 'started' as const;
    });
  }

  private async refresh(link: HostLink, id: string): Promise<void> {
    const seen = await refreshReplica(link, id, this.deps.clusterId);
    if (seen) this.deps.state.upsert(seen);
  }

  /**
   * The image must be on the host; if it is not, try to pull it once, with a deadline, and when
   * that fails copy it over the SSH links from where it is (a registry-less deploy).
   */
  private async ensureImage(engine: Engine, image: string, host: string, subject: { stack: string; service: string }): Promise<void> {
    const known = this.imagesSeen.get(engine) ?? new Set<string>();
    this.imagesSeen.set(engine, known);
    if (known.has(image)) return; // seen on this host in this session: a start that lacks it fails clearly anyway
    if ((await engine.inspectImage(image)) !== null) {
      known.add(image);
      return;
    }
    this.deps.events.append({ kind: 'image.pulling', host, stack: subject.stack, service: subject.service, message: `pulling ${image} on ${host}` });
    try {
      await engine.pull(image, PULL_TIMEOUT_MS);
    } catch (err) {
      if (!this.deps.copyImage) {
        throw new Error(`${image} is not on ${host} and could not be pulled there (${pullErrorText(err)}). Load it on the host (docker save | ssh HOST docker load) or push it to a registry the host reaches.`, { cause: err });
      }
      // no registry answers: the image goes over the links, from where it is (or a clear error naming where Baton looked)
      await this.deps.copyImage(host, image, subject);
    }
    known.add(image);
  }
}
