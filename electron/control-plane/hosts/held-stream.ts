// A stream held open for many request/answer exchanges, one at a time: opened on first use and
// again after it ends (its peer went, a read failed, an answer came late: a late answer would be
// read as the next one's, so a timeout ends the stream). The client says how its answers end: it
// is fed the text as it comes and returns the answer once it is complete. Used for the hosts'
// counter scripts (metrics/counter-reader.ts) and the ingress's admin sessions
// (ingress/runtime-session.ts).
import type { Duplex } from 'node:stream';

/** Reads an answer from the text as it comes: the answer when complete, else undefined. May throw (the stream ends). */
export type AnswerReader<T> = (text: string) => T | undefined;

interface Pending {
  feed: (text: string) => void;
  fail: (err: Error) => void;
}

export class HeldStream {
  private stream: Duplex | null = null;
  private opening: Promise<Duplex> | null = null;
  private openedMs = 0;
  private pending: Pending | null = null;
  private closed = false;

  constructor(
    private readonly open: () => Promise<Duplex>,
    private readonly what: string,
  ) {}

  /** When the current stream was opened (0 before any): a client renews an old one with end(). */
  get openedAtMs(): number {
    return this.stream === null ? 0 : this.openedMs;
  }

  /**
   * Writes `request(fresh)` (fresh: a stream just opened, for the client's set-up) and resolves
   * with the answer `reader` finds in what comes back; rejects, ending the stream, when none is
   * complete within `timeoutMs`.
   */
  async exchange<T>(request: (fresh: boolean) => string, reader: AnswerReader<T>, timeoutMs: number): Promise<T> {
    if (this.pending) throw new Error(`${this.what}: an exchange is still out`);
    const fresh = this.stream === null;
    const stream = await this.ensure();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.end(new Error(`${this.what} did not answer within ${timeoutMs} ms`)), timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.pending = null;
      };
      this.pending = {
        feed: (text) => {
          let answer: T | undefined;
          try {
            answer = reader(text);
          } catch (err) {
            return this.end(err as Error);
          }
          if (answer === undefined) return;
          settle();
          resolve(answer);
        },
        fail: (err) => {
          settle();
          reject(err);
        },
      };
      stream.write(request(fresh));
    });
  }

  /** Ends the stream (and fails the exchange that is out); the next exchange opens a new one. */
  end(err: Error, which: Duplex | null = this.stream): void {
    if (which !== this.stream) return;
    const s = this.stream;
    this.stream = null;
    s?.destroy();
    this.pending?.fail(err);
  }

  /** Ends it for good. */
  close(): void {
    this.closed = true;
    this.end(new Error(`${this.what} was closed`));
  }

  private ensure(): Promise<Duplex> {
    if (this.closed) return Promise.reject(new Error(`${this.what} was closed`));
    if (this.stream) return Promise.resolve(this.stream);
    this.opening ??= this.open().then(
      (s) => {
        this.opening = null;
        if (this.closed) {
          s.destroy();
          throw new Error(`${this.what} was closed`);
        }
        this.stream = s;
        this.openedMs = Date.now();
        s.setEncoding?.('utf8');
        s.on('data', (chunk: string) => {
          if (this.stream === s) this.pending?.feed(chunk);
        });
        s.on('error', (err: Error) => this.end(new Error(`${this.what} failed: ${err.message}`), s));
        s.on('close', () => this.end(new Error(`${this.what} ended`), s));
        s.on('end', () => this.end(new Error(`${this.what} ended`), s));
        return s;
      },
      (err: unknown) => {
        this.opening = null;
        throw new Error(`could not open ${this.what}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return this.opening;
  }
}
