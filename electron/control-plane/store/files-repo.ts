// Secrets and configs as stored: a secret made with `baton secret create` (stack ''), or a
// stack's own secret or config (from its file, its client's environment or inline content). The
// value is sealed for its kind, stack, name and version, so a value copied into another row or
// replayed at another version does not open there; records read back hold no value unless asked.
import type { Database } from './database.ts';
import { sealedFor, type SecretBox } from '../secrets/secret-box.ts';

export type FileKind = 'secret' | 'config';

/** Where a stored file belongs: a stack's own (its name), or Baton's store of secrets (''). */
export const GLOBAL = '';

export interface FileRecord {
  kind: FileKind;
  stack: string;
  name: string;
  size: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface FileRow {
  kind: FileKind;
  stack: string;
  name: string;
  value: string;
  size: number;
  version: number;
  created_at: string;
  updated_at: string;
}

const fromRow = (r: FileRow): FileRecord => ({ kind: r.kind, stack: r.stack, name: r.name, size: r.size, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at });

export class FilesRepo {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  private row(kind: FileKind, stack: string, name: string): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE kind = ? AND stack = ? AND name = ?').get(kind, stack, name) as FileRow | undefined;
  }

  get(kind: FileKind, stack: string, name: string): FileRecord | null {
    const row = this.row(kind, stack, name);
    return row ? fromRow(row) : null;
  }

  /** The value, opened (for delivery to a host, and to tell whether an applied value changed). */
  value(kind: FileKind, stack: string, name: string): { record: FileRecord; value: Buffer } | null {
    const row = this.row(kind, stack, name);
    if (!row) return null;
    return { record: fromRow(row), value: Buffer.from(this.box.open(row.value, sealedFor.file(kind, stack, name, row.version)), 'base64') };
  }

  list(kind: FileKind, stack?: string): FileRecord[] {
    const rows = (stack === undefined
      ? this.db.prepare('SELECT * FROM files WHERE kind = ? ORDER BY stack, name').all(kind)
      : this.db.prepare('SELECT * FROM files WHERE kind = ? AND stack = ? ORDER BY name').all(kind, stack)) as FileRow[];
    return rows.map(fromRow);
  }

  /**
   * Stores the value: a new one at version 1, a changed one at the next version, the same one
   * as it is. The version it has now.
   */
  put(kind: FileKind, stack: string, name: string, value: Buffer, now: string): number {
    const current = this.value(kind, stack, name);
    if (current && current.value.equals(value)) return current.record.version;
    const version = (current?.record.version ?? 0) + 1;
    this.db
      .prepare(
        `INSERT INTO files (kind, stack, name, value, size, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, stack, name) DO UPDATE SET value = excluded.value, size = excluded.size, version = excluded.version, updated_at = excluded.updated_at`,
      )
      .run(kind, stack, name, this.box.seal(value.toString('base64'), sealedFor.file(kind, stack, name, version)), value.length, version, now, now);
    return version;
  }

  /** The version `put` would give this value, changing nothing (a dry run's plan). */
  versionFor(kind: FileKind, stack: string, name: string, value: Buffer): number {
    const current = this.value(kind, stack, name);
    if (!current) return 1;
    return current.value.equals(value) ? current.record.version : current.record.version + 1;
  }

  remove(kind: FileKind, stack: string, name: string): boolean {
    return this.db.prepare('DELETE FROM files WHERE kind = ? AND stack = ? AND name = ?').run(kind, stack, name).changes > 0;
  }

  /** A stack's own secrets and configs, but those it still declares (all of them when `keep` is empty). */
  removeStackFiles(stack: string, keep: { kind: FileKind; name: string }[] = []): void {
    if (stack === GLOBAL) return;
    for (const f of [...this.list('secret', stack), ...this.list('config', stack)]) {
      if (!keep.some((k) => k.kind === f.kind && k.name === f.name)) this.remove(f.kind, stack, f.name);
    }
  }
}
