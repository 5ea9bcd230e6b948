// Each host's Docker event stream, turned into an up-to-date ClusterState and a nudge to the
// reconciler for the service concerned, at once. A full listing at every (re)connect and on a
// timer is the safety net, not the mechanism.
import type { IncomingMessage } from 'node:http';
import type { EventLog } from '../events/event-log.ts';
import type { HostLink } from '../hosts/host-link.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from './cluster-state.ts';
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

export async function listReplicas(link: HostLink, clusterId: string): Promise<ObservedReplica[]> {
  const listed = await link.docker().listContainers({ all: true, filters: { label: [LABEL.stack] } });
  return listed.map((c) => replicaFromListed(link.name, c, clusterId)).filter((r): r is ObservedReplica => r !== null);
}

/** One container as it is now (inspect, not the list: see replicaFromInspect); null when gone. */
export async function refreshReplica(link: HostLink, id: string, clusterId: string): Promise<ObservedReplica | null> {
  try {
    return replicaFromInspect(link.name, await link.docker().getContainer(id).inspect(), clusterId);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
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
      const stream = (await this.link.streams().getEvents({ filters: { type: ['container'], label: [LABEL.stack] } })) as IncomingMessage;
      this.stream = stream;
      this.consume(stream);
      await this.resync();
    } catch (err) {
      this.deps.log.warn({ host: this.link.name, err: (err as Error).message }, 'watch: could not start');
    }
  }

  async resync(): Promise<void> {
    if (this.link.state !== 'ready') return;
    const replicas = await listReplicas(this.link, this.deps.clusterId);
    const before = new Set(this.deps.state.onHost(this.link.name).map((r) => serviceKey(r.stack, r.service)));
    this.deps.state.replaceHost(this.link.name, replicas);
    for (const r of replicas) before.add(serviceKey(r.stack, r.service));
    this.deps.onSynced(this.link.name);
    for (const key of before) this.deps.onChange(key);
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
    if (action === 'destroy') {
      this.deps.state.remove(this.link.name, id);
      this.deps.onChange(key);
      return;
    }
    if (action === 'die') {
      const exit = attrs['exitCode'];
      this.deps.events.append({ kind: 'replica.exited', severity: 'warning', host: this.link.name, stack, service, replica: attrs['name'] ?? id.slice(0, 12), message: `${attrs['name'] ?? id.slice(0, 12)} exited${exit !== undefined ? ` with code ${exit}` : ''}` });
    } else if (action.startsWith('health_status: unhealthy')) {
      this.deps.events.append({ kind: 'replica.unhealthy', severity: 'warning', host: this.link.name, stack, service, replica: attrs['name'] ?? id.slice(0, 12), message: `${attrs['name'] ?? id.slice(0, 12)} failed its health check` });
    } else if (!['start', 'stop', 'restart', 'oom', 'pause', 'unpause'].includes(action) && !action.startsWith('health_status')) {
      // create: a created container is not running yet, its start follows; kill: its die follows;
      // exec_*, attach, …: change nothing we track
      return;
    }
    try {
      const replica = await refreshReplica(this.link, id, this.deps.clusterId);
      if (replica) this.deps.state.upsert(replica);
      else this.deps.state.remove(this.link.name, id);
    } catch {
      return; // the host went away; its state change triggers what follows
    }
    this.deps.onChange(key);
  }

  stop(): void {
    this.stopped = true;
    this.stream?.destroy();
  }
}
