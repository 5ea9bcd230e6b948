// Every host's ingress request log, read into the collector's latency window: the whole ring
// (`show events <ring>`) on the host's admin session, once a second and only while that host's
// ingress sent requests, taking the lines it has not taken before (request-log.ts newLines). The
// counter that tells them apart is the worker's: a new worker (a reload) starts from the ring it
// has, and its first read only marks where it is.
import { REQUEST_RING } from '../ingress/ingress-config.ts';
import type { RuntimeSession } from '../ingress/runtime-session.ts';
import { LatencyWindow, newLines, parseRequestLine, type LatencyPercentiles } from './request-log.ts';

export class RequestLogReader {
  private readonly window = new LatencyWindow();
  /** Per host: the worker generation read, and the last request counter taken from it. */
  private readonly last = new Map<string, { generation: number; counter: number | null }>();

  /** Reads the host's ring when `requestsCame`; a first read of a worker only finds where it is. */
  async read(host: string, session: RuntimeSession, generation: number, requestsCame: boolean): Promise<void> {
    let mark = this.last.get(host);
    if (!mark || mark.generation !== generation) {
      mark = { generation, counter: null };
      this.last.set(host, mark);
    } else if (!requestsCame) return;
    const { lines, last } = newLines(await session.command(`show events ${REQUEST_RING}`), mark.counter);
    mark.counter = last ?? -1;
    for (const line of lines) {
      const sample = parseRequestLine(line);
      if (sample) this.window.add(sample.server, sample.ms);
    }
  }

  forget(host: string): void {
    this.last.delete(host);
  }

  /** The last interval's percentiles per server name; the next interval begins. */
  take(): Map<string, LatencyPercentiles> {
    return this.window.take();
  }
}
