// Each service's newest rollout, written after every step of it, so a control plane that stops
// mid-rollout (even killed) resumes it from here and from what the hosts show.
import { RolloutRecord } from '../../../shared/rollout.ts';
import type { Database } from './database.ts';

export class RolloutsRepo {
  constructor(private readonly db: Database) {}

  get(stack: string, service: string): RolloutRecord | null {
    const row = this.db.prepare('SELECT record FROM rollouts WHERE stack = ? AND service = ?').get(stack, service) as { record: string } | undefined;
    if (!row) return null;
    const parsed = RolloutRecord.safeParse(JSON.parse(row.record));
    return parsed.success ? parsed.data : null; // a record this Baton can't read starts afresh
  }

  put(stack: string, service: string, record: RolloutRecord): void {
    this.db
      .prepare('INSERT INTO rollouts (stack, service, record, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (stack, service) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at')
      .run(stack, service, JSON.stringify(record), new Date().toISOString());
  }

  remove(stack: string, service?: string): void {
    if (service === undefined) this.db.prepare('DELETE FROM rollouts WHERE stack = ?').run(stack);
    else this.db.prepare('DELETE FROM rollouts WHERE stack = ? AND service = ?').run(stack, service);
  }
}
