// Each host's Docker event stream, turned into an up-to-date ClusterState and a nudge to the
// reconciler for the service concerned, at once. A full listing at every (re)connect and on a
// timer is the safety net, not the mechanism.
import type { IncomingMessage } from 'node:http';
import type { EventKind } from '../../../shared/events.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostLink } from '../hosts/host-link.ts';
import type { Logger } from '../log.ts';
import type { ClusterState, ExecutorAction } from './cluster-state.ts';
import { LABEL, replicaFromInspect, replicaFromListed, serviceKey, type ObservedReplica } from './replica.ts';

interface DockerEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export interface HostWatchDeps {
  state: ClusterState;
  events: EventLog;
  log: Logger;
  clusterId: string;
  /** A service's replicas changed on a host. */
  onChange: (serviceKey: string) => void;
  /** A host's full picture was (re)loaded. */
  onSynced: (host: string) => void;
}

const TRACKED_ACTIONS = new Set(['start', 'die', 'stop', 'restart', 'oom', 'pause', 'unpause']);

/**
 * What a Docker event changed, as one of Baton's events, or null when nothing a client shows
 * changed (a second "stop" after "die", a health status that was already known).
 */
export function announcement(
  action: string,
  was: ObservedReplica | null,
  now: ObservedReplica | null,
  attrs: Record<string, string>,
): { kind: EventKind; severity: 'info' | 'warning'; message: string } | null {
  if (action === 'die') {
    const exit = attrs['exitCode'];
    return { kind: 'replica.exited', severity: 'warning', message: `exited${exit !== undefined ? ` with code ${exit}` : ''}` };
  }
  if (action.startsWith('health_status')) {
    if (!now || now.state !== 'running' || was?.health === now.health) return null;
    if (now.health === 'healthy') return { kind: 'replica.healthy', severity: 'info', message: 'passes its health check' };
    if (now.health === 'unhealthy') return { kind: 'replica.unhealthy', severity: 'warning', message: 'failed its health check' };
    return null;
  }
  if (action === 'oom') return { kind: 'replica.oom', severity: 'warning', message: 'ran out of memory' };
  if (!now || (was && was.state === now.state)) return null;
  if (action === 'start' && now.state === 'running') {
    return was
      ? { kind: 'replica.restarted', severity: 'info', message: `is running again (was ${was.state}; started by Docker's restart policy or by hand)` }
      : { kind: 'replica.started', severity: 'info', message: 'started outside Baton; it counts as a replica of its service' };
  }
  if (was && (action === 'pause' || action === 'unpause')) return { kind: `replica.${action}d`, severity: 'info', message: `is ${now.state} (was ${was.state})` };
  return null; // stop and restart follow a die and a start, which said it
}

/**
 * Does the executor, doing `doing` to a container, say itself what this Docker event tells? A
 * start it makes, everything of a removal, and the die and start of a restart or a stop a person
 * asked for (no crash, no news); health it leaves to the watch.
 */
export function announcedByExecutor(doing: ExecutorAction | null, action: string): boolean {
  if (doing === 'restart' || doing === 'stop') return !action.startsWith('health_status');
  return doing === 'remove' || (doing === 'start' && action === 'start');
}

export async function listReplicas(link: HostLink, clusterId: string): Promise<ObservedReplica[]> {
  const listed = await link.engine().listContainers({ label: [LABEL.stack] });
  return listed.map((c) => replicaFromListed(link.name, c, clusterId)).filter((r): r is ObservedReplica => r !== null);
}

/** One container as it is now (inspect, not the list: see replicaFromInspect); null when gone. */
export async function refreshReplica(link: HostLink, id: string, clusterId: string): Promise<ObservedReplica | null> {
  const raw = await link.engine().inspectContainer(id);
  return raw === null ? null : replicaFromInspect(link.name, raw, clusterId);
}

export class HostWatch {
  private stream: IncomingMessage | null = null;
  private stopped = false;

  constructor(private readonly link: HostLink, private readonly deps: HostWatchDeps) {
    link.on('session', () => void this.begin());
    link.on('state', (state) => {
      if (state !== 'ready') {
        deps.state.markStale(link.name);
        this.stream?.destroy();
        this.stream = null;
      }
    });
    if (link.state === 'ready') void this.begin();
  }

