// One host's counter script (host-counters.ts), kept running over the host's link: a request line
// in, an answer out, once a second. Opening it costs an SSH channel and a shell once per connection
// instead of once a second. The stream is opened on first use and again after it ends (the host's
// session went, the shell died); an answer that does not come in time ends it too, since a late
// answer would be read as the next one's.
import type { Duplex } from 'node:stream';
import { COUNTER_SCRIPT, counterRequest, counterWords, parseCounters, type CounterTarget, type HostCounters } from './host-counters.ts';

/** What opens the script's stream: the host's engine facade (`hostStream`). */
export type ShellOpener = (command: string) => Promise<Duplex>;

/** An answer is a few dozen bytes a container; a line past this is not the script's. */
const MAX_LINE = 64 * 1024;

interface Pending {
  seq: number;
  targets: readonly CounterTarget[];
  lines: string[];
  resolve: (c: HostCounters) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class CounterReader {
  private stream: Duplex | null = null;
  private opening: Promise<Duplex> | null = null;
  private buffered = '';
  private pending: Pending | null = null;
  private seq = 0;
  /** What the current script was last asked for: the same again is sent as "=". */
  private lastWords: string | null = null;
  private closed = false;

  constructor(private readonly open: ShellOpener) {}

  /** The counters of these containers now; rejects when the host does not answer within `timeoutMs`. */
  async read(targets: readonly CounterTarget[], timeoutMs: number): Promise<HostCounters> {
    if (this.pending) throw new Error('a read is still out');
    const words = counterWords(targets);
    const stream = await this.ensure();
    const request = counterRequest(++this.seq, words, words === this.lastWords);
    this.lastWords = words;
    return new Promise<HostCounters>((resolve, reject) => {
      const timer = setTimeout(() => this.end(new Error(`the counter script did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.pending = { seq: this.seq, targets, lines: [], resolve, reject, timer };
      stream.write(request);
    });
  }

  /** Ends the script; a later read starts it again. */
  close(): void {
    this.closed = true;
    this.end(new Error('the counter reader was closed'));
  }

  private ensure(): Promise<Duplex> {
    if (this.closed) return Promise.reject(new Error('the counter reader was closed'));
    if (this.stream) return Promise.resolve(this.stream);
    if (this.opening) return this.opening;
    this.opening = this.open(COUNTER_SCRIPT).then(
      (s) => {
        this.opening = null;
        if (this.closed) {
          s.destroy();
          throw new Error('the counter reader was closed');
        }
        this.stream = s;
        s.setEncoding('utf8');
        s.on('data', (chunk: string) => this.take(chunk));
        s.on('error', (err: Error) => this.end(err, s));
        s.on('close', () => this.end(new Error('the counter script ended'), s));
        s.on('end', () => this.end(new Error('the counter script ended'), s));
        return s;
      },
      (err: Error) => {
        this.opening = null;
        throw err;
      },
    );
    return this.opening;
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const p = this.pending;
      if (!p) continue; // an answer to a request that timed out: that stream is gone already
      if (line.startsWith('e ')) {
        if (Number(line.slice(2)) !== p.seq) return this.end(new Error(`the counter script answered request ${line.slice(2)}, not ${p.seq}`));
        clearTimeout(p.timer);
        this.pending = null;
        p.resolve(parseCounters(p.lines, p.targets));
      } else p.lines.push(line);
    }
    if (this.buffered.length > MAX_LINE) this.end(new Error(`the counter script wrote a line longer than ${MAX_LINE} bytes`));
  }

  /** Ends this stream (only if it is still the current one) and fails the read that is out. */
  private end(err: Error, which: Duplex | null = this.stream): void {
    if (which !== this.stream) return;
    const s = this.stream;
    this.stream = null;
    this.buffered = '';
    this.lastWords = null;
    s?.destroy();
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
