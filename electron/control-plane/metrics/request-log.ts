// Response-time percentiles per replica, pure. Every host's ingress logs each HTTP request it
// answered (its backend, the server it went to, the status, that server's response time and the
// worker's request counter, `%b %s %ST %Tr %rt`) into a ring that the collector reads whole once a second; the lines not seen
// before (newLines), from every host, are counted here per
// server and turned into percentiles when the interval closes. A replica is served by every
// host's ingress, so its percentiles are over the requests of all of them together, not an
// average of per-host figures (percentiles don't average).
//
// Counts per millisecond value, exact: HAProxy logs whole milliseconds, and the server timeout
// bounds them, so a server's histogram holds at most that many distinct values whatever the rate.

export interface LatencyPercentiles {
  /** Requests counted in the interval. */
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** The longest response time kept as is, in ms; anything slower counts as this (the ingress's server timeout is 30 s). */
const MAX_MS = 60_000;

/** One log line's fields. `backend` and `status` are null in lines of the older formats. */
export interface LogLine {
  backend: string | null;
  server: string;
  status: number | null;
  /** The response time, or null when no response came (%Tr of -1: failed or aborted). */
  ms: number | null;
}

/**
 * One log line → its fields; null for lines that are no replica's (<NOSRV>, a mesh server, not
 * ours). Formats: `%b %s %ST %Tr %rt` (now), `%s %Tr %rt` and `%s %Tr` (ingresses configured
 * before, until they are reloaded).
 */
export function parseLogLine(text: string): LogLine | null {
  const f = text.trim().split(' ');
  const [backend, server, status, tr] = f.length === 5 ? [f[0]!, f[1]!, f[2]!, f[3]!] : f.length === 3 || f.length === 2 ? [null, f[0]!, null, f[1]!] : [];
  if (server === undefined || tr === undefined || server.length <= 2 || !server.startsWith('r_')) return null;
  const ms = Number(tr);
  if (!Number.isInteger(ms)) return null;
  const code = status === null || status === undefined ? null : Number(status);
  return { backend: backend ?? null, server, status: code !== null && Number.isInteger(code) ? code : null, ms: ms < 0 ? null : Math.min(ms, MAX_MS) };
}

/** One log line → the server and its response time; null for lines that are no replica's answer. */
export function parseRequestLine(text: string): { server: string; ms: number } | null {
  const line = parseLogLine(text);
  // -1: no response came (the request failed or was aborted); it has no response time
  return line === null || line.ms === null ? null : { server: line.server, ms: line.ms };
}

/** A line's request counter (its last field), or null. */
function counterOf(text: string): number | null {
  // a line of two fields is an older format's, with no counter
  const fields = text.trim().split(' ');
  const field = fields.length === 3 || fields.length === 5 ? fields.at(-1) : undefined;
  if (field === undefined || !/^\d{1,15}$/.test(field)) return null;
  return Number(field);
}

/**
 * The ring's lines that came after the counter `after` (the last one taken from this worker; -1
 * for a worker read before with nothing in its ring), and the new last counter. With `after` null
 * (a worker not read before) nothing is taken: what the ring holds then is from before this
 * reader, of no second it measures. A ring whose newest counter is below `after` is another
 * worker's (one restarted without a reload this reader was told of): all of it is new.
 */
export function newLines(ring: string, after: number | null): { lines: string[]; last: number | null } {
  const parsed: { line: string; n: number }[] = [];
  for (const line of ring.split('\n')) {
    const n = counterOf(line);
    if (n !== null) parsed.push({ line, n });
  }
  const newest = parsed.reduce((m, p) => Math.max(m, p.n), -1);
  if (after === null) return { lines: [], last: newest };
  const from = newest < after ? -1 : after;
  return { lines: parsed.filter((p) => p.n > from).map((p) => p.line), last: Math.max(from, newest) };
}

/** Nearest-rank percentile of a histogram (value → count) of `total` values. */
function percentile(sorted: [number, number][], total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted.at(-1)?.[0] ?? 0;
}

export class LatencyWindow {
  private servers = new Map<string, Map<number, number>>();

  add(server: string, ms: number): void {
    let hist = this.servers.get(server);
    if (!hist) this.servers.set(server, (hist = new Map()));
    hist.set(ms, (hist.get(ms) ?? 0) + 1);
  }

  /** The interval's percentiles per server, and a new interval begins. */
  take(): Map<string, LatencyPercentiles> {
    const out = new Map<string, LatencyPercentiles>();
    for (const [server, hist] of this.servers) {
      const sorted = [...hist].sort((a, b) => a[0] - b[0]);
      const count = sorted.reduce((n, [, c]) => n + c, 0);
      out.set(server, { count, p50: percentile(sorted, count, 50), p95: percentile(sorted, count, 95), p99: percentile(sorted, count, 99) });
    }
    this.servers = new Map();
    return out;
  }
}
