// The clusters a control plane knows: Baton's own ("local", always there) and the Swarm clusters
// added by a manager. Adding one reaches the manager as a host is reached (SSH, host-key checks,
// the engine over the SSH connection), checks that it manages a swarm, and stores it only then.
// Every later use connects to that manager again, accepting only the key it showed when added.
import { BatonError } from '../../../shared/errors.ts';
import { LOCAL_CLUSTER, type Cluster, type ClusterAddParams, type CurrentCluster } from '../../../shared/cluster.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { SwarmClusterRecord } from '../store/clusters-repo.ts';
import type { Store } from '../store/store.ts';
import { checkSwarmManager } from './manager-check.ts';
import { managersOf, quorumOf } from './quorum.ts';
import { SwarmEngine } from './swarm-engine.ts';

export interface ClusterRegistryDeps {
  store: Store;
  hosts: HostManager;
  events: EventLog;
  log: Logger;
}

function targetOf(record: SwarmClusterRecord): string {
  const ssh = record.manager.ssh!;
  return `${ssh.user}@${ssh.address}:${ssh.port}`;
}

export class ClusterRegistry {
  private readonly adding = new Set<string>();

  constructor(private readonly deps: ClusterRegistryDeps) {}

  async add(params: ClusterAddParams): Promise<Cluster> {
    const { name } = params;
    if (name === LOCAL_CLUSTER || name === 'baton') throw new BatonError('ALREADY_EXISTS', `"${name}" names Baton's own cluster: it is always there.`, { cluster: name }, 'Give the Swarm cluster another name.');
    if (this.deps.store.clusters.get(name) || this.adding.has(name)) {
      throw new BatonError('ALREADY_EXISTS', `A cluster named ${name} already exists.`, { cluster: name }, `Pick another name, or remove the old one first (baton cluster rm ${name}).`);
    }
    this.adding.add(name);
    try {
      const { draft, connected, rememberKey } = await this.deps.hosts.dialEngine({
        target: params.swarm,
        name,
        ...(params.identityFile !== undefined ? { identityFile: params.identityFile } : {}),
        ...(params.passphrase !== undefined ? { passphrase: params.passphrase } : {}),
        ...(params.agentSocket !== undefined ? { agentSocket: params.agentSocket } : {}),
        ...(params.hostKey !== undefined ? { hostKey: params.hostKey } : {}),
        ...(params.trustNewHostKey !== undefined ? { trustNewHostKey: params.trustNewHostKey } : {}),
      });
      try {
        const engine = new SwarmEngine(connected.session, `cluster ${name} (${params.swarm})`);
        const identity = checkSwarmManager(await engine.info(), params.swarm);
        const twin = this.deps.store.clusters.list().find((c) => c.swarmId === identity.swarmId);
        if (twin) throw new BatonError('ALREADY_EXISTS', `That swarm is already a cluster, ${twin.name}.`, { cluster: twin.name }, `Use --cluster ${twin.name}.`);
        const nodes = await engine.nodes();
        const record: SwarmClusterRecord = { name, manager: draft, swarmId: identity.swarmId, addedAt: new Date().toISOString() };
        // one transaction: the cluster and its manager's remembered key land together or not at all
        this.deps.store.transaction(() => {
          this.deps.store.clusters.insert(record);
          rememberKey();
        });
        const managers = managersOf(nodes);
        this.deps.events.append({ kind: 'cluster.added', message: `Swarm cluster ${name} added (manager ${targetOf(record)}, ${managers.length} managers, ${nodes.length} nodes)`, data: { cluster: name, swarmId: identity.swarmId } });
        return { name, kind: 'swarm', target: targetOf(record), managers, quorum: quorumOf(managers), problem: null, swarmId: identity.swarmId, addedAt: record.addedAt, current: false };
      } finally {
        connected.session.close();
      }
    } finally {
      this.adding.delete(name);
    }
  }

  /** Every cluster, each Swarm read from its manager now (one that does not answer says why). */
  async list(): Promise<Cluster[]> {
    const hosts = this.deps.hosts.list();
    const ready = hosts.filter((h) => h.state === 'ready').length;
    const local: Cluster = {
      name: LOCAL_CLUSTER,
      kind: 'baton',
      target: null,
      managers: [],
      quorum: { reachable: ready, total: hosts.length, ok: hosts.length === 0 || ready > 0 },
      problem: null,
      swarmId: null,
      addedAt: null,
      current: this.current().name === LOCAL_CLUSTER,
    };
    const swarms = await Promise.all(this.deps.store.clusters.list().map((record) => this.read(record)));
    return [local, ...swarms];
  }

