// Per-replica requests from every host's ingress, split once per route across all hosts, pure
// (no I/O: the collector brings the readings).
//
// Every host's ingress has a server row for every replica of each route it serves, so anything
// done per host per row costs hosts × replicas a second once traffic comes through every host. What
// is cheap to know each second: each host's backend totals (one row per route and host), and
// which replica each request went to, from the request logs read for the percentiles. So this
// keeps one row per route and replica for the whole cluster (its counters the sum over every
// host's ingress), and each second:
//
// - a host's moved backend that can be estimated (server-estimate.ts mustReadExactly) adds its
//   exact new requests and 5xx answers to its route's total, and its log lines, scaled to those
//   totals (a host whose ring could not keep every line counts as much as one that kept all), to the
//   route's weights;
// - each route's total is split once among its replicas by those weights (planServerRows on the
//   cluster's rows), and each host is told the part its own lines earned, so that
// - a host's exact rows, read on its turn (every EXACT_EVERY seconds), for a TCP route (which logs
//   nothing) and whenever an estimate can't be made, count what came since its last exact rows
//   beyond what was estimated for it meanwhile (0 where the estimate ran ahead), and the cluster's
//   rows take its exact values: whatever the sampling got wrong is set right on each host's turn.
//
// The work a second grows with hosts × routes (backend rows), log lines and replicas, not with
// hosts × replicas; only the exact rows cost that, 1 / EXACT_EVERY of it a second.
import type { RequestSample } from '../../../shared/metrics.ts';
import type { StatRow } from '../ingress/stat-csv.ts';
import { requestSamples, serverReads } from './ingress-requests.ts';
import { mustReadExactly, planServerRows, type LogCounts } from './server-estimate.ts';

/** One host's ingress read this second. */
export interface HostReading {
  /** Its backend rows, as read. */
  backends: StatRow[];
  /** Moved backends whose server rows were read: `rows` has them. */
  exact: readonly StatRow[];
  /** Moved backends estimated from the log: `counts` has their lines. */
  estimated: readonly StatRow[];
  /** The server rows read (of the `exact` backends; others are ignored). */
  rows: readonly StatRow[];
  /** This second's log lines of the host, per backend and server (null when not read). */
  counts: LogCounts | null;
}

/** A route's replica across the cluster: the sum of its rows in every host's ingress. */
interface ClusterRow {
  /** The first row read of it, for its names and which counters it has (reqTot null: a TCP route). */
  like: StatRow;
  /** Requests (sessions on a TCP route) and 5xx answers, now and at the last take. */
  req: number;
  err: number;
  prevReq: number | null;
  prevErr: number;
  /** How many hosts' rows it holds. */
  hosts: number;
  /** Response times of the hosts' exact rows, weighted by their requests. */
  rtimeW: number;
  ttimeW: number;
  weight: number;
  /** This second's scaled log lines of it, from every host (its weight in the split), and its part of the split per unit of them. */
  lineReq: number;
  lineErr: number;
  perReq: number;
  perErr: number;
  /** Gone from the cluster's rows (no host has one of it now). */
  gone: boolean;
}

/** What was estimated for one host's row since its last exact one; `lineReq`/`lineErr`: its scaled lines of this second. */
interface Since {
  row: ClusterRow;
  req: number;
  err: number;
  lineReq: number;
  lineErr: number;
  /** The take it was last touched in. */
  take: number;
}

interface HostState {
  /** Its backend rows at its last reading. */
  backends: Map<string, StatRow>;
  /** Per backend, per server: its last row read exactly. */
  exact: Map<string, Map<string, StatRow>>;
  /** Per backend, per server: what was estimated for it since that row. */
  since: Map<string, Map<string, Since>>;
}

/** Per route this second: the estimated hosts' new requests and 5xx answers, to split. */
interface Pending {
  req: number;
  err: number;
}

// HTTP routes count requests; TCP routes have no requests, so sessions stand for them
const requestsOf = (r: StatRow): number => r.reqTot ?? r.stot;

export class RouteRequests {
  private readonly hosts = new Map<string, HostState>();
  /** Per route (backend name), per server: the cluster's row. */
  private readonly routes = new Map<string, Map<string, ClusterRow>>();
  private pending = new Map<string, Pending>();
  /** The hosts' rows with log lines this second: each gets its part when the routes are split. */
  private touched: Since[] = [];
  private takes = 0;
  private prevAt: number | null = null;
  /** Per route this second: whether a replica of it has no response time yet, and so a host's exact rows are read. */
  private untimed = new Map<string, boolean>();

