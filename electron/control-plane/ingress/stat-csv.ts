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
  /** The proxy's numeric id (what `show stat <iid> …` takes), null where absent. */
  iid: number | null;
  /** Active servers (of a backend: how many are up in it). */
  act: number | null;
}

const TYPES: Record<string, StatType> = { '0': 'frontend', '1': 'backend', '2': 'server', '3': 'listener' };

/** One CSV line into fields, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  // most rows quote nothing: the native split is several times faster than the walk below
  if (!line.includes('"')) return line.split(',');
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

/** The columns read, by name; each row is cut only at these. */
const WANTED = ['pxname', 'svname', 'type', 'status', 'scur', 'stot', 'weight', 'lbtot', 'check_status', 'check_desc', 'addr', 'req_tot', 'rate', 'rtime', 'ttime', 'hrsp_5xx', 'iid', 'act'] as const;
type Wanted = (typeof WANTED)[number];

/**
 * The CSV of one or more `show stat` answers (each starts with its header; a later header must
 * name the same columns) → rows. Rows are cut at the wanted columns only: a server row has about
 * a hundred, and the metrics loop reads every server of every host each second.
 */
export function parseStatCsv(text: string): StatRow[] {
  const all = text.split('\n');
  const headerAt = all.findIndex((l) => l.startsWith('# '));
  if (headerAt === -1) throw new Error(`show stat answered without its CSV header: ${JSON.stringify(text.slice(0, 200))}`);
  const header = all[headerAt]!;
  const columns = splitCsvLine(header.slice(2));
  const at = new Map(columns.map((name, i) => [name, i]));
  for (const needed of ['pxname', 'svname', 'type', 'status', 'scur']) {
    if (!at.has(needed)) throw new Error(`show stat has no ${needed} column`);
  }
  // column index → the wanted name at it, in column order, for one pass along the line
  const cuts = WANTED.flatMap((name) => (at.has(name) ? [{ name, i: at.get(name)! }] : [])).sort((a, b) => a.i - b.i);
  const last = cuts[cuts.length - 1]!.i;
  const rows: StatRow[] = [];
  const got = {} as Record<Wanted, string | undefined>;
  for (let n = headerAt + 1; n < all.length; n++) {
    const line = all[n]!;
    if (line.trim() === '') continue;
    if (line.startsWith('# ')) {
      if (line !== header) throw new Error('show stat answered with a second header of other columns');
      continue;
    }
    for (const w of WANTED) got[w] = undefined;
    if (line.includes('"')) {
      const fields = splitCsvLine(line);
      for (const c of cuts) got[c.name] = fields[c.i];
    } else {
      // walk the commas up to the last wanted column, slicing only the wanted ones
      let field = 0;
      let from = 0;
      let k = 0;
      while (field <= last && from <= line.length) {
        let to = line.indexOf(',', from);
        if (to === -1) to = line.length;
        if (cuts[k]!.i === field) {
          got[cuts[k]!.name] = line.slice(from, to);
          k++;
          if (k === cuts.length) break;
        }
        field++;
        from = to + 1;
      }
    }
    const text = (name: Wanted): string | null => got[name] ?? null;
    const number = (name: Wanted): number | null => {
      const value = got[name];
      if (value === undefined || value === '') return null;
      const v = Number(value);
      return Number.isFinite(v) ? v : null;
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
      iid: number('iid'),
      act: number('act'),
    });
  }
  return rows;
}
