// The clusters a control plane knows: Baton's own ("local", always there) and the Swarm clusters
// added by a manager. Adding one reaches the manager as a host is reached (SSH, host-key checks,
// the engine over the SSH connection), checks that it manages a swarm, and stores it only then.
// Every later use connects to a manager again, accepting only the key it showed when added. A
// cluster knows several managers (given, or learned from the node list); a call goes to the one
// that answered last and, when that one cannot be reached, to the next (failover.ts decides).
import { BatonError } from '../../../shared/errors.ts';
import { LOCAL_CLUSTER, type Cluster, type ClusterAddParams, type CurrentCluster } from '../../../shared/cluster.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { SwarmClusterRecord } from '../store/clusters-repo.ts';
import type { Store } from '../store/store.ts';
import type { EngineDraft } from '../hosts/host-manager.ts';
import type { Connected } from '../hosts/connect-host.ts';
import { managerOrder, tryNextManager, type KnownManager } from './failover.ts';
import { checkSwarmManager, type SwarmIdentity } from './manager-check.ts';
import { managersOf, quorumOf } from './quorum.ts';
import { SwarmEngine } from './swarm-engine.ts';

export interface ClusterRegistryDeps {
  store: Store;
  hosts: HostManager;
  events: EventLog;
  log: Logger;
}

function targetOfDraft(draft: EngineDraft): string {
  const ssh = draft.ssh!;
  return `${ssh.user}@${ssh.address}:${ssh.port}`;
}

function knownOf(record: SwarmClusterRecord): { draft: EngineDraft; learned: boolean }[] {
  return record.managers ?? [{ draft: record.manager, learned: false }];
}