  async remove(name: string): Promise<{ name: string }> {
    this.record(name);
    const wasCurrent = this.deps.store.clusters.current() === name;
    this.deps.store.clusters.remove(name); // the current cluster again Baton's own, if it was this one
    this.deps.events.append({ kind: 'cluster.removed', message: `Swarm cluster ${name} removed from Baton (its services keep running on the swarm)${wasCurrent ? "; the current cluster is Baton's own again" : ''}`, data: { cluster: name } });
    return { name };
  }

  /** The cluster commands act on without --cluster. */
  current(): CurrentCluster {
    const name = this.deps.store.clusters.current();
    // a name whose record is gone (removed by an older version) is Baton's own again
    return name !== null && this.deps.store.clusters.get(name) ? { name, kind: 'swarm' } : { name: LOCAL_CLUSTER, kind: 'baton' };
  }

  /** Makes `name` the current cluster ("local": Baton's own); NOT_FOUND with the names there are. */
  use(name: string): CurrentCluster {
    if (name === LOCAL_CLUSTER) {
      this.deps.store.clusters.setCurrent(null);
      return { name: LOCAL_CLUSTER, kind: 'baton' };
    }
    if (!this.deps.store.clusters.get(name)) {
      const names = [LOCAL_CLUSTER, ...this.deps.store.clusters.list().map((c) => c.name)];
      throw new BatonError('NOT_FOUND', `There is no cluster named ${name}.`, { cluster: name, clusters: names }, `The clusters are: ${names.join(', ')} (baton cluster ls). Add a Swarm with baton cluster add ${name} --swarm user@manager, or go back to Baton's own with baton cluster use --default.`);
    }
    this.deps.store.clusters.setCurrent(name);
    return { name, kind: 'swarm' };
  }

  /** The stored Swarm cluster; NOT_FOUND with what to do, and a word on "local". */
  record(name: string): SwarmClusterRecord {
    const record = this.deps.store.clusters.get(name);
    if (record) return record;
    if (name === LOCAL_CLUSTER) throw new BatonError('INVALID_INPUT', `"${LOCAL_CLUSTER}" is Baton's own cluster, not a Swarm cluster.`, { cluster: name }, 'Leave --cluster out for Baton\'s own cluster.');
    throw new BatonError('NOT_FOUND', `There is no cluster named ${name}.`, { cluster: name }, 'See the clusters with: baton cluster ls; add a Swarm with baton cluster add NAME --swarm user@manager.');
  }

  /** Runs `fn` against the cluster's manager, over a connection opened for it and closed after. */
  async withManager<T>(name: string, fn: (engine: SwarmEngine, record: SwarmClusterRecord) => Promise<T>): Promise<T> {
    const opened = await this.openManager(name);
    try {
      return await fn(opened.engine, opened.record);
    } finally {
      opened.close();
    }
  }

  /** A connection to the cluster's manager, checked to manage the swarm added, for a caller that holds it open (a log stream); close it after. */
  async openManager(name: string): Promise<{ engine: SwarmEngine; record: SwarmClusterRecord; close: () => void }> {
    const record = this.record(name);
    const connected = await this.deps.hosts.redialEngine(record.manager);
    try {
      const engine = new SwarmEngine(connected.session, `cluster ${name} (${targetOf(record)})`);
      const identity = checkSwarmManager(await engine.info(), targetOf(record));
      if (identity.swarmId !== record.swarmId) {
        throw new BatonError(
          'INVALID_INPUT',
          `The manager of cluster ${name} (${targetOf(record)}) now manages another swarm (${identity.swarmId}, not ${record.swarmId}).`,
          { cluster: name },
          `If the swarm was made again on purpose, remove the cluster and add it again: baton cluster rm ${name}, then baton cluster add ${name} --swarm ${targetOf(record)}.`,
        );
      }
      return { engine, record, close: () => connected.session.close() };
    } catch (err) {
      connected.session.close();
      throw err;
    }
  }

  private async read(record: SwarmClusterRecord): Promise<Cluster> {
    const base = { name: record.name, kind: 'swarm' as const, target: targetOf(record), swarmId: record.swarmId, addedAt: record.addedAt, current: this.deps.store.clusters.current() === record.name };
    try {
      const managers = await this.withManager(record.name, async (engine) => managersOf(await engine.nodes()));
      return { ...base, managers, quorum: quorumOf(managers), problem: null };
    } catch (err) {
      const e = err instanceof BatonError ? err : null;
      const problem = e ? `${e.message}${e.hint ? ` ${e.hint}` : ''}` : `its manager did not answer (${(err as Error).message})`;
      return { ...base, managers: [], quorum: { reachable: 0, total: 0, ok: false }, problem };
    }
  }
}
