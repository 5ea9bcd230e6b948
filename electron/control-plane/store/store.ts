// The state file and its tables, opened once and handed to the parts that need them.
import type { SecretBox } from '../secrets/secret-box.ts';
import { openDatabase, type Database } from './database.ts';
import { ClustersRepo } from './clusters-repo.ts';
import { FilesRepo } from './files-repo.ts';
import { HostsRepo } from './hosts-repo.ts';
import { KnownHostsRepo } from './known-hosts-repo.ts';
import { MetricsRepo } from './metrics-repo.ts';
import { RolloutsRepo } from './rollouts-repo.ts';
import { sealLegacyValues, type LegacyRewrite } from './seal-legacy.ts';
import { SettingsRepo, StacksRepo } from './stacks-repo.ts';

export class Store {
  readonly hosts: HostsRepo;
  readonly knownHosts: KnownHostsRepo;
  readonly stacks: StacksRepo;
  readonly settings: SettingsRepo;
  readonly rollouts: RolloutsRepo;
  /** Secrets and configs, sealed. */
  readonly files: FilesRepo;
  /** Per-minute metric summaries, a day of them. */
  readonly metrics: MetricsRepo;
  /** The Swarm clusters added (Baton's own cluster is not stored: it is always there). */
  readonly clusters: ClustersRepo;

  /**
   * What opening rewrote in a state file written by Baton 0.1.0 (null: nothing needed it). For the log.
   */
  readonly legacyRewrite: LegacyRewrite | null;

  constructor(
    readonly db: Database,
    secrets: SecretBox,
  ) {
    this.legacyRewrite = sealLegacyValues(db, secrets);
    this.hosts = new HostsRepo(db);
    this.knownHosts = new KnownHostsRepo(db);
    this.stacks = new StacksRepo(db, secrets);
    this.settings = new SettingsRepo(db);
    this.rollouts = new RolloutsRepo(db);
    this.files = new FilesRepo(db, secrets);
    this.metrics = new MetricsRepo(db);
    this.clusters = new ClustersRepo(this.settings);
  }

  /** Opens (or creates) the state file; its secrets are sealed and opened with `secrets`. */
  static open(file: string, secrets: SecretBox): Store {
    const db = openDatabase(file);
    try {
      return new Store(db, secrets);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
