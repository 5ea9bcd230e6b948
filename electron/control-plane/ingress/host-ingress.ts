// One host's ingress, kept in step with what it should serve: the `baton-ingress` container
// (made, started, healed, its image kept), its config file, the pool changes carried out through
// HAProxy's Runtime API (reached over the host's own link), and the service endpoints on that host.
// Every decision is taken elsewhere (routes.ts, runtime-plan.ts); this carries them out.
import type { EventLog } from '../events/event-log.ts';
import type { Engine } from '../hosts/engine.ts';
import type { HostLink } from '../hosts/host-link.ts';
import { pullErrorText } from '../hosts/pull-image.ts';
import { makeTar } from '../hosts/tar.ts';
import type { Logger } from '../log.ts';
import { BATON_NETWORK } from '../reconcile/container-config.ts';
import { stackNetwork, type Networks } from '../reconcile/networks.ts';
import { renderEndpointConfig, renderIngressConfig } from './ingress-config.ts';
import { INGRESS_PATHS, routeSocket, type HostIngressModel, type Route } from './ingress-model.ts';
import { hostListeningPorts, portHolder } from './listening-ports.ts';
import { RuntimeApi } from './runtime-api.ts';
import { planPoolChanges } from './runtime-plan.ts';
import {
  CONFIG_HASH_LABEL,
  ENDPOINT_CONFIG,
  ENDPOINT_OF_LABEL,
  INGRESS_CONTAINER,
  SYSTEM_LABEL,
  configHash,
  endpointContainerConfig,
  endpointContainerName,
  hostSocketDir,
  ingressContainerConfig,
} from './system-containers.ts';

const PULL_TIMEOUT_MS = 120_000;
const PULL_RETRY_MS = 60_000;
const CONFIG_DIR = INGRESS_PATHS.config.slice(0, INGRESS_PATHS.config.lastIndexOf('/'));
const CONFIG_FILE = INGRESS_PATHS.config.slice(CONFIG_DIR.length + 1);
const NEXT_FILE = 'haproxy.next.cfg';
const MODEL_FILE = 'model.json';
/** A blocked port is looked at again this often (something else may have let it go). */
const BLOCKED_RECHECK_MS = 10_000;

export type IngressState = 'starting' | 'ready' | 'failed' | 'unreachable';

export interface HostIngressDeps {
  image: string;
  clusterId: string;
  events: EventLog;
  log: Logger;
  networks: Networks;
}

interface Applied {
  model: HostIngressModel;
  text: string;
}

interface ContainerInfo {
  Id: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: { Running?: boolean; Status?: string; ExitCode?: number };
}

export class HostIngress {
  private engineSeen: Engine | null = null;
  private applied: Applied | null = null;
  private containerId: string | null = null;
  private adminUid: number | null = null;
  /** Published ports something else holds here → what holds it. */
  private readonly blocked = new Map<number, string>();
  private blockedCheckedAt = 0;
  private pullFailedAt = 0;
  private imageMissing = false;
  private endpointsLoaded = false;
  private stateValue: IngressState = 'starting';
  /** Counts the workers this ingress has had (a start, each reload): a connection held open stays with the worker it reached. */
  private workerGeneration = 0;
  private failure: string | null = null;
  private failureSaid: string | null = null;
  /** Endpoint containers here, by "stack/service" → config hash. */
  private readonly endpoints = new Map<string, { id: string; hash: string }>();

  constructor(
    readonly host: string,
    private readonly link: HostLink,
    private readonly deps: HostIngressDeps,
  ) {}

  get state(): IngressState {
    return this.link.state !== 'ready' ? 'unreachable' : this.stateValue;
  }

  get reason(): string | null {
    return this.failure;
  }

  /** Published ports blocked on this host, with what holds each. */
  blockedPorts(): ReadonlyMap<number, string> {
    return this.blocked;
  }

  /** The model last carried out here (what the ingress serves now), or null. */
  current(): HostIngressModel | null {
    return this.applied?.model ?? null;
  }