  /** The host's backends that moved since its last reading (ingress-requests.ts serverReads). */
  moved(host: string, backends: readonly StatRow[]): StatRow[] {
    const h = this.hosts.get(host);
    return serverReads(h ? { atMs: 0, rows: [], backends: [...h.backends.values()] } : undefined, backends).read;
  }

  /** Which moved backends of the host to read exactly, and which to estimate from `counts`. */
  plan(host: string, moved: readonly StatRow[], counts: LogCounts | null, exactDue: boolean): { exact: StatRow[]; estimated: StatRow[] } {
    const h = this.hosts.get(host);
    const out = { exact: [] as StatRow[], estimated: [] as StatRow[] };
    for (const b of moved) {
      const known = h?.exact.get(b.pxname) ?? new Map<string, StatRow>();
      if (mustReadExactly(h?.backends.get(b.pxname), b, known, counts?.get(b.pxname), exactDue) || this.firstTimed(b.pxname)) out.exact.push(b);
      else out.estimated.push(b);
    }
    return out;
  }

  /**
   * A route with a replica that has no response time (no host's exact row of it has counted a
   * request: the averages come only from exact rows) is read exactly on the first host that asks
   * this second, so the averages come as soon as the requests do, not a turn later; one host a
   * second, so a replica that takes no requests costs a route's rows a second, not every host's.
   */
  private firstTimed(backend: string): boolean {
    const was = this.untimed.get(backend);
    if (was !== undefined) return false;
    let untimed = false;
    for (const row of this.routes.get(backend)?.values() ?? []) if (row.weight <= 0) untimed = true;
    this.untimed.set(backend, false);
    return untimed;
  }

