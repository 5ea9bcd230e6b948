// The Swarm clusters Baton knows, as stored: how to reach the manager each was added by, and the
// swarm it was. Kept as one JSON document in `settings` (a handful of rows, read whole).
import type { EngineDraft } from '../hosts/host-manager.ts';
import type { SettingsRepo } from './stacks-repo.ts';

export interface SwarmClusterRecord {
  name: string;
  /** The (first) manager it was added by, as `host add` would store it (the name is the cluster's). */
  manager: EngineDraft;
  /** Every manager known: those given when added (the first is `manager`) and those learned from the node list. Absent in records of older versions: `manager` alone. */
  managers?: { draft: EngineDraft; learned: boolean }[];
  /** The manager ("user@address:port") that answered last: calls go there first. */
  usedLast?: string;
  /** The leader's address as last seen: tried second. */
  leaderAddress?: string;
  /** Added with --trust-new-host-key: a learned manager's key is then accepted on first contact, and pinned. */
  trustNewHostKey?: boolean;
  swarmId: string;
  addedAt: string;
}

const KEY = 'swarm_clusters';
const CURRENT_KEY = 'current_cluster';

export class ClustersRepo {
  constructor(private readonly settings: SettingsRepo) {}

  list(): SwarmClusterRecord[] {
    const raw = this.settings.get(KEY);
    return raw === null ? [] : (JSON.parse(raw) as SwarmClusterRecord[]);
  }

  get(name: string): SwarmClusterRecord | null {
    return this.list().find((c) => c.name === name) ?? null;
  }

  insert(record: SwarmClusterRecord): void {
    this.write([...this.list().filter((c) => c.name !== record.name), record]);
  }

  remove(name: string): void {
    this.write(this.list().filter((c) => c.name !== name));
    if (this.current() === name) this.setCurrent(null);
  }

  /** The Swarm cluster commands act on without --cluster; null for Baton's own. */
  current(): string | null {
    const name = this.settings.get(CURRENT_KEY);
    return name === null || name === '' ? null : name;
  }

  setCurrent(name: string | null): void {
    this.settings.set(CURRENT_KEY, name ?? '');
  }

  private write(records: SwarmClusterRecord[]): void {
    this.settings.set(KEY, JSON.stringify(records.sort((a, b) => a.name.localeCompare(b.name))));
  }
}