/** The manager calls go to first: the one that answered last, else the first given. */
function targetOf(record: SwarmClusterRecord): string {
  return record.usedLast ?? targetOfDraft(record.manager);
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
    const targets = params.swarm.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (targets.length === 0) throw new BatonError('INVALID_INPUT', 'Give a manager of the swarm: --swarm user@address.', { field: 'swarm' }, 'e.g. baton cluster add prod --swarm root@10.0.0.1 (repeat --swarm, or a comma list, for several managers).');
    this.adding.add(name);
    const opened: { draft: EngineDraft; connected: Connected; rememberKey: () => void; identity: SwarmIdentity }[] = [];
    try {
      for (const [i, target] of targets.entries()) {
        let dialled: Awaited<ReturnType<HostManager['dialEngine']>>;
        try {
          dialled = await this.deps.hosts.dialEngine({
            target,
            name,
            ...(params.identityFile !== undefined ? { identityFile: params.identityFile } : {}),
            ...(params.passphrase !== undefined ? { passphrase: params.passphrase } : {}),
            ...(params.agentSocket !== undefined ? { agentSocket: params.agentSocket } : {}),
            // a pinned key is the first manager's; the others' keys are known already, or trusted new with --trust-new-host-key
            ...(params.hostKey !== undefined && i === 0 ? { hostKey: params.hostKey } : {}),
            ...(params.trustNewHostKey !== undefined ? { trustNewHostKey: params.trustNewHostKey } : {}),
          });
        } catch (err) {
          if (i > 0 && err instanceof BatonError && err.code === 'HOST_KEY_UNKNOWN') {
            // said without the fingerprint: a prompt's answer would pin the first manager's key
            throw new BatonError('HOST_KEY_UNKNOWN', `The host key of ${target} (manager ${i + 1} of ${targets.length}) is new to this machine.`, { target }, `Check it (ssh-keygen -l on that host), then add it to ~/.ssh/known_hosts or add the cluster with --trust-new-host-key; --host-key pins the first manager's key only.`);
          }
          throw err;
        }
        const engine = new SwarmEngine(dialled.connected.session, `cluster ${name} (${target})`);
        opened.push({ ...dialled, identity: { swarmId: '', nodeId: '', managers: 0, nodes: 0 } });
        const identity = checkSwarmManager(await engine.info(), target);
        opened[opened.length - 1]!.identity = identity;
        if (identity.swarmId !== opened[0]!.identity.swarmId) {
          throw new BatonError('INVALID_INPUT', `${target} manages another swarm than ${targets[0]} (${identity.swarmId}, not ${opened[0]!.identity.swarmId}).`, { target }, 'Give managers of one swarm.');
        }
      }
      const first = opened[0]!;
      const twin = this.deps.store.clusters.list().find((c) => c.swarmId === first.identity.swarmId);
      if (twin) throw new BatonError('ALREADY_EXISTS', `That swarm is already a cluster, ${twin.name}.`, { cluster: twin.name }, `Use --cluster ${twin.name}.`);
      const nodes = await new SwarmEngine(first.connected.session, `cluster ${name} (${targets[0]})`).nodes();
      const managers = managersOf(nodes);
      const record: SwarmClusterRecord = {
        name,
        manager: first.draft,
        managers: opened.map((o) => ({ draft: o.draft, learned: false })),
        usedLast: targetOfDraft(first.draft),
        ...(params.trustNewHostKey === true ? { trustNewHostKey: true } : {}),
        swarmId: first.identity.swarmId,
        addedAt: new Date().toISOString(),
      };
      const learned = learn(record, managers);
      // one transaction: the cluster and its managers' remembered keys land together or not at all
      this.deps.store.transaction(() => {
        this.deps.store.clusters.insert(learned);
        for (const o of opened) o.rememberKey();
      });
      this.deps.events.append({ kind: 'cluster.added', message: `Swarm cluster ${name} added (manager ${targets.join(', ')}; ${managers.length} managers, ${nodes.length} nodes)`, data: { cluster: name, swarmId: first.identity.swarmId } });
      return { ...this.shape(learned, managers), problem: null };
    } finally {
      for (const o of opened) o.connected.session.close();
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
      knownManagers: [],
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

  /**
   * A connection to a manager of the cluster, checked to manage the swarm added, for a caller that
   * holds it open (a log stream); close it after. The manager that answered last is tried first;
   * one that cannot be reached sends the call to the next (failover.ts), and the one that answers
   * is used first from then on.
   */
  async openManager(name: string): Promise<{ engine: SwarmEngine; record: SwarmClusterRecord; close: () => void }> {
    const record = this.record(name);
    const known = knownOf(record);
    const order = managerOrder(known.map((k) => ({ target: targetOfDraft(k.draft), address: k.draft.ssh!.address, learned: k.learned })), record.usedLast ?? null, record.leaderAddress ?? null);
    const failures: string[] = [];
    let lastError: unknown = null;
    for (const m of order) {
      const entry = known.find((k) => targetOfDraft(k.draft) === m.target)!;
      try {
        const opened = await this.dialManager(record, entry, m);
        if (failures.length > 0 || record.usedLast !== m.target) {
          const now = this.record(name);
          this.deps.store.clusters.insert({ ...now, managers: knownOf(now).map((k) => (targetOfDraft(k.draft) === m.target ? { ...k, draft: opened.draft } : k)), usedLast: m.target });
          if (failures.length > 0) this.deps.events.append({ kind: 'cluster.failover', message: `Swarm cluster ${name}: ${failures.join('; ')}; using ${m.target}`, data: { cluster: name, manager: m.target } });
        }
        return { engine: opened.engine, record: this.record(name), close: () => opened.connected.session.close() };
      } catch (err) {
        if (!tryNextManager(err)) throw err;
        lastError = err;
        failures.push(`${m.target} did not answer (${(err as Error).message})`);
        this.deps.log.warn({ cluster: name, manager: m.target, err: (err as Error).message }, 'swarm manager unreachable; trying the next');
      }
    }
    const e = lastError instanceof BatonError ? lastError : null;
    throw new BatonError(
      e?.code ?? 'HOST_UNREACHABLE',
      `No manager of cluster ${name} answered: ${failures.join('; ')}.`,
      { cluster: name, managers: order.map((m) => m.target) },
      `Check that one of them is up (ssh to it, docker node ls there); add another manager with baton cluster rm ${name}, then baton cluster add ${name} --swarm M1,M2.`,
    );
  }

  /** Connects to one manager and checks it manages the cluster's swarm; a learned one without a key yet is a first contact. */
  private async dialManager(record: SwarmClusterRecord, entry: { draft: EngineDraft; learned: boolean }, m: KnownManager): Promise<{ engine: SwarmEngine; connected: Connected; draft: EngineDraft }> {
    let connected: Connected;
    let draft = entry.draft;
    if (entry.draft.hostKeyFingerprint === null && entry.learned) {
      // first contact with a learned manager: under the policy the cluster was added with
      const first = await this.deps.hosts.dialEngine({
        target: m.target,
        name: record.name,
        ...(draft.identityFile !== null ? { identityFile: draft.identityFile } : {}),
        ...(draft.agentSocket !== null ? { agentSocket: draft.agentSocket } : {}),
        ...(record.trustNewHostKey === true ? { trustNewHostKey: true } : {}),
      });
      connected = first.connected;
      draft = first.draft;
      first.rememberKey();
    } else {
      connected = await this.deps.hosts.redialEngine(entry.draft);
    }
    try {
      const engine = new SwarmEngine(connected.session, `cluster ${record.name} (${m.target})`);
      const identity = checkSwarmManager(await engine.info(), m.target);
      if (identity.swarmId !== record.swarmId) {
        throw new BatonError(
          'INVALID_INPUT',
          `The manager ${m.target} of cluster ${record.name} now manages another swarm (${identity.swarmId}, not ${record.swarmId}).`,
          { cluster: record.name },
          `If the swarm was made again on purpose, remove the cluster and add it again: baton cluster rm ${record.name}, then baton cluster add ${record.name} --swarm ${m.target}.`,
        );
      }
      return { engine, connected, draft };
    } catch (err) {
      connected.session.close();
      throw err;
    }
  }

  /** The contract's shape of a cluster, from its record and the managers the swarm lists. */
  private shape(record: SwarmClusterRecord, managers: Cluster['managers']): Omit<Cluster, 'problem'> {
    return {
      name: record.name,
      kind: 'swarm',
      target: targetOf(record),
      knownManagers: knownOf(record).map((k) => ({ target: targetOfDraft(k.draft), learned: k.learned })),
      managers,
      quorum: quorumOf(managers),
      swarmId: record.swarmId,
      addedAt: record.addedAt,
      current: this.deps.store.clusters.current() === record.name,
    };
  }

  private async read(record: SwarmClusterRecord): Promise<Cluster> {
    try {
      const managers = await this.withManager(record.name, async (engine) => managersOf(await engine.nodes()));
      // the managers the swarm lists that the cluster does not know yet are learned; the leader is remembered
      const now = learn(this.record(record.name), managers);
      this.deps.store.clusters.insert(now);
      return { ...this.shape(now, managers), problem: null };
    } catch (err) {
      const e = err instanceof BatonError ? err : null;
      const problem = e ? `${e.message}${e.hint ? ` ${e.hint}` : ''}` : `its manager did not answer (${(err as Error).message})`;
      return { ...this.shape(this.deps.store.clusters.get(record.name) ?? record, []), problem };
    }
  }
}

/**
 * The record with the managers the swarm lists that it does not know yet (reached as the first
 * manager is: same user, port and key), and the leader's address as seen now.
 */
export function learn(record: SwarmClusterRecord, managers: Cluster['managers']): SwarmClusterRecord {
  const known = knownOf(record);
  const addresses = new Set(known.map((k) => k.draft.ssh!.address));
  const base = record.manager;
  const added = managers
    .filter((m) => m.address !== '' && !addresses.has(m.address))
    .map((m) => ({ draft: { ...base, ssh: { ...base.ssh!, address: m.address }, hostKeyFingerprint: null }, learned: true }));
  const leader = managers.find((m) => m.leader)?.address;
  return { ...record, managers: [...known, ...added], ...(leader !== undefined ? { leaderAddress: leader } : {}) };
}