  /** The host's reading of this second, as planned. */
  record(host: string, reading: HostReading): void {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { backends: new Map(), exact: new Map(), since: new Map() }));
    for (const b of reading.estimated) {
      const was = h.backends.get(b.pxname);
      const lines = reading.counts?.get(b.pxname);
      if (!was || !lines) continue; // not as planned: its requests count at its next exact rows
      this.addEstimate(h, b.pxname, requestsOf(b) - requestsOf(was), Math.max(0, (b.hrsp5xx ?? 0) - (was.hrsp5xx ?? 0)), lines);
    }
    const rowsOf = new Map<string, StatRow[]>(reading.exact.map((b) => [b.pxname, []]));
    for (const r of reading.rows) if (r.type === 'server' && r.svname.startsWith('r_')) rowsOf.get(r.pxname)?.push(r);
    for (const [backend, rows] of rowsOf) this.exactRows(h, backend, rows);
    // a route the host no longer serves: its rows go
    const now = new Set(reading.backends.map((b) => b.pxname));
    for (const backend of [...h.exact.keys()]) if (!now.has(backend)) this.exactRows(h, backend, []);
    h.backends = new Map(reading.backends.map((b) => [b.pxname, b]));
  }

  /** A host removed: its rows leave the cluster's. */
  forget(host: string): void {
    const h = this.hosts.get(host);
    if (!h) return;
    for (const backend of [...h.exact.keys()]) this.exactRows(h, backend, []);
    this.hosts.delete(host);
  }

  /** The second closes: each route's estimated requests split among its replicas, and the rates per replica since the last take. */
  take(atMs: number): Map<string, RequestSample> {
    this.split();
    this.untimed = new Map();
    const prev: StatRow[] = [];
    const cur: StatRow[] = [];
    for (const servers of this.routes.values()) {
      for (const row of servers.values()) {
        if (row.prevReq !== null) prev.push(statRow(row, row.prevReq, row.prevErr));
        cur.push(statRow(row, row.req, row.err));
        row.prevReq = row.req;
        row.prevErr = row.err;
      }
    }
    const before = this.prevAt === null ? new Map() : new Map([['cluster', { atMs: this.prevAt, rows: prev }]]);
    this.prevAt = atMs;
    const samples = requestSamples(before, new Map([['cluster', { atMs, rows: cur }]]));
    // a host's estimated part is a share of whole requests; the totals are whole again
    for (const sample of samples.values()) sample.total = Math.round(sample.total);
    return samples;
  }

  private addEstimate(h: HostState, backend: string, delta: number, errorsDelta: number, lines: ReadonlyMap<string, { requests: number; errors: number }>): void {
    const servers = this.routes.get(backend);
    let logged = 0;
    let loggedErrors = 0;
    lines.forEach((c) => {
      logged += c.requests;
      loggedErrors += c.errors;
    });
    if (!servers || logged === 0 || delta < 0) return;
    let p = this.pending.get(backend);
    if (!p) this.pending.set(backend, (p = { req: 0, err: 0 }));
    p.req += delta;
    p.err += errorsDelta;
    let since = h.since.get(backend);
    if (!since) h.since.set(backend, (since = new Map()));
    // each line stands for delta / logged requests of this host; its 5xx answers likewise, or,
    // where the log caught none of them, spread as the requests were
    const perLine = delta / logged;
    const perError = loggedErrors > 0 ? errorsDelta / loggedErrors : 0;
    const perLineError = loggedErrors > 0 ? 0 : errorsDelta / logged;
    const take = this.takes;
    const touched = this.touched;
    const own = since;
    // forEach, not for…of over entries: this runs for every replica logged on every host each second
    lines.forEach((c, server) => {
      let e = own.get(server);
      if (!e) {
        const row = servers.get(server);
        if (!row) return;
        own.set(server, (e = { row, req: 0, err: 0, lineReq: 0, lineErr: 0, take: -1 }));
      }
      if (e.take !== take) {
        e.take = take;
        touched.push(e);
      }
      const req = c.requests * perLine;
      const err = c.errors * perError + c.requests * perLineError;
      e.lineReq += req;
      e.lineErr += err;
      e.row.lineReq += req;
      e.row.lineErr += err;
    });
  }

  /** Each pending route's requests split once among its replicas by every host's lines, and each host's row given its part. */
  private split(): void {
    const pending = this.pending;
    const touched = this.touched;
    this.pending = new Map();
    this.touched = [];
    this.takes++;
    if (pending.size === 0) return;
    // the cluster's rows of these routes, and a backend row of each whose counters are the split's totals
    const rows: StatRow[] = [];
    const was: StatRow[] = [];
    const moved: StatRow[] = [];
    const counts: LogCounts = new Map();
    for (const [backend, p] of pending) {
      const servers = this.routes.get(backend);
      if (!servers) continue;
      const weights = new Map<string, { requests: number; errors: number }>();
      for (const row of servers.values()) {
        rows.push(statRow(row, row.req, row.err));
        if (row.lineReq > 0 || row.lineErr > 0) weights.set(row.like.svname, { requests: row.lineReq, errors: row.lineErr });
      }
      was.push(routeTotals(backend, 0, 0, servers.size));
      moved.push(routeTotals(backend, p.req, p.err, servers.size));
      counts.set(backend, weights);
    }
    const { estimated } = planServerRows({ atMs: 0, rows, backends: was }, moved, counts, false);
    for (const e of estimated) {
      const row = this.routes.get(e.pxname)?.get(e.svname);
      if (!row) continue;
      const part = requestsOf(e) - row.req;
      const errPart = (e.hrsp5xx ?? 0) - row.err;
      row.req += part;
      row.err += errPart;
      row.perReq = row.lineReq > 0 ? part / row.lineReq : 0;
      row.perErr = row.lineErr > 0 ? errPart / row.lineErr : 0;
    }
    // each host that logged a replica's requests holds its share of the part until its exact rows
    for (const e of touched) {
      if (!e.row.gone) {
        e.req += e.lineReq * e.row.perReq;
        e.err += e.lineErr * e.row.perErr;
      }
      e.lineReq = 0;
      e.lineErr = 0;
    }
    for (const backend of pending.keys()) {
      for (const row of this.routes.get(backend)?.values() ?? []) {
        row.lineReq = row.lineErr = row.perReq = row.perErr = 0;
      }
    }
  }

  /**
   * The host's exact rows of a backend (none: the backend is gone from it). What came since its
   * last exact rows beyond what was estimated for it is this second's; a row lower than the last
   * (a reload: its new worker started from 0) counts what it holds; a row seen for the first
   * time adds to the totals, not to this second.
   */
  private exactRows(h: HostState, backend: string, rows: readonly StatRow[]): void {
    const old = h.exact.get(backend) ?? new Map<string, StatRow>();
    const since = h.since.get(backend);
    h.since.delete(backend);
    let servers = this.routes.get(backend);
    const fresh = new Map<string, StatRow>();
    for (const r of rows) {
      fresh.set(r.svname, r);
      if (!servers) this.routes.set(backend, (servers = new Map()));
      let row = servers.get(r.svname);
      if (!row) servers.set(r.svname, (row = { like: r, req: 0, err: 0, prevReq: null, prevErr: 0, hosts: 0, rtimeW: 0, ttimeW: 0, weight: 0, lineReq: 0, lineErr: 0, perReq: 0, perErr: 0, gone: false }));
      const was = old.get(r.svname);
      const s = since?.get(r.svname) ?? { req: 0, err: 0 };
      const nowReq = requestsOf(r);
      const nowErr = r.hrsp5xx ?? 0;
      const [wasReq, wasErr] = was ? [requestsOf(was), was.hrsp5xx ?? 0] : [0, 0];
      const req = was === undefined ? 0 : sinceExact(nowReq, wasReq, s.req);
      const err = was === undefined ? 0 : sinceExact(nowErr, wasErr, s.err);
      // the cluster's row takes this host's exact values; of the change, only `req`/`err` is this second's
      const change = nowReq - (wasReq + s.req);
      const errChange = nowErr - (wasErr + s.err);
      row.req += change;
      row.err += errChange;
      if (row.prevReq !== null) {
        row.prevReq += change - req;
        row.prevErr += errChange - err;
      }
      if (!was) row.hosts += 1;
      else unweigh(row, was);
      weigh(row, r);
    }
    for (const [server, was] of old) {
      if (fresh.has(server)) continue;
      const row = servers?.get(server);
      if (!row) continue;
      const s = since?.get(server) ?? { req: 0, err: 0 };
      // its counters leave the totals, not this second
      row.req -= requestsOf(was) + s.req;
      row.err -= (was.hrsp5xx ?? 0) + s.err;
      if (row.prevReq !== null) {
        row.prevReq -= requestsOf(was) + s.req;
        row.prevErr -= (was.hrsp5xx ?? 0) + s.err;
      }
      unweigh(row, was);
      row.hosts -= 1;
      if (row.hosts <= 0) {
        row.gone = true;
        servers!.delete(server);
      }
    }
    if (servers?.size === 0) this.routes.delete(backend);
    if (fresh.size > 0) h.exact.set(backend, fresh);
    else h.exact.delete(backend);
  }
}

