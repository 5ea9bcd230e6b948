// Requests per replica from every host's ingress, pure. Each host's HAProxy balances a route
// across all of the route's replicas in the cluster, so one replica's traffic is the sum of its
// server row (`r_<id>`) in every host's `be_<route>` backends. Rates are the difference of the
// counters between two readings of the same ingress, divided by the time between them (this
// machine's clock: `show stat` carries none).
//
// HAProxy gives response times only as averages over each server's last 1024 requests (rtime,
// ttime); they are combined across hosts weighted by the requests each host sent this interval
// (by the totals when none did). No percentile can be had from these counters: those come from the
// request log (request-log.ts), and are filled in by the collector.
import type { RequestSample } from '../../../shared/metrics.ts';
import type { StatRow } from '../ingress/stat-csv.ts';

/** One host's ingress read at a moment: its backends, and the server rows of its replicas. */
export interface IngressReading {
  atMs: number;
  rows: StatRow[];
  /** The backend rows the server rows were chosen by (empty where all servers were read). */
  backends?: StatRow[];
  /**
   * `<backend>/<server>` of the rows estimated from the request log (server-estimate.ts) rather
   * than read. An estimate may run ahead of the true counter; the exact row read after it is then
   * lower, which is no reload: it counts 0 for that second, not all it holds.
   */
  estimated?: ReadonlySet<string>;
}

/** A backend's requests (sessions on a TCP route) and its up servers: what changes when a server's rows can. */
function backendMark(b: StatRow): string {
  return `${b.iid}/${b.reqTot ?? b.stot}/${b.act}/${b.stot}`;
}

/**
 * Which backends' server rows to read this second, and which to carry from the last reading.
 * Every host's ingress has a row for every replica of every route it serves, so reading them all
 * each second costs hosts × replicas. A server's counters only move when its backend's do, and its
 * set only changes with the backend's count of up servers: a backend whose requests, sessions and
 * up servers are as they were keeps its servers' last rows (their rates are 0 this second).
 */
export function serverReads(prev: IngressReading | undefined, backends: readonly StatRow[]): { read: StatRow[]; carried: StatRow[] } {
  const before = new Map((prev?.backends ?? []).map((b) => [b.pxname, backendMark(b)]));
  const read: StatRow[] = [];
  const same = new Set<string>();
  for (const b of backends) {
    if (b.type !== 'backend' || !b.pxname.startsWith('be_') || b.iid === null) continue;
    if (prev !== undefined && before.get(b.pxname) === backendMark(b)) same.add(b.pxname);
    else read.push(b);
  }
  const carried = (prev?.rows ?? []).filter((r) => same.has(r.pxname));
  return { read, carried };
}

/** Per backend, per server name: its row, for server rows named as replicas (r_…). */
type ServerRows = Map<string, Map<string, StatRow>>;

/** Each reading's rows are grouped once: a reading is the current one a second, then the previous one. */
const grouped = new WeakMap<StatRow[], ServerRows>();

function serverRows(rows: StatRow[]): ServerRows {
  const cached = grouped.get(rows);
  if (cached) return cached;
  const out: ServerRows = new Map();
  grouped.set(rows, out);
  for (const r of rows) {
    if (r.type !== 'server' || !r.svname.startsWith('r_')) continue;
    let servers = out.get(r.pxname);
    if (!servers) out.set(r.pxname, (servers = new Map()));
    servers.set(r.svname, r);
  }
  return out;
}

// HTTP routes count requests; TCP routes have no requests, so sessions stand for them
const requestsOf = (r: StatRow): number => r.reqTot ?? r.stot;

interface Acc {
  total: number;
  delta: number;
  errors: number;
  rtimeW: number;
  ttimeW: number;
  weight: number;
  fallbackR: number;
  fallbackT: number;
  fallbackW: number;
}