  /**
   * Brings the host's ingress to `modelFor(blocked)`: the model for this host once the published
   * ports something else holds here are left out.
   */
  async sync(modelFor: (blocked: ReadonlySet<number>) => HostIngressModel): Promise<void> {
    if (this.link.state !== 'ready') return;
    const engine = this.link.engine();
    if (engine !== this.engineSeen) {
      // a new session: nothing we knew of the host is sure any more
      this.engineSeen = engine;
      this.applied = null;
      this.containerId = null;
      this.adminUid = null;
      this.endpoints.clear();
      this.endpointsLoaded = false;
    }
    this.adminUid ??= await this.readAdminUid(engine);
    const container = await this.ensureContainer(engine);
    if (!container) return;
    if (!this.applied) this.applied = await this.readApplied(engine, container);
    await this.checkBlocked(engine, modelFor(new Set()));
    const model = modelFor(new Set(this.blocked.keys()));
    const text = renderIngressConfig(model, { adminUid: this.adminUid });
    const before = this.applied;
    if (!before || !container.State?.Running) {
      await this.writeConfig(engine, container.Id, model, text, { check: container.State?.Running === true });
      if (container.State?.Running) await this.reload(engine, container.Id);
      else await this.start(engine, container.Id);
    } else if (before.text !== text) {
      const plan = planPoolChanges(before.model, model);
      if (plan.reload) {
        await this.writeConfig(engine, container.Id, model, text, { check: true });
        await this.reload(engine, container.Id);
      } else {
        const api = this.runtime(engine);
        try {
          for (const step of plan.commands) await api.applyStep(step);
        } catch (err) {
          // the Runtime API is out of reach (a link that forbids stream-local forwarding, a worker
          // mid-reload): the config file and a reload carry the same change, without a dropped connection
          this.deps.log.warn({ host: this.host, err: (err as Error).message }, 'ingress: runtime change failed; reloading instead');
          await this.writeConfig(engine, container.Id, model, text, { check: true });
          await this.reload(engine, container.Id);
          this.applied = { model, text };
          await this.syncEndpoints(engine, model);
          return;
        }
        // the same set in the file, so a reload or a restart keeps it
        await this.writeConfig(engine, container.Id, model, text, { check: false });
      }
    }
    this.applied = { model, text };
    // serving, but on an image other than the one asked for while that one can't be had: still said as failed
    if (!this.imageMissing) this.setState('ready', null);
    await this.syncEndpoints(engine, model);
  }

  /** The Runtime API of this host's ingress, over the host's link. */
  runtime(engine: Engine = this.link.engine()): RuntimeApi {
    const socket = `${hostSocketDir(this.deps.clusterId, this.host)}/admin.sock`;
    return new RuntimeApi(() => engine.openUnixSocket(socket));
  }

  private async readAdminUid(engine: Engine): Promise<number> {
    if (!engine.remote) return process.getuid?.() ?? 0;
    const out = await engine.hostExec('id -u', 5000);
    const uid = Number(out.stdout.trim());
    return Number.isInteger(uid) && uid >= 0 ? uid : 0;
  }

  /** The ingress container, made if missing (with the configured image), or null when it can't be. */
  private async ensureContainer(engine: Engine): Promise<ContainerInfo | null> {
    let info = (await engine.inspectContainer(INGRESS_CONTAINER)) as ContainerInfo | null;
    if (info && info.Config?.Labels?.['baton.cluster'] !== this.deps.clusterId) {
      this.fail(`a container named ${INGRESS_CONTAINER} on ${this.host} is not this cluster's ingress (cluster ${info.Config?.Labels?.['baton.cluster'] ?? 'none'}). Remove it (docker rm -f ${INGRESS_CONTAINER} on ${this.host}) and Baton starts its own.`);
      return null;
    }
    if (info && info.Config?.Image !== this.deps.image) {
      // the new image first: one that can't be had leaves the running ingress serving
      if (!(await this.ensureImage(engine))) {
        this.containerId = info.Id;
        return info.State?.Running ? info : null;
      }
      this.deps.log.info({ host: this.host, from: info.Config?.Image, to: this.deps.image }, 'ingress: image changed; replacing the container');
      await engine.removeContainer(info.Id);
      info = null;
    }
    if (info) {
      this.containerId = info.Id;
      return info;
    }
    if (!(await this.ensureImage(engine))) return null;
    try {
      const id = await engine.createContainer(ingressContainerConfig({ image: this.deps.image, clusterId: this.deps.clusterId, host: this.host }));
      this.containerId = id;
      this.applied = null;
      this.deps.events.append({ kind: 'ingress.created', host: this.host, message: `the ingress was created on ${this.host} (${this.deps.image})` });
      return { Id: id, State: { Running: false } };
    } catch (err) {
      this.fail(`the ingress could not be created on ${this.host}: ${(err as Error).message}`);
      return null;
    }
  }

