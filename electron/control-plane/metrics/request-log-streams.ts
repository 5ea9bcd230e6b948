// One stream per host of its ingress's request log (`show events <ring> -w -n` over the Runtime
// API, through the host's link), its lines counted into the collector's latency window. A stream
// that ends or fails is opened again at the next second. After a reload the stream stays with the
// old worker, which takes no new requests (and keeps it alive): a stream is opened again when the
// ingress's worker generation changes, and when the host's counters moved while its stream said
// nothing for a while (a reload this control plane did not do).
import { REQUEST_RING } from '../ingress/ingress-config.ts';
import type { RuntimeApi } from '../ingress/runtime-api.ts';
import type { Logger } from '../log.ts';
import { LatencyWindow, parseRequestLine, type LatencyPercentiles } from './request-log.ts';

/** Quiet this long while the host's counters moved: the stream is on a worker that serves no more. */
const QUIET_MS = 3_000;

interface HostStream {
  close: () => void;
  ended: boolean;
  openedMs: number;
  lastLineMs: number;
  /** The ingress worker generation it was opened on. */
  generation: number | null;
}

export class RequestLogStreams {
  private readonly streams = new Map<string, HostStream>();
  private readonly window = new LatencyWindow();

  constructor(private readonly log: Logger) {}

  /**
   * Called once a second per host: opens the host's stream when it has none (or its old one ended
   * or went quiet while `requestsMoved`); closes it when the host has no ingress to read.
   */
  keep(host: string, api: RuntimeApi | null, requestsMoved: boolean, generation: number | null = null, nowMs = Date.now()): void {
    const cur = this.streams.get(host);
    if (!api) {
      if (cur) this.close(host);
      return;
    }
    const reloaded = cur !== undefined && generation !== null && cur.generation !== generation;
    if (cur && !cur.ended && !reloaded && !(requestsMoved && nowMs - Math.max(cur.openedMs, cur.lastLineMs) > QUIET_MS)) return;
    if (cur) this.close(host);
    const s: HostStream = { close: () => {}, ended: false, openedMs: nowMs, lastLineMs: 0, generation };
    this.streams.set(host, s);
    s.close = api.stream(
      `show events ${REQUEST_RING} -w -n`,
      (text) => {
        s.lastLineMs = Date.now();
        const sample = parseRequestLine(text);
        if (sample) this.window.add(sample.server, sample.ms);
      },
      (err) => {
        s.ended = true;
        if (err) this.log.debug({ host, err: err.message }, 'metrics: the request log stream ended');
      },
    ).close;
  }

  close(host: string): void {
    this.streams.get(host)?.close();
    this.streams.delete(host);
  }

  closeAll(): void {
    for (const host of [...this.streams.keys()]) this.close(host);
  }

  /** The last interval's percentiles per server name; the next interval begins. */
  take(): Map<string, LatencyPercentiles> {
    return this.window.take();
  }
}