/** What an exact counter adds since the last exact one, beyond what was estimated meanwhile; a counter that went back (a reload) counts what it holds. */
function sinceExact(now: number, then: number, estimated: number): number {
  return now < then ? now : Math.max(0, now - then - estimated);
}

function weigh(row: ClusterRow, r: StatRow): void {
  const w = requestsOf(r);
  if (r.rtime === null || w <= 0) return;
  row.rtimeW += r.rtime * w;
  row.ttimeW += (r.ttime ?? 0) * w;
  row.weight += w;
}

function unweigh(row: ClusterRow, r: StatRow): void {
  const w = requestsOf(r);
  if (r.rtime === null || w <= 0) return;
  row.rtimeW -= r.rtime * w;
  row.ttimeW -= (r.ttime ?? 0) * w;
  row.weight -= w;
}

/** A route's backend row in the cluster's reading, its counters the totals to split. */
function routeTotals(backend: string, req: number, err: number, servers: number): StatRow {
  return { ...routeRow, pxname: backend, reqTot: req, stot: req, hrsp5xx: err, act: servers };
}

const routeRow: StatRow = { pxname: '', svname: 'BACKEND', type: 'backend', status: 'UP', scur: 0, stot: 0, weight: null, lbtot: null, checkStatus: null, checkDesc: null, addr: null, reqTot: 0, rate: null, rtime: null, ttime: null, hrsp5xx: 0, iid: 1, act: 0 };

/** The cluster's row as a server row of the ingress, its counters `req`/`err`. */
function statRow(row: ClusterRow, req: number, err: number): StatRow {
  const r = row.like;
  const avg = (sum: number) => (row.weight > 0 ? Math.round((sum / row.weight) * 10) / 10 : null);
  return {
    ...r,
    ...(r.reqTot !== null ? { reqTot: req } : { stot: req }),
    hrsp5xx: r.hrsp5xx !== null ? err : null,
    rtime: avg(row.rtimeW),
    ttime: avg(row.ttimeW),
  };
}
