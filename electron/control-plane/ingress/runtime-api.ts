// A client for HAProxy's Runtime API (the admin socket), over whatever stream the caller opens:
// a stream-local SSH channel to the host's admin socket, or net.connect in tests.
//
// One command per connection, in non-interactive mode: HAProxy runs the line, answers and closes,
// so the answer is everything read until the peer closes. The line is sent as
// `set severity-output number; <command>`: `;` runs both in order on the same connection and the
// first makes HAProxy 2.6 prefix its messages with a syslog level ("[3]: No such server.").
// That prefix is the only general way to tell a refusal from an answer, but 2.6 is not
// consistent with it, as tried against it:
//   - "Unknown command, but maybe one of…" comes at level 6 (info);
//   - `set server … addr` reports a bad address or port at level 4 ("Invalid addr 'x'",
//     "problem converting port 'x' to an int"), the same level as its success messages;
//   - a port above 65535 is taken modulo 65536 without a word, so ports are checked before sending.
// Commands therefore must not hold `;` or a newline (they would run as commands of their own).
import type { Duplex } from 'node:stream';
import { BatonError } from '../../../shared/errors.ts';
import type { RuntimeStep } from './runtime-plan.ts';
import { readAnswer, RuntimeApiError, type DuplexOpener } from './runtime-answer.ts';
import { RuntimeSession } from './runtime-session.ts';

export { readAnswer, RuntimeApiError, type DuplexOpener };
import { parseStatCsv, type StatRow } from './stat-csv.ts';

export interface RuntimeApiOptions {
  /** Deadline of one command, from opening the stream to the peer's close (default 5 s). */
  timeoutMs?: number;
  /** Largest answer taken (default 1 MiB); show stat of a large ingress stays well below it. */
  maxBytes?: number;
  /** How long `remove` retries `del server` while closed sessions wind down (default 2 s). */
  removeRetryMs?: number;
}

/** `show stat <iid> 4 -1` (the servers of one proxy) for each iid, as one line of `;`-joined commands, built from integers only. */
export function serverStatLine(iids: readonly number[]): string {
  for (const iid of iids) if (!Number.isInteger(iid) || iid <= 0) throw new Error(`not a proxy id: ${iid}`);
  return iids.map((iid) => `show stat ${iid} 4 -1`).join('; ');
}

/** A command is one line: `;` or a newline would run what follows as commands of their own. */
function checkLine(line: string): void {
  if (/[;\n\r]/.test(line) || line.trim() === '') {
    throw new BatonError('INVALID_INPUT', `A Runtime API command must be one non-empty line without ";": ${JSON.stringify(line.slice(0, 120))}`);
  }
}

export class RuntimeApi {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly removeRetryMs: number;

  constructor(private readonly open: DuplexOpener, opts: RuntimeApiOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.removeRetryMs = opts.removeRetryMs ?? 2_000;
  }

  /** Runs one command; resolves with HAProxy's answer, rejects when HAProxy refuses it. */
  async command(line: string): Promise<string> {
    checkLine(line);
    return readAnswer(line, await this.exchange(line));
  }

  private exchange(line: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let stream: Duplex | null = null;
      let done = false;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stream?.destroy();
        if (err !== null) reject(err);
        else resolve(Buffer.concat(chunks).toString('utf8'));
      };
      const fail = (what: string) => finish(new RuntimeApiError(line, '', `The Runtime API command "${line}" ${what}`));
      const timer = setTimeout(() => fail(`got no complete answer within ${this.timeoutMs} ms.`), this.timeoutMs);
      this.open().then(
        (s) => {
          if (done) {
            s.destroy();
            return;
          }
          stream = s;
          s.on('data', (chunk: Buffer | string) => {
            const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            size += buf.length;
            if (size > this.maxBytes) return fail(`answered more than ${this.maxBytes} bytes.`);
            chunks.push(buf);
          });
          s.on('end', () => finish(null));
          s.on('close', () => finish(null));
          s.on('error', (err: Error) => fail(`failed: ${err.message}`));
          s.write(`set severity-output number; ${line}\n`);
        },
        (err: unknown) => fail(`could not reach the admin socket: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
  }

  async showStat(): Promise<StatRow[]> {
    return parseStatCsv(await this.command('show stat'));
  }

  /** Server rows only (`-1 4 -1`: every proxy, type mask 4), without the frontends and backends. */
  async showServerStat(): Promise<StatRow[]> {
    return parseStatCsv(await this.command('show stat -1 4 -1'));
  }

  /** Backend rows only (type mask 2): one per route, whatever its replica count. */
  async showBackendStat(): Promise<StatRow[]> {
    return parseStatCsv(await this.command('show stat -1 2 -1'));
  }

  /**
   * The server rows of these proxies (by iid), in one exchange: `show stat <iid> 4 -1` for each,
   * joined by `;` (the line is built from integers here, so nothing else can ride on it).
   */
  async showServerStatOf(iids: readonly number[]): Promise<StatRow[]> {
    if (iids.length === 0) return [];
    const line = serverStatLine(iids);
    return parseStatCsv(readAnswer(line, await this.exchange(line)));
  }

  /** A connection kept open for many commands (runtime-session.ts), for a caller that asks every second. */
  session(): RuntimeSession {
    return new RuntimeSession(this.open, { timeoutMs: this.timeoutMs, maxBytes: this.maxBytes });
  }

  /** The server's row, or null when the backend has no such server. */
  async server(backend: string, server: string): Promise<StatRow | null> {
    const rows = await this.showStat();
    return rows.find((r) => r.type === 'server' && r.pxname === backend && r.svname === server) ?? null;
  }

  /** The server's current sessions (scur). */
  async serverSessions(backend: string, server: string): Promise<number> {
    const row = await this.server(backend, server);
    if (row === null) throw new RuntimeApiError('show stat', '', `The ingress has no server ${backend}/${server}.`);
    return row.scur;
  }

  /**
   * Polls scur until it is 0 (true) or the deadline (a time in ms, Date.now() scale) passes (false).
   * Sessions of an old worker after a reload are not counted: that worker finishes them itself.
   */
  async waitDrained(backend: string, server: string, deadlineMs: number, pollMs = 250): Promise<boolean> {
    for (;;) {
      if ((await this.serverSessions(backend, server)) === 0) return true;
      if (Date.now() + pollMs > deadlineMs) return false;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async applyStep(step: RuntimeStep): Promise<void> {
    if (step.kind === 'command') {
      await this.command(step.line);
      return;
    }
    const target = `${step.backend}/${step.server}`;
    await this.command(`set server ${target} state maint`);
    await this.command(`shutdown sessions server ${target}`);
    // Sessions closed by shutdown end asynchronously; del refuses while any is still attached.
    const until = Date.now() + this.removeRetryMs;
    for (;;) {
      try {
        await this.command(`del server ${target}`);
        return;
      } catch (err) {
        if (!(err instanceof RuntimeApiError) || !/still has connections/.test(err.message) || Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async applySteps(steps: RuntimeStep[]): Promise<void> {
    for (const step of steps) await this.applyStep(step);
  }
}
