// Everything the control plane decides or observes is recorded here: stored (for `baton events`
// and the timeline after a restart) and pushed at once to every subscriber.
import type { Database } from '../store/database.ts';
import type { BatonEvent } from '../../../shared/api.ts';
import { readEventKind, type EventKind } from '../../../shared/events.ts';

export type EventInput = {
  /** Only kinds of EVENT_KINDS: a new kind is added there (with when it happens) first. */
  kind: EventKind;
  severity?: BatonEvent['severity'];
  message: string;
  host?: string | null;
  stack?: string | null;
  service?: string | null;
  replica?: string | null;
  data?: Record<string, unknown> | null;
};

type Listener = (event: BatonEvent) => void;

export interface EventFilter {
  /** Only events with an id greater than this. */
  after?: number;
  limit?: number;
  host?: string;
  stack?: string;
  service?: string;
  /** A replica's name, or several names it went by (its container name and short id). */
  replica?: string | string[];
  /** Only events of these kinds. */
  kinds?: readonly EventKind[];
}

interface EventRow {
  id: number;
  time: string;
  kind: string;
  severity: BatonEvent['severity'];
  host: string | null;
  stack: string | null;
  service: string | null;
  replica: string | null;
  message: string;
  data: string | null;
}

const KEEP_EVENTS = 50_000;

export class EventLog {
  private readonly listeners = new Set<Listener>();
  private appended = 0;

  constructor(private readonly db: Database) {}

  append(input: EventInput): BatonEvent {
    const time = new Date().toISOString();
    const row = {
      time,
      kind: input.kind,
      severity: input.severity ?? 'info',
      host: input.host ?? null,
      stack: input.stack ?? null,
      service: input.service ?? null,
      replica: input.replica ?? null,
      message: input.message,
      data: input.data ? JSON.stringify(input.data) : null,
    };
    const info = this.db
      .prepare(
        `INSERT INTO events (time, kind, severity, host, stack, service, replica, message, data)
         VALUES (@time, @kind, @severity, @host, @stack, @service, @replica, @message, @data)`,
      )
      .run(row);
    const event: BatonEvent = { ...row, id: Number(info.lastInsertRowid), data: input.data ?? null };
    if (++this.appended % 1000 === 0) this.trim();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a failing subscriber must not stop the others nor the caller
      }
    }
    return event;
  }

  list(options: EventFilter = {}): BatonEvent[] {
    const limit = options.limit ?? 1000;
    const where = ['id > ?'];
    const args: (string | number)[] = [options.after ?? 0];
    for (const column of ['host', 'stack', 'service'] as const) {
      const value = options[column];
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    if (options.replica !== undefined) {
      // events name a replica by its container name, or by its short id when the name was unknown
      const names = [...new Set(typeof options.replica === 'string' ? [options.replica] : options.replica)];
      where.push(`replica IN (${names.map(() => '?').join(', ')})`);
      args.push(...names);
    }
    if (options.kinds !== undefined) {
      if (options.kinds.length === 0) return [];
      where.push(`kind IN (${options.kinds.map(() => '?').join(', ')})`);
      args.push(...options.kinds);
    }
    // the newest `limit` events after `after`, returned oldest first
    const rows = this.db.prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, limit) as EventRow[];
    // rows written by older versions may hold kinds this one no longer writes: read as they are
    return rows.reverse().map((r) => ({ ...r, kind: readEventKind(r.kind), data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>) }));
  }

  lastId(): number {
    const row = this.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
    return row.id ?? 0;
  }

  /** Replays stored events after `after` (when given), then delivers new ones as they happen. */
  subscribe(listener: Listener, options: { after?: number } = {}): () => void {
    if (options.after !== undefined) {
      for (const event of this.list({ after: options.after, limit: 10_000 })) listener(event);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private trim(): void {
    this.db.prepare('DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?').run(KEEP_EVENTS);
  }
}
