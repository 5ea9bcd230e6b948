// The cluster's ingress: one HostIngress per host, kept in step with the cluster picture (every
// change of it, coalesced, and a periodic pass that heals), and the drain that takes a replica
// out of every host's pools before it is stopped.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { EventLog } from '../events/event-log.ts';
import type { HostLink } from '../hosts/host-link.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import type { Networks } from '../reconcile/networks.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';
import type { StacksRepo } from '../store/stacks-repo.ts';
import { HostIngress, type IngressState } from './host-ingress.ts';
import type { RuntimeApi } from './runtime-api.ts';
import { hostIngressModel, keepUnlisted, serverName, type RouteInputs } from './routes.ts';

import { DEFAULT_INGRESS_IMAGE } from './ingress-image.ts';

export { DEFAULT_INGRESS_IMAGE };
const COALESCE_MS = 30;
const HEAL_MS = 10_000;
const DRAIN_POLL_MS = 200;

export interface IngressDeps {
  hosts: HostManager;
  state: ClusterState;
  stacks: StacksRepo;
  events: EventLog;
  log: Logger;
  clusterId: string;
  image: string;
  networks: Networks;
}

export interface HostIngressStatus {
  host: string;
  state: IngressState;
  reason: string | null;
  blockedPorts: { port: number; holder: string }[];
}

/** Where a replica stands with the ingress: taking traffic, leaving, or in no pool. */
export type PoolState = 'serving' | 'draining' | 'out';

