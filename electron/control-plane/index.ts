// The control plane, assembled. Plain Node: the desktop app embeds it in Electron's main process,
// `baton serve` runs it headless, and tests start it directly. It never imports `electron`.
import { mkdirSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BatonEvent } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';
import { IN_PROCESS, isRemote, type Caller } from './api/caller.ts';
import { createDispatcher, type Dispatch } from './api/dispatcher.ts';
import { createStreamOpener, type OpenedStream, type OpenStream, type StreamHandlersOnTheWire } from './api/stream-opener.ts';
import { EventLog } from './events/event-log.ts';
import { HostManager } from './hosts/host-manager.ts';
import type { HostLinkOptions } from './hosts/host-link.ts';
import { DEFAULT_LOCAL_SOCKET, findLocalEngine } from './hosts/local-engine.ts';
import { checkRemoteHostAdd } from './hosts/remote-host-add.ts';
import { listSshConfigHosts } from './hosts/ssh-target.ts';
import { createLogger, type Logger } from './log.ts';
import { LogStreams } from './logs/log-streams.ts';
import { Terminals } from './terminals/terminals.ts';
import { Reconciler, type ReconcilerOptions } from './reconcile/reconciler.ts';
import { RolloutService } from './stacks/rollouts.ts';
import { StackService } from './stacks/stack-service.ts';
import { DEFAULT_INGRESS_IMAGE, Ingress } from './ingress/ingress.ts';
import { Networks } from './reconcile/networks.ts';
import { randomBytes } from 'node:crypto';
import { loadDataKey, type KeyProvider } from './secrets/data-key.ts';
import { SecretService } from './secrets/secret-service.ts';
import { listConfigs } from './secrets/config-list.ts';
import { VolumeService } from './volumes/volume-service.ts';
import { HostFiles } from './secrets/host-files.ts';
import { ImageService } from './images/image-service.ts';
import { ImageBuilder } from './builds/image-builder.ts';
import { BatonError, toErrorBody } from '../../shared/errors.ts';
import { Store } from './store/store.ts';
import { MetricsCollector, type CollectorOptions } from './metrics/collector.ts';
import { MetricsStore } from './metrics/metrics-store.ts';
import { openMetricsStream } from './metrics/metrics-stream.ts';
import { Autoscaler } from './autoscale/autoscaler.ts';
import { lockHome, type HomeLock } from './store/home-lock.ts';
import { BATON_VERSION, defaultHome } from './home.ts';
import { ClusterRegistry } from './swarm/cluster-registry.ts';
import { SwarmNodes } from './swarm/swarm-nodes.ts';
import { SwarmRollouts } from './swarm/swarm-rollouts.ts';
import { SwarmStacks } from './swarm/swarm-stacks.ts';

export { BATON_VERSION, defaultHome };


export interface ControlPlaneOptions {
  /** BATON_HOME: state, keys, sockets. Default ~/.baton. */
  home?: string;
  /** Where ~/.ssh lives for this person. Default: the OS home. */
  userHome?: string;
  logger?: Logger;
  /** Local Docker socket to offer as a first host. */
  localSocket?: string;
  linkOptions?: HostLinkOptions;
  reconcilerOptions?: ReconcilerOptions;
  /**
   * Wraps the data key (the desktop app passes the system keyring here). Without one, the key is
   * the 0600 file data.key in `home`, as for `baton serve`. See secrets/data-key.ts.
   */
  keyProvider?: KeyProvider;
  /**
   * The image of the ingress every host runs (HAProxy 2.6 or later). Default: BATON_INGRESS_IMAGE,
   * else the official HAProxy LTS image.
   */
  ingressImage?: string;
  /** The metrics collector: its interval, or false to not start it (it can be started later). */
  metrics?: CollectorOptions | false;
}


export class ControlPlane {
  readonly dispatch: Dispatch;
  private readonly openStream: OpenStream;
  private readonly startedAt = new Date().toISOString();
  private lock: HomeLock | null = null;

  readonly rollouts: RolloutService;
  readonly secrets: SecretService;
  readonly volumes: VolumeService;
  readonly metrics: MetricsStore;
  readonly collector: MetricsCollector;
  readonly autoscaler: Autoscaler;
  readonly clusters: ClusterRegistry;
  readonly swarmStacks: SwarmStacks;
  readonly swarmNodes: SwarmNodes;
  readonly swarmRollouts: SwarmRollouts;