  private async ensureImage(engine: Engine): Promise<boolean> {
    if (await engine.inspectImage(this.deps.image)) {
      this.imageMissing = false;
      return true;
    }
    this.imageMissing = true;
    // a pull that failed is tried again after a while, not at every change of the cluster
    if (Date.now() - this.pullFailedAt < PULL_RETRY_MS) return false;
    this.deps.events.append({ kind: 'image.pulling', host: this.host, message: `pulling the ingress image ${this.deps.image} on ${this.host}` });
    try {
      await engine.pull(this.deps.image, PULL_TIMEOUT_MS);
      this.imageMissing = false;
      return true;
    } catch (err) {
      this.pullFailedAt = Date.now();
      this.fail(
        `the ingress image ${this.deps.image} is not on ${this.host} and could not be pulled there (${pullErrorText(err)}). Load it on the host (docker save ${this.deps.image} | ssh ${this.host} docker load), or name another with baton serve --ingress-image IMAGE (or BATON_INGRESS_IMAGE).${(await engine.inspectContainer(INGRESS_CONTAINER)) ? ' The ingress running there keeps serving with its image.' : ''}`,
      );
      return false;
    }
  }

  /** What a running ingress serves, from the model written beside its config (after a restart of the control plane). */
  private async readApplied(engine: Engine, container: ContainerInfo): Promise<Applied | null> {
    if (!container.State?.Running) return null;
    try {
      const raw = await engine.readFile(container.Id, `${CONFIG_DIR}/${MODEL_FILE}`);
      if (!raw) return null;
      const model = JSON.parse(raw.toString('utf8')) as HostIngressModel;
      if (!Array.isArray(model.routes)) return null;
      const text = (await engine.readFile(container.Id, INGRESS_PATHS.config))?.toString('utf8') ?? '';
      return { model, text };
    } catch {
      return null; // unreadable: the next step rewrites and reloads
    }
  }

  /**
   * A published port that this ingress does not bind yet and that something listens on already
   * is blocked here: HAProxy would refuse to start at all if it tried to bind it.
   */
  private async checkBlocked(engine: Engine, unblocked: HostIngressModel): Promise<void> {
    const wanted = new Set(unblocked.routes.map((r) => r.publish).filter((p): p is number => p !== null));
    const ours = new Set(this.applied?.model.routes.map((r) => r.publish).filter((p): p is number => p !== null) ?? []);
    for (const port of [...this.blocked.keys()]) if (!wanted.has(port)) this.blocked.delete(port);
    const fresh = [...wanted].filter((p) => !ours.has(p) && !this.blocked.has(p));
    const recheck = this.blocked.size > 0 && Date.now() - this.blockedCheckedAt > BLOCKED_RECHECK_MS;
    if (fresh.length === 0 && !recheck) return;
    this.blockedCheckedAt = Date.now();
    const listening = await hostListeningPorts(engine);
    for (const port of fresh) {
      if (!listening.has(port)) continue;
      const holder = await portHolder(engine, port);
      this.blocked.set(port, holder);
      const routes = unblocked.routes.filter((r) => r.publish === port).map((r) => `${r.stack}/${r.service}`);
      this.deps.events.append({
        kind: 'ingress.port-blocked',
        severity: 'warning',
        host: this.host,
        message: `port ${port} on ${this.host} is held by ${holder}: ${routes.join(', ')} is not published there (the other hosts serve it). Free the port on ${this.host} or publish another one.`,
        data: { port, holder, services: routes },
      });
    }
    for (const [port] of this.blocked) {
      if (fresh.includes(port) || listening.has(port)) continue;
      this.blocked.delete(port);
      this.deps.events.append({ kind: 'ingress.port-freed', host: this.host, message: `port ${port} on ${this.host} is free again: the ingress publishes it there`, data: { port } });
    }
  }

  /** Writes the config (checked by HAProxy first, unless it only records a runtime change) and the model beside it. */
  private async writeConfig(engine: Engine, id: string, model: HostIngressModel, text: string, opts: { check: boolean }): Promise<void> {
    const modelJson = JSON.stringify(model);
    // checked in the container, so only while it runs (a new one's first config is checked by its start)
    if (opts.check) {
      await engine.putArchive(id, CONFIG_DIR, makeTar([{ name: NEXT_FILE, content: text, mode: 0o600 }]));
      const check = await engine.exec(id, ['haproxy', '-c', '-q', '-f', `${CONFIG_DIR}/${NEXT_FILE}`], { timeoutMs: 15_000 });
      if (check.code !== 0) {
        const why = (check.stderr || check.stdout).trim().split('\n').slice(0, 5).join('; ');
        this.fail(`the ingress on ${this.host} refused its new config (${why}); it keeps serving the previous one`);
        throw new Error(`ingress config refused on ${this.host}: ${why}`);
      }
    }
    await engine.putArchive(id, CONFIG_DIR, makeTar([{ name: CONFIG_FILE, content: text, mode: 0o600 }, { name: MODEL_FILE, content: modelJson, mode: 0o600 }]));
  }

