// One connection to an ingress's admin socket kept open for many commands (HAProxy's interactive
// mode: `prompt`, then each answer ends with the "\n> " prompt, one per command of a `;`-joined
// line), for a caller that asks every
// second (the metrics loop): a stream-local channel and an HAProxy session once, not per command.
//
// A connection stays with the worker it reached: after a reload the old worker keeps answering
// on it (its counters stop) and lives on for it until hard-stop-after. The caller closes the
// session when the ingress's worker generation changes (Ingress.generationOf), and a session is
// never kept past MAX_AGE_MS whatever happens.
import type { Duplex } from 'node:stream';
import { readAnswer, RuntimeApiError, type DuplexOpener } from './runtime-answer.ts';

const PROMPT = '\n> ';
/** Opened again after this long, so a worker it outlived is let go even if no reload was seen. */
const MAX_AGE_MS = 60_000;

interface Pending {
  line: string;
  /** Answers still to come: one prompt follows each of the line's `;`-joined commands. */
  prompts: number;
  parts: string[];
  resolve: (answer: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class RuntimeSession {
  private stream: Duplex | null = null;
  private opening: Promise<Duplex> | null = null;
  private openedMs = 0;
  private buffered = '';
  /** The prompt and severity set-up still to be answered before the first command's answer. */
  private preamble = 0;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly open: DuplexOpener,
    private readonly opts: { timeoutMs?: number; maxBytes?: number } = {},
  ) {}

  /** Runs `line` (built by the caller: it must be one line) and resolves with HAProxy's answer. */
  command(line: string): Promise<string> {
    if (/[\n\r]/.test(line)) return Promise.reject(new Error('a Runtime API command is one line'));
    const run = this.queue.then(() => this.exchange(line));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    this.end(new Error('the Runtime API session was closed'));
  }

  private async exchange(line: string): Promise<string> {
    if (this.stream && Date.now() - this.openedMs > MAX_AGE_MS) this.end(new Error('renewed'));
    const stream = await this.ensure();
    return new Promise<string>((resolve, reject) => {
      const ms = this.opts.timeoutMs ?? 5_000;
      const timer = setTimeout(() => this.end(new RuntimeApiError(line, '', `The Runtime API command "${line}" got no complete answer within ${ms} ms.`)), ms);
      this.pending = { line, prompts: line.split(';').length, parts: [], resolve, reject, timer };
      stream.write(`${line}\n`);
    });
  }

  private ensure(): Promise<Duplex> {
    if (this.closed) return Promise.reject(new Error('the Runtime API session was closed'));
    if (this.stream) return Promise.resolve(this.stream);
    this.opening ??= this.open().then(
      (s) => {
        this.opening = null;
        if (this.closed) {
          s.destroy();
          throw new Error('the Runtime API session was closed');
        }
        this.stream = s;
        this.openedMs = Date.now();
        this.buffered = '';
        // `prompt` answers with a prompt; `set severity-output number` with an empty line and one
        this.preamble = 2;
        s.setEncoding?.('utf8');
        s.on('data', (chunk: string) => this.take(chunk, s));
        s.on('error', (err: Error) => this.end(new Error(`the admin socket failed: ${err.message}`), s));
        s.on('close', () => this.end(new Error('the admin socket closed'), s));
        s.on('end', () => this.end(new Error('the admin socket closed'), s));
        s.write('prompt\nset severity-output number\n');
        return s;
      },
      (err: unknown) => {
        this.opening = null;
        throw new Error(`could not reach the admin socket: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return this.opening;
  }

  private take(chunk: string, from: Duplex): void {
    if (from !== this.stream) return;
    this.buffered += chunk;
    if (this.buffered.length > (this.opts.maxBytes ?? 4 * 1024 * 1024)) return this.end(new Error('the admin socket answered more than the limit'));
    // answers end with the prompt; none of HAProxy's lines begins with "> "
    let at: number;
    while ((at = this.buffered.indexOf(PROMPT)) !== -1 && (this.preamble > 0 || this.pending)) {
      const answer = this.buffered.slice(0, at + 1);
      this.buffered = this.buffered.slice(at + PROMPT.length);
      if (this.preamble > 0) {
        this.preamble--;
        continue;
      }
      const p = this.pending!;
      p.parts.push(answer);
      if (--p.prompts > 0) continue;
      this.pending = null;
      clearTimeout(p.timer);
      try {
        // each command's answer is told apart: a refusal of any of them refuses the line
        p.resolve(p.parts.map((part) => readAnswer(p.line, part)).join(''));
      } catch (err) {
        p.reject(err as Error);
      }
    }
  }

  private end(err: Error, which: Duplex | null = this.stream): void {
    if (which !== this.stream) return;
    const s = this.stream;
    this.stream = null;
    this.buffered = '';
    s?.destroy();
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
