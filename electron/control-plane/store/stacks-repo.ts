// Stacks as applied: the file, each service's desired replica count and revision, and the
// service's numbered, immutable revisions (the newest REVISIONS_KEPT of them). What may hold a
// password is sealed at rest: the Compose file as applied (the `source` column, whole), and every
// environment value of a revision's spec (sealed-spec.ts). Records read back hold plain values.
import type { Database } from './database.ts';
import type { ServiceSpec, StackSpec } from '../../../shared/stack.ts';
import { sealedFor, type SecretBox } from '../secrets/secret-box.ts';
import { openEnvironment, sealEnvironment } from './sealed-spec.ts';

export const REVISIONS_KEPT = 10;

/** A stack as stored, less its Compose file (sealed: read it with StacksRepo.getSource). */
export interface StackRecord {
  name: string;
  file: string | null;
  declarations: Omit<StackSpec, 'name' | 'services'>;
  placementStrategy: 'spread' | 'binpack';
  createdAt: string;
  updatedAt: string;
}

export interface ServiceRecord {
  stack: string;
  name: string;
  replicas: number;
  revision: number;
  preferredHost: string | null;
}

export interface RevisionRecord {
  stack: string;
  service: string;
  revision: number;
  spec: ServiceSpec;
  specHash: string;
  containerHash: string;
  createdAt: string;
}

/** A service as the reconciler wants it: its record and the spec of its desired revision. */
export interface DesiredService extends ServiceRecord {
  spec: ServiceSpec;
  containerHash: string;
}

interface StackRow {
  name: string;
  file: string | null;
  declarations: string;
  placement_strategy: 'spread' | 'binpack';
  created_at: string;
  updated_at: string;
}

interface RevisionRow {
  stack: string;
  service: string;
  revision: number;
  spec: string;
  spec_hash: string;
  container_hash: string;
  created_at: string;
}

