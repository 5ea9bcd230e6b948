// The state file and its tables, opened once and handed to the parts that need them.
import { openDatabase, type Database } from './database.ts';
import { HostsRepo } from './hosts-repo.ts';
import { KnownHostsRepo } from './known-hosts-repo.ts';
import { SettingsRepo, StacksRepo } from './stacks-repo.ts';

export class Store {
  readonly hosts: HostsRepo;
  readonly knownHosts: KnownHostsRepo;
  readonly stacks: StacksRepo;
  readonly settings: SettingsRepo;

  constructor(readonly db: Database) {
    this.hosts = new HostsRepo(db);
    this.knownHosts = new KnownHostsRepo(db);
    this.stacks = new StacksRepo(db);
    this.settings = new SettingsRepo(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
