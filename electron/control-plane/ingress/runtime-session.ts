// One connection to an ingress's admin socket kept open for many commands (HAProxy's interactive
// mode: `prompt`, then each answer ends with the "\n> " prompt, one per command of a `;`-joined
// line), for a caller that asks every second (the metrics loop): a stream-local channel and an
// HAProxy session once, not per command. hosts/held-stream.ts holds it, one exchange at a time.
//
// A connection stays with the worker it reached: after a reload the old worker keeps answering
// on it (its counters stop) and lives on for it until hard-stop-after. The caller closes the
// session when the ingress's worker generation changes (Ingress.generationOf), and a session is
// never kept past MAX_AGE_MS whatever happens.
import { HeldStream } from '../hosts/held-stream.ts';
import { readAnswer, type DuplexOpener } from './runtime-answer.ts';

const PROMPT = '\n> ';
/** Opened again after this long, so a worker it outlived is let go even if no reload was seen. */
const MAX_AGE_MS = 60_000;
/** What a new connection is sent first: interactive mode, and levels on messages (runtime-api.ts). */
const SET_UP = 'prompt\nset severity-output number\n';

export class RuntimeSession {
  private readonly held: HeldStream;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    open: DuplexOpener,
    private readonly opts: { timeoutMs?: number; maxBytes?: number } = {},
  ) {
    this.held = new HeldStream(open, 'the Runtime API session');
  }

  /** Runs `line` (built by the caller: it must be one line) and resolves with HAProxy's answer. */
  command(line: string): Promise<string> {
    if (/[\n\r]/.test(line)) return Promise.reject(new Error('a Runtime API command is one line'));
    const run = this.queue.then(() => this.exchange(line));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.held.close();
  }

  private async exchange(line: string): Promise<string> {
    const opened = this.held.openedAtMs;
    if (opened > 0 && Date.now() - opened > MAX_AGE_MS) this.held.end(new Error('renewed'));
    const maxBytes = this.opts.maxBytes ?? 4 * 1024 * 1024;
    const answers: string[] = [];
    // a fresh connection answers its set-up (two prompts) before the line's commands
    let skip = 0;
    let prompts = line.split(';').length;
    let buffered = '';
    const parts = await this.held.exchange(
      (fresh) => {
        skip = fresh ? 2 : 0;
        return fresh ? `${SET_UP}${line}\n` : `${line}\n`;
      },
      (text) => {
        buffered += text;
        if (buffered.length > maxBytes) throw new Error('the admin socket answered more than the limit');
        // answers end with the prompt; none of HAProxy's lines begins with "> "
        let at: number;
        while ((at = buffered.indexOf(PROMPT)) !== -1) {
          const answer = buffered.slice(0, at + 1);
          buffered = buffered.slice(at + PROMPT.length);
          if (skip > 0) {
            skip--;
            continue;
          }
          answers.push(answer);
          if (--prompts === 0) return answers;
        }
        return undefined;
      },
      this.opts.timeoutMs ?? 5_000,
    );
    // each command's answer is told apart: a refusal of any of them refuses the line (and the
    // connection goes on: a refusal is an answer)
    return parts.map((part) => readAnswer(line, part)).join('');
  }
}