function stackFromRow(r: StackRow): StackRecord {
  return {
    name: r.name,
    file: r.file,
    declarations: JSON.parse(r.declarations) as StackRecord['declarations'],
    placementStrategy: r.placement_strategy,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Every column but the sealed `source`, which only getSource reads (and opens). */
const STACK_COLUMNS = 'name, file, declarations, placement_strategy, created_at, updated_at';

export class StacksRepo {
  /** Revisions are immutable: each is read and parsed once ("stack/service/revision" → record). */
  private readonly revisions = new Map<string, RevisionRecord>();

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  private revisionFromRow(r: RevisionRow): RevisionRecord {
    const spec = openEnvironment(JSON.parse(r.spec) as ServiceSpec, this.secrets, r);
    return { stack: r.stack, service: r.service, revision: r.revision, spec, specHash: r.spec_hash, containerHash: r.container_hash, createdAt: r.created_at };
  }

  private forgetRevisions(stack: string, service?: string): void {
    const prefix = service === undefined ? `${stack}/` : `${stack}/${service}/`;
    for (const key of this.revisions.keys()) if (key.startsWith(prefix)) this.revisions.delete(key);
  }

  listStacks(): StackRecord[] {
    return (this.db.prepare(`SELECT ${STACK_COLUMNS} FROM stacks ORDER BY name`).all() as StackRow[]).map(stackFromRow);
  }

  getStack(name: string): StackRecord | null {
    const row = this.db.prepare(`SELECT ${STACK_COLUMNS} FROM stacks WHERE name = ?`).get(name) as StackRow | undefined;
    return row ? stackFromRow(row) : null;
  }

  /** The Compose file as applied, opened. */
  getSource(name: string): string | null {
    const row = this.db.prepare('SELECT source FROM stacks WHERE name = ?').get(name) as { source: string } | undefined;
    return row ? this.secrets.open(row.source, sealedFor.stackSource(name)) : null;
  }

  upsertStack(stack: Omit<StackRecord, 'createdAt'> & { source: string }, now: string): void {
    this.db
      .prepare(
        `INSERT INTO stacks (name, file, source, declarations, placement_strategy, created_at, updated_at)
         VALUES (@name, @file, @source, @declarations, @placement_strategy, @now, @now)
         ON CONFLICT (name) DO UPDATE SET file = excluded.file, source = excluded.source,
           declarations = excluded.declarations, placement_strategy = excluded.placement_strategy, updated_at = excluded.updated_at`,
      )
      .run({ name: stack.name, file: stack.file, source: this.secrets.seal(stack.source, sealedFor.stackSource(stack.name)), declarations: JSON.stringify(stack.declarations), placement_strategy: stack.placementStrategy, now });
  }

  removeStack(name: string): void {
    this.forgetRevisions(name);
    this.db.prepare('DELETE FROM revisions WHERE stack = ?').run(name);
    this.db.prepare('DELETE FROM rollouts WHERE stack = ?').run(name);
    this.db.prepare('DELETE FROM stacks WHERE name = ?').run(name);
  }

  listServices(stack?: string): ServiceRecord[] {
    const rows = (stack === undefined
      ? this.db.prepare('SELECT * FROM services ORDER BY stack, name').all()
      : this.db.prepare('SELECT * FROM services WHERE stack = ? ORDER BY name').all(stack)) as { stack: string; name: string; replicas: number; revision: number; preferred_host: string | null }[];
    return rows.map((r) => ({ stack: r.stack, name: r.name, replicas: r.replicas, revision: r.revision, preferredHost: r.preferred_host }));
  }

  getService(stack: string, name: string): ServiceRecord | null {
    return this.listServices(stack).find((s) => s.name === name) ?? null;
  }

  putService(service: ServiceRecord): void {
    this.db
      .prepare(
        `INSERT INTO services (stack, name, replicas, revision, preferred_host) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stack, name) DO UPDATE SET replicas = excluded.replicas, revision = excluded.revision, preferred_host = excluded.preferred_host`,
      )
      .run(service.stack, service.name, service.replicas, service.revision, service.preferredHost);
  }

  setReplicas(stack: string, name: string, replicas: number): void {
    this.db.prepare('UPDATE services SET replicas = ? WHERE stack = ? AND name = ?').run(replicas, stack, name);
  }

  setPreferredHost(stack: string, name: string, host: string | null): void {
    this.db.prepare('UPDATE services SET preferred_host = ? WHERE stack = ? AND name = ?').run(host, stack, name);
  }

  removeService(stack: string, name: string): void {
    this.forgetRevisions(stack, name);
    this.db.prepare('DELETE FROM services WHERE stack = ? AND name = ?').run(stack, name);
    this.db.prepare('DELETE FROM revisions WHERE stack = ? AND service = ?').run(stack, name);
    this.db.prepare('DELETE FROM rollouts WHERE stack = ? AND service = ?').run(stack, name);
  }

  /** Points the service at one of its stored revisions (a rollback): its replicas follow. */
  setRevision(stack: string, name: string, revision: number): void {
    this.db.prepare('UPDATE services SET revision = ? WHERE stack = ? AND name = ?').run(revision, stack, name);
  }

  latestRevision(stack: string, service: string): RevisionRecord | null {
    const row = this.db.prepare('SELECT * FROM revisions WHERE stack = ? AND service = ? ORDER BY revision DESC LIMIT 1').get(stack, service) as RevisionRow | undefined;
    return row ? this.revisionFromRow(row) : null;
  }

  getRevision(stack: string, service: string, revision: number): RevisionRecord | null {
    const key = `${stack}/${service}/${revision}`;
    const cached = this.revisions.get(key);
    if (cached) return cached;
    const row = this.db.prepare('SELECT * FROM revisions WHERE stack = ? AND service = ? AND revision = ?').get(stack, service, revision) as RevisionRow | undefined;
    if (!row) return null;
    const record = this.revisionFromRow(row);
    this.revisions.set(key, record);
    return record;
  }

  listRevisions(stack: string, service: string): RevisionRecord[] {
    return (this.db.prepare('SELECT * FROM revisions WHERE stack = ? AND service = ? ORDER BY revision').all(stack, service) as RevisionRow[]).map((r) => this.revisionFromRow(r));
  }

  /** Adds revision N+1 and forgets all but the newest REVISIONS_KEPT. */
  addRevision(rev: Omit<RevisionRecord, 'revision'>): number {
    const latest = this.latestRevision(rev.stack, rev.service);
    const revision = (latest?.revision ?? 0) + 1;
    this.db
      .prepare('INSERT INTO revisions (stack, service, revision, spec, spec_hash, container_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(rev.stack, rev.service, revision, JSON.stringify(sealEnvironment(rev.spec, this.secrets, rev)), rev.specHash, rev.containerHash, rev.createdAt);
    this.db.prepare('DELETE FROM revisions WHERE stack = ? AND service = ? AND revision <= ?').run(rev.stack, rev.service, revision - REVISIONS_KEPT);
    this.revisions.delete(`${rev.stack}/${rev.service}/${revision - REVISIONS_KEPT}`);
    return revision;
  }

  /** Every service with the spec of its desired revision. */
  desiredServices(): DesiredService[] {
    return this.listServices().flatMap((s) => {
      const rev = this.getRevision(s.stack, s.name, s.revision);
      return rev ? [{ ...s, spec: rev.spec, containerHash: rev.containerHash }] : [];
    });
  }
}

export class SettingsRepo {
  constructor(private readonly db: Database) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
