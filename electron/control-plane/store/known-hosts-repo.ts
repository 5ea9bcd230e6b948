// Baton's own memory of host keys, keyed by the endpoint as dialled ("address:port").
import type { Database } from './database.ts';

export interface KnownHostKey {
  endpoint: string;
  keyType: string;
  fingerprint: string;
}

export class KnownHostsRepo {
  constructor(private readonly db: Database) {}

  get(endpoint: string): KnownHostKey | null {
    const row = this.db
      .prepare('SELECT endpoint, key_type AS keyType, fingerprint FROM known_hosts WHERE endpoint = ?')
      .get(endpoint) as KnownHostKey | undefined;
    return row ?? null;
  }

  remember(key: KnownHostKey, time: string): void {
    this.db
      .prepare(
        `INSERT INTO known_hosts (endpoint, key_type, fingerprint, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint, added_at = excluded.added_at`,
      )
      .run(key.endpoint, key.keyType, key.fingerprint, time);
  }

  forget(endpoint: string): void {
    this.db.prepare('DELETE FROM known_hosts WHERE endpoint = ?').run(endpoint);
  }
}
