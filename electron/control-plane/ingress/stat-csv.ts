// `show stat` CSV → typed rows, pure. Columns are found by the header's names, not by position:
// HAProxy appends columns from version to version. Fields that can hold commas (check_desc and
// the like) come double-quoted, with "" for a quote.

export type StatType = 'frontend' | 'backend' | 'server' | 'listener';

export interface StatRow {
  pxname: string;
  svname: string;
  type: StatType;
  /** UP, DOWN, DRAIN, MAINT, OPEN, "UP 1/2", "no check" … as HAProxy writes it. */
  status: string;
  /** Current sessions. */
  scur: number;
  /** Total sessions so far. */
  stot: number;
  /** Effective weight (0 while draining), null where HAProxy leaves it empty. */
  weight: number | null;
  /** Times the server was picked by the balancer. */
  lbtot: number | null;
  /** L4OK, L4CON, L7OK … empty string when no check ran; null on frontends and backends. */
  checkStatus: string | null;
  checkDesc: string | null;
  /** `addr:port` of a server. */
  addr: string | null;
  /** HTTP requests so far (req_tot); null in TCP mode, where a session is the unit (stot). */
  reqTot: number | null;
  /** Sessions per second over the last second (HAProxy's own `rate`). */
  rate: number | null;
  /** Average response time (request sent → response headers) over the last 1024 requests, ms. */
  rtime: number | null;
  /** Average total time of a session over the last 1024, ms. */
  ttime: number | null;
  /** 5xx answers so far. */
  hrsp5xx: number | null;
}

const TYPES: Record<string, StatType> = { '0': 'frontend', '1': 'backend', '2': 'server', '3': 'listener' };

/** One CSV line into fields, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function parseStatCsv(text: string): StatRow[] {
  const all = text.split('\n');
  const headerAt = all.findIndex((l) => l.startsWith('# '));
  if (headerAt === -1) throw new Error(`show stat answered without its CSV header: ${JSON.stringify(text.slice(0, 200))}`);
  const columns = splitCsvLine(all[headerAt]!.slice(2));
  const at = new Map(columns.map((name, i) => [name, i]));
  for (const needed of ['pxname', 'svname', 'type', 'status', 'scur']) {
    if (!at.has(needed)) throw new Error(`show stat has no ${needed} column`);
  }
  const rows: StatRow[] = [];
  for (const line of all.slice(headerAt + 1)) {
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const text = (name: string): string | null => {
      const i = at.get(name);
      const value = i === undefined ? undefined : fields[i];
      return value === undefined ? null : value;
    };
    const number = (name: string): number | null => {
      const value = text(name);
      if (value === null || value === '') return null;
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    };
    const type = TYPES[text('type') ?? ''];
    if (type === undefined) throw new Error(`show stat row of unknown type: ${line.slice(0, 200)}`);
    const server = type === 'server';
    rows.push({
      pxname: text('pxname')!,
      svname: text('svname')!,
      type,
      status: text('status') ?? '',
      scur: number('scur') ?? 0,
      stot: number('stot') ?? 0,
      weight: number('weight'),
      lbtot: number('lbtot'),
      checkStatus: server ? (text('check_status') ?? '') : null,
      checkDesc: server ? (text('check_desc') ?? '') : null,
      addr: server ? text('addr') || null : null,
      reqTot: number('req_tot'),
      rate: number('rate'),
      rtime: number('rtime'),
      ttime: number('ttime'),
      hrsp5xx: number('hrsp_5xx'),
    });
  }
  return rows;
}
