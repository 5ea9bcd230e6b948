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
 * before, until they are reloaded). Read by index, not split: a second with traffic on every host
 * brings thousands of lines.
 */
export function parseLogLine(text: string): LogLine | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) <= 32) end--;
  let start = 0;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  // the spaces between the fields (-1: no more): 4 in the format of now, 2 or 1 in the older ones
  const s1 = spaceIn(text, start, end);
  const s2 = s1 === -1 ? -1 : spaceIn(text, s1 + 1, end);
  const s3 = s2 === -1 ? -1 : spaceIn(text, s2 + 1, end);
  const s4 = s3 === -1 ? -1 : spaceIn(text, s3 + 1, end);
  if (s1 === -1 || (s4 !== -1 && spaceIn(text, s4 + 1, end) !== -1) || (s3 !== -1 && s4 === -1)) return null;
  const now = s4 !== -1;
  const server0 = now ? s1 + 1 : start;
  const server1 = now ? s2 : s1;
  // a replica's server is r_<id>
  if (server1 - server0 <= 2 || text.charCodeAt(server0) !== 114 || text.charCodeAt(server0 + 1) !== 95) return null;
  const ms = now ? intIn(text, s3 + 1, s4) : intIn(text, s1 + 1, s2 === -1 ? end : s2);
  if (ms === null) return null;
  return {
    backend: now ? text.slice(start, s1) : null,
    server: text.slice(server0, server1),
    status: now ? intIn(text, s2 + 1, s3) : null,
    ms: ms < 0 ? null : Math.min(ms, MAX_MS),
  };
}

/** The first space in `text` from `from`, before `end`; -1 if none. */
function spaceIn(text: string, from: number, end: number): number {
  const i = text.indexOf(' ', from);
  return i === -1 || i >= end ? -1 : i;
}

/** The whole number written at `start`–`end` of `text` (a sign allowed), or null. */
function intIn(text: string, start: number, end: number): number | null {
  const negative = text.charCodeAt(start) === 45;
  if (negative) start++;
  if (start >= end || end - start > 15) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** One log line → the server and its response time; null for lines that are no replica's answer. */
export function parseRequestLine(text: string): { server: string; ms: number } | null {
  const line = parseLogLine(text);
  // -1: no response came (the request failed or was aborted); it has no response time
  return line === null || line.ms === null ? null : { server: line.server, ms: line.ms };
}

/** The request counter (the last field) of the line at `start`–`end` of `text`, or null. */
function counterIn(text: string, from: number, to: number): number | null {
  let start = from;
  let end = to;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  // a line of two fields is an older format's, with no counter
  let spaces = 0;
  let last = -1;
  for (let i = text.indexOf(' ', start); i !== -1 && i < end; i = text.indexOf(' ', i + 1)) {
    spaces++;
    last = i;
  }
  if ((spaces !== 2 && spaces !== 4) || end - last - 1 < 1 || end - last - 1 > 15) return null;
  let n = 0;
  for (let i = last + 1; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The ring's lines that came after the counter `after` (the last one taken from this worker; -1
 * for a worker read before with nothing in its ring), and the new last counter. With `after` null
 * (a worker not read before) nothing is taken: what the ring holds then is from before this
 * reader, of no second it measures. A ring whose newest counter is below `after` is another
 * worker's (one restarted without a reload this reader was told of): all of it is new. Only the
 * new lines are cut out of the ring; of the others only the counter is read.
 */
export function newLines(ring: string, after: number | null): { lines: string[]; last: number | null } {
  const starts: number[] = [];
  const ends: number[] = [];
  const counters: number[] = [];
  let newest = -1;
  for (let from = 0; from < ring.length; ) {
    let nl = ring.indexOf('\n', from);
    if (nl === -1) nl = ring.length;
    const n = counterIn(ring, from, nl);
    if (n !== null) {
      starts.push(from);
      ends.push(nl);
      counters.push(n);
      if (n > newest) newest = n;
    }
    from = nl + 1;
  }
  if (after === null) return { lines: [], last: newest };
  const since = newest < after ? -1 : after;
  const lines: string[] = [];
  for (let i = 0; i < counters.length; i++) if (counters[i]! > since) lines.push(ring.slice(starts[i], ends[i]));
  return { lines, last: Math.max(since, newest) };
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