  private constructor(
    readonly home: string,
    readonly store: Store,
    readonly events: EventLog,
    readonly hosts: HostManager,
    readonly reconciler: Reconciler,
    readonly stacks: StackService,
    readonly ingress: Ingress,
    readonly images: ImageService,
    readonly log: Logger,
    options: ControlPlaneOptions,
  ) {
    const userHome = options.userHome ?? homedir();
    this.rollouts = new RolloutService({ store, reconciler, events, hosts, resolve: (ref) => stacks.resolve(ref) });
    this.secrets = new SecretService({ store, events, reconciler });
    this.volumes = new VolumeService({ store, hosts, state: reconciler.state, events, log, clusterId: store.settings.get('cluster_id') ?? '' });
    this.metrics = new MetricsStore(store.metrics);
    this.collector = new MetricsCollector({ hosts, state: reconciler.state, ingress, store: this.metrics, log }, options.metrics || {});
    this.autoscaler = new Autoscaler({
      metrics: this.metrics,
      state: reconciler.state,
      desiredServices: () => store.stacks.desiredServices(),
      draining: (id) => ingress.poolState(id) === 'draining',
      scale: (stack, service, replicas, decision) => stacks.autoscaleTo(stack, service, replicas, decision),
      events,
      log,
    });
    this.clusters = new ClusterRegistry({ store, hosts, events, log });
    this.swarmStacks = new SwarmStacks({ clusters: this.clusters, events });
    this.swarmNodes = new SwarmNodes({ clusters: this.clusters, events });
    this.swarmRollouts = new SwarmRollouts({ clusters: this.clusters, events });
    this.dispatch = createDispatcher(
      {
        'system.info': () => {
          const hosts = this.hosts.list();
          return { version: BATON_VERSION, home: this.home, startedAt: this.startedAt, hosts: hosts.length, hostsReady: hosts.filter((h) => h.state === 'ready').length };
        },
        'host.add': (p, caller) => {
          // a remote client names nothing on this machine: no key file, socket or agent of its own choosing
          if (isRemote(caller)) checkRemoteHostAdd(p, { userHome, agentSocket: process.env.SSH_AUTH_SOCK, localSocket: options.localSocket ?? DEFAULT_LOCAL_SOCKET });
          return this.hosts.add(p);
        },
        'host.list': () => this.hosts.list(),
        'host.inspect': (p) => ({ host: this.hosts.get(p.name), events: this.events.list({ host: p.name, limit: 50 }) }),
        'host.remove': (p) => this.hosts.remove(p.name),
        'host.localEngine': async () => {
          const found = await findLocalEngine(options.localSocket);
          if (!found) return null;
          const alreadyAdded = this.hosts.list().some((h) => h.kind === 'local' && h.socketPath === found.socketPath);
          return { ...found, alreadyAdded };
        },
        'host.sshConfig': () => listSshConfigHosts({ home: userHome }),
        'events.list': (p) => this.events.list(p),
        'stack.apply': (p) => this.stacks.apply(p),
        'stack.list': () => this.stacks.list(),
        'service.edit': (p) => this.stacks.edit(p),
        'stack.remove': (p) => this.removeStack(p.name, p.volumes === true),
        'service.list': (p) => this.stacks.services(p.stack),
        'service.scale': (p) => this.stacks.scale(p.targets),
        'autoscale.status': (p) => {
          const { stack, name } = this.stacks.resolve(p.service);
          return this.autoscaler.status(stack, name);
        },
        'replica.list': (p) => this.stacks.replicas(p.service),
        'service.inspect': (p) => this.stacks.inspectService(p.service),
        'replica.inspect': (p) => this.stacks.inspectReplica(p.replica),
        'replica.remove': (p) => this.stacks.removeReplica(p.replica),
        'replica.restart': (p) => this.stacks.restartReplica(p.replica),
        'replica.stop': (p) => this.stacks.stopReplica(p.replica),
        'cluster.snapshot': () => this.stacks.snapshot(),
        'rollout.status': (p) => this.rollouts.status(p.service),
        'rollout.history': (p) => this.rollouts.history(p.service),
        'rollout.pause': (p) => this.rollouts.pause(p.service),
        'rollout.resume': (p) => this.rollouts.resume(p.service),
        'rollout.undo': (p) => this.rollouts.undo(p.service, p.toRevision),
        'host.drain': (p) => this.rollouts.drain(p.name),
        'host.activate': (p) => this.rollouts.activate(p.name),
        'service.rebalance': (p) => this.rollouts.rebalance(p.service),
        'secret.create': (p) => this.secrets.create(p.name, p.value),
        'secret.set': (p) => this.secrets.set(p.name, p.value),
        'secret.list': () => this.secrets.list(),
        'secret.remove': (p) => this.secrets.remove(p.name),
        'volume.list': () => this.volumes.list(),
        'config.list': () => listConfigs(this.store),
        'volume.remove': (p) => this.volumes.remove(p.name, p.host),
        'image.list': () => this.images.list(),
        'cluster.add': (p, caller) => {
          // as host.add: a remote client names no key file or agent of its own choosing
          if (isRemote(caller)) checkRemoteHostAdd({ target: p.swarm, ...(p.identityFile !== undefined ? { identityFile: p.identityFile } : {}), ...(p.agentSocket !== undefined ? { agentSocket: p.agentSocket } : {}) }, { userHome, agentSocket: process.env.SSH_AUTH_SOCK, localSocket: options.localSocket ?? DEFAULT_LOCAL_SOCKET });
          return this.clusters.add(p);
        },
        'cluster.list': () => this.clusters.list(),
        'cluster.remove': (p) => this.clusters.remove(p.name),
        'cluster.use': (p) => this.clusters.use(p.name),
        'cluster.current': () => this.clusters.current(),
        'swarm.apply': (p) => {
          const { cluster, ...apply } = p;
          return this.swarmStacks.apply(cluster, apply);
        },
        'swarm.services': (p) => this.swarmStacks.services(p.cluster, p.stack),
        'swarm.tasks': (p) => this.swarmStacks.tasks(p.cluster, p.stack),
        'swarm.scale': (p) => this.swarmStacks.scale(p.cluster, p.targets),
        'swarm.nodes': (p) => this.swarmNodes.list(p.cluster),
        'swarm.rolloutStatus': (p) => this.swarmRollouts.status(p.cluster, p.service),
        'swarm.rolloutHistory': (p) => this.swarmRollouts.history(p.cluster, p.service),
        'swarm.rolloutUndo': (p) => this.swarmRollouts.undo(p.cluster, p.service),
        'swarm.rolloutPause': (p) => this.swarmRollouts.pause(p.cluster, p.service),
        'swarm.rolloutResume': (p) => this.swarmRollouts.resume(p.cluster, p.service),
        'swarm.nodeAvailability': (p) => this.swarmNodes.setAvailability(p.cluster, p.node, p.availability),
        'metrics.history': (p) => {
          const range = p.range ?? 'hour';
          if (p.host !== undefined) {
            this.hosts.get(p.host); // NOT_FOUND for a host that is not known
            return this.metrics.history(`host:${p.host}`, range);
          }
          const replica = this.stacks.resolveReplica(p.replica!);
          return this.metrics.history(`replica:${replica.id}`, range);
        },
      },
      log,
    );
    const logs = new LogStreams({
      hosts,
      state: reconciler.state,
      events,
      log,
      resolveService: (ref) => stacks.resolve(ref),
      resolveReplica: (ref) => stacks.resolveReplica(ref),
    });
    const terminals = new Terminals({ hosts, state: reconciler.state, events, log, resolveReplica: (ref) => stacks.resolveReplica(ref) });
    this.openStream = createStreamOpener(
      {
        logs: (p, sink) => logs.open(p, sink),
        'swarm.logs': (p, sink) => this.swarmRollouts.logs(p, sink),
        exec: (p, sink, caller) => terminals.open(p, sink, caller),
        'image.push': (p, sink) => {
          let open = true;
          images.push(p, (chunk) => open && sink.chunk(chunk)).then(
            () => sink.end(null),
            (err: unknown) => sink.end(toErrorBody(err)),
          );
          // a push once begun goes on (a half-loaded image is never tagged, but the bytes are better spent)
          return () => {
            open = false;
          };
        },
        metrics: (p, sink) => {
          if (!this.collector.running) throw new BatonError('UNAVAILABLE', 'This control plane does not collect metrics.', undefined, 'Start it without turning the collector off.');
          return openMetricsStream(this.metrics, p, (ref) => stacks.resolve(ref), sink);
        },
      },
      log,
    );
  }