  /** Stream first, then list: nothing that happens in between is missed. */
  private async begin(): Promise<void> {
    if (this.stopped) return;
    try {
      this.stream?.destroy();
      const stream = await this.link.engine().events({ type: ['container'], label: [LABEL.stack] });
      this.stream = stream;
      this.consume(stream);
      await this.resync();
    } catch (err) {
      this.deps.log.warn({ host: this.link.name, err: (err as Error).message }, 'watch: could not start');
    }
  }

  async resync(): Promise<void> {
    if (this.link.state !== 'ready') return;
    const [replicas, volumes] = await Promise.all([listReplicas(this.link, this.deps.clusterId), this.link.engine().listVolumes()]);
    this.deps.state.replaceVolumes(this.link.name, volumes);
    const known = this.deps.state.onHost(this.link.name);
    const firstSync = !this.deps.state.isSynced(this.link.name);
    const before = new Set(known.map((r) => serviceKey(r.stack, r.service)));
    this.deps.state.replaceHost(this.link.name, replicas);
    this.announceResync(known, replicas, firstSync);
    for (const r of replicas) before.add(serviceKey(r.stack, r.service));
    this.deps.onSynced(this.link.name);
    for (const key of before) this.deps.onChange(key);
  }

  /** A listing that differs from what the events had told is said once, so clients look again. */
  private announceResync(known: ObservedReplica[], listed: ObservedReplica[], firstSync: boolean): void {
    const was = new Map(known.map((r) => [r.id, r]));
    let added = 0;
    let changed = 0;
    for (const r of listed) {
      const k = was.get(r.id);
      was.delete(r.id);
      if (!k) added++;
      else if (k.state !== r.state || k.health !== r.health) changed++;
    }
    const gone = was.size;
    if (added + changed + gone === 0) return;
    const host = this.link.name;
    const message = firstSync
      ? `${host}: ${listed.length} replica(s) listed${added + changed + gone > 0 && known.length > 0 ? ` (${added} new, ${gone} gone, ${changed} changed while it was away)` : ''}`
      : `${host}: the listing differed from the events seen (${added} new, ${gone} gone, ${changed} changed)`;
    this.deps.events.append({ kind: 'host.synced', host, message, data: { replicas: listed.length, added, gone, changed } });
  }

  private consume(stream: IncomingMessage): void {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        try {
          void this.handle(JSON.parse(line) as DockerEvent);
        } catch {
          // not JSON: skip the line, the periodic resync covers anything missed
        }
      }
    });
    stream.on('error', () => undefined);
  }

  private async handle(event: DockerEvent): Promise<void> {
    const id = event.Actor?.ID ?? event.id;
    const attrs = event.Actor?.Attributes ?? {};
    const stack = attrs[LABEL.stack];
    const service = attrs[LABEL.service];
    if (!id || !stack || !service) return;
    const key = serviceKey(stack, service);
    const action = event.Action ?? '';
    const name = attrs['name'] ?? id.slice(0, 12);
    const subject = { host: this.link.name, stack, service, replica: name };
    // The executor announces the starts, removals, restarts and stops it makes itself; checked at
    // arrival and again after the inspect. Everything else (a crash right after a start, health) is said here.
    const saidByExecutor = () => announcedByExecutor(this.deps.state.actionOn(id), action);
    const byExecutor = saidByExecutor();
    if (action === 'destroy') {
      const was = this.deps.state.remove(this.link.name, id);
      if (was && !byExecutor) this.deps.events.append({ kind: 'replica.removed', ...subject, message: `${name} was removed from ${this.link.name} outside Baton` });
      this.deps.onChange(key);
      return;
    }
    // create: a created container is not running yet, its start follows; kill: its die follows;
    // exec_* (every health check), attach, …: change nothing we track
    if (!TRACKED_ACTIONS.has(action) && !action.startsWith('health_status')) return;
    let now: ObservedReplica | null;
    try {
      now = await refreshReplica(this.link, id, this.deps.clusterId);
    } catch {
      return; // the host went away; its state change triggers what follows
    }
    const was = this.deps.state.find(this.link.name, id);
    if (now) this.deps.state.upsert(now);
    else this.deps.state.remove(this.link.name, id);
    // Events go out after the picture changed, so a client that looks again on an event sees it.
    if (!byExecutor && !saidByExecutor()) {
      const said = announcement(action, was, now, attrs);
      if (said) this.deps.events.append({ ...said, ...subject, message: `${name} ${said.message}` });
    }
    this.deps.onChange(key);
  }

  stop(): void {
    this.stopped = true;
    this.stream?.destroy();
  }
}
