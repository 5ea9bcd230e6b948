// Lines go out in chunks, not one message each: a chatty container must not flood the client's
// socket. A chunk leaves when it is full or when its first line has waited long enough.
import type { LogLine } from '../../../shared/api.ts';

export const FLUSH_AFTER_MS = 50;
export const MAX_LINES_PER_CHUNK = 500;

export interface LogBatcherOptions {
  flushAfterMs?: number;
  maxLines?: number;
  /** Lines of several replicas: each chunk in time order (stable, so one replica's order holds). */
  sortByTime?: boolean;
}

export class LogBatcher {
  private lines: LogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly flushAfterMs: number;
  private readonly maxLines: number;

  constructor(
    private readonly deliver: (lines: LogLine[]) => void,
    private readonly options: LogBatcherOptions = {},
  ) {
    this.flushAfterMs = options.flushAfterMs ?? FLUSH_AFTER_MS;
    this.maxLines = options.maxLines ?? MAX_LINES_PER_CHUNK;
  }

  add(lines: LogLine[]): void {
    if (lines.length === 0) return;
    for (const line of lines) this.lines.push(line);
    if (this.lines.length >= this.maxLines) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.flushAfterMs);
  }

  /** Sends what is waiting now, in chunks of at most `maxLines`. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const out = this.lines;
    this.lines = [];
    if (this.options.sortByTime) out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (let i = 0; i < out.length; i += this.maxLines) this.deliver(out.slice(i, i + this.maxLines));
  }

  /** Drops what is waiting: the stream was cancelled. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lines = [];
  }
}
