// A host's per-replica request counters without reading every server row every second, pure.
//
// Every host's ingress has a row for every replica of each route it serves, so reading the rows
// of all routes with traffic costs hosts × replicas rows a second: the term that grows past the
// CPU budget with traffic everywhere. What moves each second is cheap to know: each backend's own
// totals (one row per route), and which replica each request went to, from the request log that
// is read anyway for the percentiles (`%b %s %ST …`). So a backend's new requests (and 5xx
// answers) are split among its servers in the proportions of its log lines of that second, added
// to the servers' last rows; the rows themselves are read exactly when an estimate can't be made
// (a first reading, a changed set of servers, a reload, a TCP route, which logs nothing, or no log
// lines for a backend that moved), and every EXACT_EVERY readings of the host anyway, so whatever
// drift the sampling leaves is corrected within that many seconds.
import type { StatRow } from '../ingress/stat-csv.ts';
import type { IngressReading } from './ingress-requests.ts';

/** Every this many readings a host's moved backends have their server rows read exactly. */
export const EXACT_EVERY = 10;

/** Per backend, per server: the requests and the 5xx answers among the log lines of one read. */
export type LogCounts = Map<string, Map<string, { requests: number; errors: number }>>;

export interface ServerPlan {
  /** Backends whose server rows must be read now. */
  exact: StatRow[];
  /** Server rows made from the last ones and this second's split. */
  estimated: StatRow[];
}

const requestsOf = (r: StatRow): number => r.reqTot ?? r.stot;

/**
 * `total` split into whole parts in proportion to `weights`, so the parts add up to it exactly
 * and no request is made or lost by rounding: each part is the step of the rounded running sum.
 */
export function splitWhole(total: number, weights: readonly number[]): number[] {
  let sum = 0;
  for (const w of weights) sum += w;
  const parts = new Array<number>(weights.length).fill(0);
  if (total <= 0 || sum <= 0) return parts;
  let running = 0;
  let given = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i]!;
    const upTo = Math.round((total * running) / sum);
    parts[i] = upTo - given;
    given = upTo;
  }
  return parts;
}

/**
 * For the backends that moved this second (`moved`, from serverReads): which to read exactly and
 * the estimated server rows of the rest. `counts`: this second's log lines of the host (null when
 * the log was not read); `exactDue`: the host's turn for exact rows.
 */
export function planServerRows(prev: IngressReading | undefined, moved: readonly StatRow[], counts: LogCounts | null, exactDue: boolean): ServerPlan {
  const plan: ServerPlan = { exact: [], estimated: [] };
  const before = new Map((prev?.backends ?? []).map((b) => [b.pxname, b]));
  // the last rows by backend, grouped once: a filter per backend would cost backends × rows
  const rowsOf = new Map<string, StatRow[]>();
  for (const r of prev?.rows ?? []) {
    if (r.type !== 'server') continue;
    const list = rowsOf.get(r.pxname);
    if (list) list.push(r);
    else rowsOf.set(r.pxname, [r]);
  }
  for (const b of moved) {
    const was = before.get(b.pxname);
    const servers = (was && rowsOf.get(b.pxname)) || [];
    const lines = counts?.get(b.pxname);
    const delta = was ? requestsOf(b) - requestsOf(was) : -1;
    const logged = lines ? [...lines.values()].reduce((n, c) => n + c.requests, 0) : 0;
    // what an estimate would get wrong: another set of servers (also one swapped for another, the
    // count unchanged: its requests are in the log but it has no row), counters that went back (a
    // reload), nothing to split by
    const known = new Set(servers.map((r) => r.svname));
    const unknownLogged = lines !== undefined && [...lines.keys()].some((server) => !known.has(server));
    if (exactDue || !was || was.act !== b.act || was.iid !== b.iid || servers.length === 0 || delta < 0 || logged === 0 || unknownLogged) {
      plan.exact.push(b);
      continue;
    }
    const errorsDelta = Math.max(0, (b.hrsp5xx ?? 0) - (was.hrsp5xx ?? 0));
    const requestParts = splitWhole(delta, servers.map((s) => lines!.get(s.svname)?.requests ?? 0));
    const loggedErrors = servers.map((s) => lines!.get(s.svname)?.errors ?? 0);
    // 5xx answers the sample did not catch are spread as the requests were
    const errorParts = splitWhole(errorsDelta, loggedErrors.some((e) => e > 0) ? loggedErrors : requestParts);
    servers.forEach((s, i) => {
      plan.estimated.push({
        ...s,
        ...(s.reqTot !== null ? { reqTot: s.reqTot + requestParts[i]! } : { stot: s.stot + requestParts[i]! }),
        ...(s.hrsp5xx !== null ? { hrsp5xx: s.hrsp5xx + errorParts[i]! } : {}),
      });
    });
  }
  return plan;
}
