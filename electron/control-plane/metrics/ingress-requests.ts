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

interface ServerCounters {
  requests: number;
  errors: number;
  rtime: number | null;
  ttime: number | null;
}

/** `<backend>/<server>` → counters, for server rows named as replicas (r_…). */
function serverCounters(rows: StatRow[]): Map<string, { server: string; c: ServerCounters }> {
  const out = new Map<string, { server: string; c: ServerCounters }>();
  for (const r of rows) {
    if (r.type !== 'server' || !r.svname.startsWith('r_')) continue;
    // HTTP routes count requests; TCP routes have no requests, so sessions stand for them
    out.set(`${r.pxname}/${r.svname}`, { server: r.svname, c: { requests: r.reqTot ?? r.stot, errors: r.hrsp5xx ?? 0, rtime: r.rtime, ttime: r.ttime } });
  }
  return out;
}

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
    const then = before ? serverCounters(before.rows) : null;
    const dtS = before ? (reading.atMs - before.atMs) / 1000 : 0;
    for (const [key, { server, c }] of serverCounters(reading.rows)) {
      let a = acc.get(server);
      if (!a) {
        a = { total: 0, delta: 0, errors: 0, rtimeW: 0, ttimeW: 0, weight: 0, fallbackR: 0, fallbackT: 0, fallbackW: 0 };
        acc.set(server, a);
      }
      a.total += c.requests;
      const old = then?.get(key)?.c;
      if (dtS > 0) {
        const ahead = before?.estimated?.has(key) === true;
        const since = (now: number, was: number) => (now >= was ? now - was : ahead ? 0 : now);
        const d = old === undefined ? 0 : since(c.requests, old.requests);
        const e = old === undefined ? 0 : since(c.errors, old.errors);
        a.delta += d / dtS;
        a.errors += e / dtS;
        if (d > 0 && c.rtime !== null) {
          a.rtimeW += c.rtime * d;
          a.ttimeW += (c.ttime ?? 0) * d;
          a.weight += d;
        }
      }
      if (c.requests > 0 && c.rtime !== null) {
        a.fallbackR += c.rtime * c.requests;
        a.fallbackT += (c.ttime ?? 0) * c.requests;
        a.fallbackW += c.requests;
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
