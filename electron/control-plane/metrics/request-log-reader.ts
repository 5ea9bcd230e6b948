// Every host's ingress request log, read into the collector's latency window: the whole ring
// (`show events <ring>`) on the host's admin session, once a second and only while that host's
// ingress sent requests, taking the lines it has not taken before (request-log.ts newLines). The
// counter that tells them apart is the worker's: a new worker (a reload) starts from the ring it
// has, and its first read only marks where it is.
import { REQUEST_RING } from '../ingress/ingress-config.ts';
import type { RuntimeSession } from '../ingress/runtime-session.ts';
import { LatencyWindow, newLines, parseLogLine, type LatencyPercentiles } from './request-log.ts';
import type { LogCounts } from './server-estimate.ts';

export class RequestLogReader {
  private readonly window = new LatencyWindow();
  /** Per host: the worker generation read, and the last request counter taken from it. */
  private readonly last = new Map<string, { generation: number; counter: number | null }>();

  /**
   * Reads the host's ring when `requestsCame`; a first read of a worker only finds where it is.
   * Returns the new lines counted per backend and server (null when the ring was not read).
   */
  async read(host: string, session: RuntimeSession, generation: number, requestsCame: boolean): Promise<LogCounts | null> {
    let mark = this.last.get(host);
    if (!mark || mark.generation !== generation) {
      mark = { generation, counter: null };
      this.last.set(host, mark);
    } else if (!requestsCame) return null;
    const { lines, last } = newLines(await session.command(`show events ${REQUEST_RING}`), mark.counter);
    mark.counter = last ?? -1;
    return this.absorb(lines);
  }

  /** Log lines into the latency window; returns them counted per backend and server. */
  absorb(lines: readonly string[]): LogCounts {
    const counts: LogCounts = new Map();
    for (const text of lines) {
      const line = parseLogLine(text);
      if (!line) continue;
      if (line.ms !== null) this.window.add(line.server, line.ms);
      if (line.backend === null) continue;
      let servers = counts.get(line.backend);
      if (!servers) counts.set(line.backend, (servers = new Map()));
      const c = servers.get(line.server) ?? { requests: 0, errors: 0 };
      c.requests += 1;
      if (line.status !== null && line.status >= 500) c.errors += 1;
      servers.set(line.server, c);
    }
    return counts;
  }

  forget(host: string): void {
    this.last.delete(host);
  }

  /** The last interval's percentiles per server name; the next interval begins. */
  take(): Map<string, LatencyPercentiles> {
    return this.window.take();
  }
}