  /** SIGUSR2 to HAProxy's master: new workers take the new config, the old ones finish their connections. */
  private async reload(engine: Engine, id: string): Promise<void> {
    await engine.signalContainer(id, 'SIGUSR2');
    this.deps.events.append({ kind: 'ingress.reloaded', host: this.host, message: `the ingress on ${this.host} reloaded its config` });
    // the new worker answers on the admin socket a moment later; runtime steps right after a
    // reload would reach the old one
    await new Promise((r) => setTimeout(r, 300));
    this.workerGeneration++;
  }

  /** Changes when a new worker serves (a start, a reload): long-lived Runtime API connections are opened again then. */
  get generation(): number {
    return this.workerGeneration;
  }

  private async start(engine: Engine, id: string): Promise<void> {
    await engine.startContainer(id);
    await new Promise((r) => setTimeout(r, 300));
    const info = (await engine.inspectContainer(id)) as ContainerInfo | null;
    if (!info?.State?.Running) {
      this.fail(`the ingress on ${this.host} stopped right after it started (exit code ${info?.State?.ExitCode ?? '?'}); see docker logs ${INGRESS_CONTAINER} on ${this.host}`);
      throw new Error(`ingress did not stay up on ${this.host}`);
    }
    this.workerGeneration++;
    this.deps.events.append({ kind: 'ingress.started', host: this.host, message: `the ingress is serving on ${this.host}` });
  }

  /** One endpoint container per service with discovery routes, named for the service, here. */
  private async syncEndpoints(engine: Engine, model: HostIngressModel): Promise<void> {
    const wanted = new Map<string, Route[]>();
    for (const r of model.routes) {
      if (!r.discovery) continue;
      const key = `${r.stack}/${r.service}`;
      const list = wanted.get(key);
      if (list) list.push(r);
      else wanted.set(key, [r]);
    }
    if (!this.endpointsLoaded) {
      await this.loadEndpoints(engine);
      this.endpointsLoaded = true;
    }
    for (const [key, routes] of wanted) {
      const [stack, service] = key.split('/') as [string, string];
      const configText = renderEndpointConfig(routes.map((r) => ({ port: r.targetPort, socket: routeSocket(r.id) })));
      const hash = configHash(configText);
      const have = this.endpoints.get(key);
      if (have?.hash === hash) continue;
      if (have) await engine.removeContainer(have.id);
      else await engine.removeContainer(endpointContainerName(stack, service)); // a leftover of an earlier session
      try {
        await this.deps.networks.ensure(engine, BATON_NETWORK);
        await this.deps.networks.ensure(engine, stackNetwork(stack));
        const id = await engine.createContainer(endpointContainerConfig({ image: this.deps.image, clusterId: this.deps.clusterId, host: this.host, stack, service, configText }));
        await engine.putArchive(id, '/', makeTar([{ name: 'etc/' }, { name: `${ENDPOINT_CONFIG.slice(1, ENDPOINT_CONFIG.lastIndexOf('/'))}/` }, { name: ENDPOINT_CONFIG.slice(1), content: configText }]));
        await engine.connectNetwork(stackNetwork(stack), id, [service]);
        await engine.startContainer(id);
        this.endpoints.set(key, { id, hash });
      } catch (err) {
        this.deps.events.append({ kind: 'ingress.endpoint-failed', severity: 'error', host: this.host, stack, service, message: `${service}.${stack} can't be reached by name on ${this.host}: its endpoint did not start (${(err as Error).message})` });
      }
    }
    for (const [key, have] of this.endpoints) {
      if (wanted.has(key)) continue;
      await engine.removeContainer(have.id);
      this.endpoints.delete(key);
    }
  }

  private async loadEndpoints(engine: Engine): Promise<void> {
    const listed = (await engine.listContainers({ label: [`${SYSTEM_LABEL}=endpoint`, `baton.cluster=${this.deps.clusterId}`] })) as { Id: string; State?: string; Labels?: Record<string, string> }[];
    for (const c of listed) {
      const of = c.Labels?.[ENDPOINT_OF_LABEL];
      // a stopped one is made again (its restart policy would have brought it up if it could)
      if (of && c.State === 'running') this.endpoints.set(of, { id: c.Id, hash: c.Labels?.[CONFIG_HASH_LABEL] ?? '' });
      else await engine.removeContainer(c.Id);
    }
  }

  private fail(reason: string): void {
    this.setState('failed', reason);
  }

  private setState(state: IngressState, reason: string | null): void {
    this.stateValue = state;
    this.failure = reason;
    if (state === 'failed' && reason && this.failureSaid !== reason) {
      this.failureSaid = reason;
      this.deps.events.append({ kind: 'ingress.failed', severity: 'error', host: this.host, message: reason });
    }
    if (state === 'ready' && this.failureSaid) {
      this.failureSaid = null;
      this.deps.events.append({ kind: 'ingress.ready', host: this.host, message: `the ingress on ${this.host} serves again` });
    }
  }
}