export class Ingress {
  private readonly perHost = new Map<string, HostIngress>();
  private readonly draining = new Set<string>();
  private readonly addresses = new Map<string, string>();
  private readonly queued = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly serving = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private heal: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: IngressDeps) {}

  start(): void {
    for (const link of this.deps.hosts.allLinks()) this.add(link);
    this.deps.hosts.on('link', (link) => this.add(link));
    this.deps.hosts.on('unlink', (name) => {
      this.perHost.delete(name);
      this.addresses.delete(name);
      this.scheduleAll();
    });
    this.deps.state.on('change', () => this.scheduleAll());
    this.heal = setInterval(() => this.scheduleAll(), HEAL_MS);
    this.heal.unref();
    this.scheduleAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heal) clearInterval(this.heal);
    await Promise.allSettled([...this.running.values()]);
  }

  status(): HostIngressStatus[] {
    return [...this.perHost.values()].map((h) => ({ host: h.host, state: h.state, reason: h.reason, blockedPorts: [...h.blockedPorts()].map(([port, holder]) => ({ port, holder })) }));
  }

  /** Published ports blocked on some host: "port on host (held by …)". */
  blockedOn(port: number): { host: string; holder: string }[] {
    return [...this.perHost.values()].flatMap((h) => {
      const holder = h.blockedPorts().get(port);
      return holder ? [{ host: h.host, holder }] : [];
    });
  }

  /** The Runtime API of a host's ingress, once it serves (for metrics); null before. */
  runtimeOf(host: string): RuntimeApi | null {
    const h = this.perHost.get(host);
    return h && h.state === 'ready' ? h.runtime() : null;
  }

  /** Which worker the host's ingress runs (changes at each start and reload); null without a ready ingress. */
  generationOf(host: string): number | null {
    const h = this.perHost.get(host);
    return h && h.state === 'ready' ? h.generation : null;
  }

  poolState(replicaId: string): PoolState {
    if (this.draining.has(replicaId)) return 'draining';
    const name = serverName(replicaId);
    for (const h of this.perHost.values()) {
      if (h.current()?.routes.some((r) => r.servers.some((s) => s.name === name && s.state === 'ready'))) return 'serving';
    }
    return 'out';
  }

  /**
   * Takes a replica out of every host's pools before it is stopped: new requests go elsewhere at
   * once, and this resolves when no host's ingress has a session on it any more, or at the
   * deadline. Hosts out of reach are not waited for (their ingress's checks see it go).
   */
  async drain(replica: ObservedReplica, deadlineMs: number): Promise<void> {
    const name = serverName(replica.id);
    const holding = [...this.perHost.values()].filter((h) => h.current()?.routes.some((r) => r.servers.some((s) => s.name === name)));
    if (holding.length === 0) return;
    this.draining.add(replica.id);
    // told at once: the topology draws it draining while its sessions end
    this.deps.events.append({ kind: 'replica.draining', host: replica.host, stack: replica.stack, service: replica.service, replica: replica.name, message: `${replica.name} is draining out of the ingress on ${holding.length} host(s)` });
    const deadline = Date.now() + deadlineMs;
    await Promise.all(holding.map((h) => this.syncHost(h.host)));
    const backends = (h: HostIngress) => (h.current()?.routes ?? []).filter((r) => r.servers.some((s) => s.name === name)).map((r) => `be_${r.id}`);
    await Promise.all(
      holding.map(async (h) => {
        const api = h.runtime();
        for (const backend of backends(h)) {
          while (Date.now() < deadline) {
            const sessions = await api.serverSessions(backend, name).catch(() => 0);
            if (sessions === 0) break;
            await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
          }
        }
      }),
    );
    this.deps.events.append({ kind: 'replica.drained', host: replica.host, stack: replica.stack, service: replica.service, replica: replica.name, message: `${replica.name} was drained out of the ingress on ${holding.length} host(s)` });
  }

  /**
   * A replica drained for a restart in place runs again under the same id: it may serve again
   * (every host's pool takes it back once it passes its checks).
   */
  readmit(replicaId: string): void {
    if (!this.draining.delete(replicaId)) return;
    this.scheduleAll();
  }

  private add(link: HostLink): void {
    if (this.perHost.has(link.name)) return;
    this.perHost.set(link.name, new HostIngress(link.name, link, { image: this.deps.image, clusterId: this.deps.clusterId, events: this.deps.events, log: this.deps.log, networks: this.deps.networks }));
    link.on('session', () => this.schedule(link.name));
    this.schedule(link.name);
  }

  private scheduleAll(): void {
    for (const name of this.perHost.keys()) this.schedule(name);
  }

  private schedule(host: string): void {
    if (this.stopped) return;
    this.queued.add(host);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const hosts = [...this.queued];
      this.queued.clear();
      for (const h of hosts) void this.syncHost(h);
    }, COALESCE_MS);
  }

  /** One sync at a time per host; a request while one runs makes one more run after it. */
  private syncHost(host: string): Promise<void> {
    const h = this.perHost.get(host);
    // until its own replicas are listed, this host's pools would be written without them; the
    // listing's change brings the sync back. (Decided here, not in the run: a run that ended
    // before it was registered would stay registered and hold every later sync of the host.)
    if (!h || this.stopped || !this.deps.state.wasListed(host)) return Promise.resolve();
    const current = this.running.get(host);
    if (current) {
      this.again.add(host);
      return current.then(() => this.running.get(host));
    }
    const run = (async () => {
      try {
        const inputs = await this.inputs();
        if (this.stopped) return;
        const unlisted = new Set<string>();
        for (const [name, address] of inputs.hostAddresses) if (!this.deps.state.wasListed(name)) unlisted.add(address);
        await h.sync((blocked) => keepUnlisted(h.current(), hostIngressModel(inputs, host, blocked), unlisted));
        this.announceServing();
      } catch (err) {
        this.deps.log.warn({ host, err: (err as Error).message }, 'ingress: sync failed');
      } finally {
        this.running.delete(host);
        if (this.again.delete(host)) void this.syncHost(host);
      }
    })();
    this.running.set(host, run);
    return run;
  }

  private async inputs(): Promise<RouteInputs> {
    const replicas = this.deps.state.all();
    const ids = new Set(replicas.map((r) => r.id));
    for (const id of this.draining) if (!ids.has(id)) this.draining.delete(id); // gone: its drain is over
    return {
      services: this.deps.stacks.desiredServices(),
      replicas,
      hostAddresses: await this.hostAddresses(),
      draining: this.draining,
    };
  }

  /** Each host's address as other hosts reach it: the SSH address (resolved once), or loopback for this machine's engine. */
  private async hostAddresses(): Promise<Map<string, string>> {
    for (const h of this.deps.hosts.list()) {
      if (this.addresses.has(h.name)) continue;
      const address = h.ssh?.address ?? '127.0.0.1';
      if (isIP(address)) this.addresses.set(h.name, address);
      else {
        const found = await lookup(address, { family: 4 }).catch(() => null);
        if (found) this.addresses.set(h.name, found.address);
      }
    }
    return this.addresses;
  }

  /** A replica's first time in a pool is said once: from then on it takes traffic. */
  private announceServing(): void {
    const now = new Set<string>();
    for (const h of this.perHost.values()) for (const r of h.current()?.routes ?? []) for (const s of r.servers) if (s.state === 'ready') now.add(s.name);
    for (const r of this.deps.state.all()) {
      const name = serverName(r.id);
      if (now.has(name) && !this.serving.has(name)) {
        this.deps.events.append({ kind: 'replica.serving', host: r.host, stack: r.stack, service: r.service, replica: r.name, message: `${r.name} takes traffic through the ingress` });
      }
    }
    this.serving.clear();
    for (const n of now) this.serving.add(n);
  }
}