/**
 * Per server name (`r_<first 12 of the container id>`): the requests of the interval between the
 * previous and the current reading of each host's ingress. A host read for the first time adds its
 * totals but no rate. A counter that went down (the ingress reloaded and its new worker started
 * from 0) counts what it holds now: what came since the reload; below an estimate, it counts 0.
 */
export function requestSamples(prev: ReadonlyMap<string, IngressReading>, cur: ReadonlyMap<string, IngressReading>): Map<string, RequestSample> {
  const acc = new Map<string, Acc>();
  for (const [host, reading] of cur) {
    const before = prev.get(host);
    const then = before ? serverRows(before.rows) : null;
    const dtS = before ? (reading.atMs - before.atMs) / 1000 : 0;
    for (const [backend, servers] of serverRows(reading.rows)) {
      const thenServers = then?.get(backend);
      for (const [server, row] of servers) {
        let a = acc.get(server);
        if (!a) {
          a = { total: 0, delta: 0, errors: 0, rtimeW: 0, ttimeW: 0, weight: 0, fallbackR: 0, fallbackT: 0, fallbackW: 0 };
          acc.set(server, a);
        }
        const requests = requestsOf(row);
        const errors = row.hrsp5xx ?? 0;
        a.total += requests;
        const old = thenServers?.get(server);
        if (dtS > 0 && old !== undefined) {
          // below the last row: a reload (count what the new worker holds), or an estimate that ran ahead (count 0)
          const since = (now: number, was: number) => (now >= was ? now - was : before?.estimated?.has(`${backend}/${server}`) === true ? 0 : now);
          const d = since(requests, requestsOf(old));
          a.delta += d / dtS;
          a.errors += since(errors, old.hrsp5xx ?? 0) / dtS;
          if (d > 0 && row.rtime !== null) {
            a.rtimeW += row.rtime * d;
            a.ttimeW += (row.ttime ?? 0) * d;
            a.weight += d;
          }
        }
        if (requests > 0 && row.rtime !== null) {
          a.fallbackR += row.rtime * requests;
          a.fallbackT += (row.ttime ?? 0) * requests;
          a.fallbackW += requests;
        }
      }
    }
  }
  const out = new Map<string, RequestSample>();
  const r1 = (n: number) => Math.round(n * 10) / 10;
  for (const [server, a] of acc) {
    const byInterval = a.weight > 0;
    const w = byInterval ? a.weight : a.fallbackW;
    out.set(server, {
      perSec: r1(a.delta),
      total: a.total,
      responseMsAvg: w > 0 ? r1((byInterval ? a.rtimeW : a.fallbackR) / w) : null,
      totalMsAvg: w > 0 ? r1((byInterval ? a.ttimeW : a.fallbackT) / w) : null,
      errorsPerSec: r1(a.errors),
      responseMsP50: null,
      responseMsP95: null,
      responseMsP99: null,
    });
  }
  return out;
}

/**
 * Per host: the requests/s that came in through its own ingress (whichever host's replicas served
 * them), from its `be_` backend rows, which are read exactly every second (server rows may be
 * estimated or carried). A host read for the first time, or not read this second, has no figure.
 * A backend counter that went down (a reload) counts what the new worker holds.
 */
export function ingressRates(prev: ReadonlyMap<string, IngressReading>, cur: ReadonlyMap<string, IngressReading>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [host, reading] of cur) {
    const before = prev.get(host);
    if (before === undefined || reading.backends === undefined || before.backends === undefined) continue;
    const dtS = (reading.atMs - before.atMs) / 1000;
    if (dtS <= 0) continue;
    const then = new Map(before.backends.map((b) => [b.pxname, requestsOf(b)]));
    let delta = 0;
    for (const b of reading.backends) {
      if (b.type !== 'backend' || !b.pxname.startsWith('be_')) continue;
      const now = requestsOf(b);
      const was = then.get(b.pxname);
      // a route new since the last reading counts from 0: its requests all came in this interval
      delta += was === undefined ? now : now >= was ? now - was : now;
    }
    out.set(host, Math.round((delta / dtS) * 10) / 10);
  }
  return out;
}
