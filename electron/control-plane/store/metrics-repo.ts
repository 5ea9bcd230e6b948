// Per-minute metric summaries, a day of them: written once a minute in one transaction for every
// series, read back for a series' day, and pruned past the day.
import { MetricPoint } from '../../../shared/metrics.ts';
import type { Database } from './database.ts';

export const METRICS_KEPT_MS = 24 * 60 * 60 * 1000;

export class MetricsRepo {
  constructor(private readonly db: Database) {}

  /** Stores the summaries (a minute written twice keeps the later one). */
  put(rows: { series: string; minuteMs: number; point: MetricPoint }[]): void {
    if (rows.length === 0) return;
    const insert = this.db.prepare('INSERT INTO metrics_minutes (series, minute, point) VALUES (?, ?, ?) ON CONFLICT (series, minute) DO UPDATE SET point = excluded.point');
    this.db.transaction(() => {
      for (const r of rows) insert.run(r.series, r.minuteMs, JSON.stringify(r.point));
    })();
  }

  /** A series' minutes since `sinceMs`, oldest first. Rows this Baton can't read are left out. */
  list(series: string, sinceMs: number): MetricPoint[] {
    const rows = this.db.prepare('SELECT point FROM metrics_minutes WHERE series = ? AND minute >= ? ORDER BY minute').all(series, sinceMs) as { point: string }[];
    return rows.flatMap((r) => {
      const parsed = MetricPoint.safeParse(JSON.parse(r.point));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Drops minutes older than `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    return this.db.prepare('DELETE FROM metrics_minutes WHERE minute < ?').run(beforeMs).changes;
  }
}