  /**
   * Opens a stream of shared/api.ts `streams` (e.g. logs), checked as `dispatch` checks requests.
   * Returns cancel; after it, no handler is called. `end` comes once, never before this returns.
   */
  stream(name: string, params: unknown, handlers: StreamHandlersOnTheWire, caller: Caller = IN_PROCESS): OpenedStream {
    return this.openStream(name, params, handlers, caller);
  }

  /** A stack's removal; with `volumes`, once its replicas are gone, the volumes it made go too. */
  private async removeStack(name: string, volumes: boolean): Promise<{ name: string; services: string[]; volumesRemoved?: { host: string; name: string }[] }> {
    const names = volumes ? this.volumes.stackVolumeNames(name) : [];
    const removed = this.stacks.remove(name);
    if (!volumes) return removed;
    return { ...removed, volumesRemoved: await this.volumes.removeStackVolumes(name, names) };
  }

  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const home = options.home ?? defaultHome();
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chmodSync(home, 0o700);
    // before the state file is opened or any host reached: a second control plane does nothing
    const lock = lockHome(home);
    try {
      return ControlPlane.startLocked(home, lock, options);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private static startLocked(home: string, lock: HomeLock, options: ControlPlaneOptions): ControlPlane {
    const log = options.logger ?? createLogger({ destination: join(home, 'baton.log') });
    const dataKey = loadDataKey(home, options.keyProvider);
    const secrets = dataKey.box;
    const store = Store.open(join(home, 'baton.db'), secrets);
    if (store.legacyRewrite) log.info({ ...store.legacyRewrite }, 'state file: sealed values rewritten with what they belong to; environment values and stack files sealed');
    for (const host of store.legacyRewrite?.unopened ?? []) log.warn({ host }, 'the stored passphrase of this host does not open with the data key: remove the host and add it again');
    if (options.keyProvider !== undefined && !dataKey.wrapped) log.info({ file: dataKey.file }, 'this home has a plain data key file (made by baton serve or an earlier Baton); it is used as it is');
    const events = new EventLog(store.db);
    const hosts = new HostManager({ store, events, secrets, log, ...(options.userHome ? { userHome: options.userHome } : {}), ...(options.linkOptions ? { linkOptions: options.linkOptions } : {}) });
    const clusterId = store.settings.get('cluster_id') ?? randomBytes(6).toString('hex');
    store.settings.set('cluster_id', clusterId);
    const networks = new Networks({ clusterId, log });
    // the reconciler drains a replica out of the ingress before it stops it; the ingress reads the
    // reconciler's picture: made one after the other, joined here
    let ingress: Ingress | null = null;
    const images = new ImageService({ hosts, events, log, localSocket: options.localSocket ?? DEFAULT_LOCAL_SOCKET });
    const reconciler = new Reconciler(
      { copyImage: (host, image, context) => images.ensureOn(host, image, context), hosts, stacks: store.stacks, rollouts: store.rollouts, hostRecords: store.hosts, events, log, clusterId, networks, beforeStop: (replica, graceMs) => ingress?.drain(replica, graceMs) ?? Promise.resolve(), readmit: (id) => ingress?.readmit(id), files: new HostFiles({ files: store.files, clusterId, log }) },
      options.reconcilerOptions,
    );
    ingress = new Ingress({ hosts, state: reconciler.state, stacks: store.stacks, events, log, clusterId, networks, image: options.ingressImage ?? (process.env.BATON_INGRESS_IMAGE || DEFAULT_INGRESS_IMAGE) });
    const stacks = new StackService({ store, hosts, reconciler, events, log, blockedOn: (port) => ingress?.blockedOn(port) ?? [], poolState: (id) => ingress?.poolState(id) ?? 'out', images, builder: new ImageBuilder({ images, events, log }) });
    const plane = new ControlPlane(home, store, events, hosts, reconciler, stacks, ingress, images, log, options);
    plane.lock = lock;
    hosts.startAll();
    ingress.start();
    if (options.metrics !== false) plane.collector.start();
    // it acts on frames, so it rests while the collector does
    plane.autoscaler.start();
    log.info({ home, dataKey: dataKey.file }, 'control plane started');
    return plane;
  }

  subscribe(listener: (event: BatonEvent) => void, opts: { after?: number } = {}): () => void {
    return this.events.subscribe(listener, opts);
  }

  lastEventId(): number {
    return this.events.lastId();
  }

  async stop(): Promise<void> {
    this.autoscaler.stop();
    this.collector.stop();
    this.metrics.flush();
    await this.ingress.stop();
    await this.reconciler.stop();
    await this.hosts.stopAll();
    this.store.close();
    this.log.info('control plane stopped');
    this.lock?.release();
  }
}

export type { Envelope };
