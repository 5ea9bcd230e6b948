// The `exec` stream: a terminal in a running replica, a Docker exec with a TTY over the replica's
// host link. Output goes out as text chunks; keystrokes and resizes come in as the stream's input.
// It ends with a last chunk saying why (the command exited, the replica stopped or was removed)
// and ends with UNAVAILABLE when the host's link drops. Each opening is an event naming who opened it.
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import type { ExecChunk, ExecInput, ExecParams } from '../../../shared/api.ts';
import { BatonError, toErrorBody, type ErrorBody } from '../../../shared/errors.ts';
import type { Caller } from '../api/caller.ts';
import type { EventLog } from '../events/event-log.ts';
import type { EngineTerminal } from '../hosts/engine.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';
import { DEFAULT_TERMINAL_COMMAND, PendingInput, terminalEndReason } from './terminal-end.ts';

/** Terminals open at once on one host, across every client: each holds one of the link's stream slots. */
export const TERMINALS_PER_HOST = 4;

export interface TerminalSink {
  chunk(chunk: ExecChunk): void;
  end(error: ErrorBody | null): void;
}

export interface TerminalsDeps {
  hosts: HostManager;
  state: ClusterState;
  events: EventLog;
  log: Logger;
  resolveReplica(ref: string): ObservedReplica;
}

export class Terminals {
  private readonly openOnHost = new Map<string, number>();

  constructor(private readonly deps: TerminalsDeps) {}

  /** Opens a terminal; throws NOT_FOUND for no such replica, INVALID_INPUT for one that is not running, UNAVAILABLE for a host that is not ready. */
  open(params: z.output<typeof ExecParams>, sink: TerminalSink, caller: Caller): { cancel(): void; input(value: ExecInput): void } {
    const r = this.deps.resolveReplica(params.replica);
    if (r.state !== 'running') {
      throw new BatonError('INVALID_INPUT', `${r.name} is ${r.state}: a terminal opens only in a running replica.`, { replica: r.name, state: r.state }, 'Start it again (restart) or pick a running replica.');
    }
    const link = this.deps.hosts.link(r.host);
    if (link.state !== 'ready') {
      throw new BatonError('UNAVAILABLE', `Host ${r.host} is ${link.state}${link.reason ? ` (${link.reason})` : ''}: no terminal can open in ${r.name} now.`, { host: r.host }, 'Try again when the host is ready (baton host ls).');
    }
    const open = this.openOnHost.get(r.host) ?? 0;
    if (open >= TERMINALS_PER_HOST) {
      throw new BatonError('UNAVAILABLE', `Host ${r.host} already has ${open} terminals open, the most its link carries beside logs and Baton's own streams.`, { host: r.host }, 'Close another terminal on that host and try again.');
    }
    this.openOnHost.set(r.host, open + 1);
    const cmd = params.cmd ?? DEFAULT_TERMINAL_COMMAND;
    this.deps.events.append({
      kind: 'replica.terminal-opened',
      host: r.host,
      stack: r.stack,
      service: r.service,
      replica: r.name,
      message: `A terminal was opened in ${r.name} on ${r.host} (${cmd[0]}, over ${caller.transport})`,
      // the program only: the rest of a command line may hold what is not for an event
      data: { transport: caller.transport, program: cmd[0] },
    });
    const session = new TerminalSession(r, link, sink, () => this.release(r.host), this.deps);
    session.start(cmd, { cols: params.cols ?? 80, rows: params.rows ?? 24 });
    return { cancel: () => session.close(), input: (value) => session.input(value) };
  }

  private release(host: string): void {
    const open = (this.openOnHost.get(host) ?? 1) - 1;
    if (open > 0) this.openOnHost.set(host, open);
    else this.openOnHost.delete(host);
  }
}

type Link = ReturnType<HostManager['link']>;

class TerminalSession {
  private closed = false;
  private terminal: EngineTerminal | null = null;
  private readonly pending = new PendingInput();
  private pendingSize: { cols: number; rows: number } | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private readonly onLinkState = (state: string, reason: string | null): void => {
    if (state !== 'ready') this.fail(new BatonError('UNAVAILABLE', `The link to ${this.replica.host} dropped (${reason ?? state}); the terminal in ${this.replica.name} closed.`, { host: this.replica.host }, 'Open it again when the host is ready.').toBody());
  };
  private offEvents: (() => void) | null = null;

  constructor(
    private readonly replica: ObservedReplica,
    private readonly link: Link,
    private readonly sink: TerminalSink,
    private readonly released: () => void,
    private readonly deps: TerminalsDeps,
  ) {}

  start(cmd: string[], size: { cols: number; rows: number }): void {
    this.link.on('state', this.onLinkState);
    // the exec's connection closes when the container stops; the events are the safety net
    this.offEvents = this.deps.events.subscribe((event) => {
      if ((event.kind === 'replica.exited' || event.kind === 'replica.removed') && event.host === this.replica.host && (event.replica === this.replica.name || event.replica === this.replica.id.slice(0, 12))) {
        this.terminal?.socket.end();
        if (!this.terminal) void this.finish();
      }
    });
    this.link
      .engine()
      .openTerminal(this.replica.id, cmd, size)
      .then(
        (terminal) => {
          if (terminal === null) return this.fail(new BatonError('NOT_FOUND', `${this.replica.name} is gone from ${this.replica.host}.`, { replica: this.replica.name }).toBody());
          if (this.closed) return void terminal.socket.destroy();
          this.attach(terminal);
        },
        (err: unknown) => this.fail(this.describe(err)),
      );
  }

  private attach(terminal: EngineTerminal): void {
    this.terminal = terminal;
    const { socket } = terminal;
    socket.on('data', (data: Buffer) => {
      if (this.closed) return;
      const output = this.decoder.write(data);
      if (output) this.sink.chunk({ output });
    });
    socket.on('error', (err) => this.deps.log.debug({ replica: this.replica.name, err }, 'terminal: the exec connection failed'));
    // the engine ends its side when the command exits (the socket may stay half open): either is the end
    socket.on('end', () => void this.finish());
    socket.on('close', () => void this.finish());
    for (const data of this.pending.drain()) socket.write(data);
    if (this.pendingSize) void this.resize(this.pendingSize);
  }

  input(value: ExecInput): void {
    if (this.closed) return;
    if ('resize' in value) {
      if (this.terminal) void this.resize(value.resize);
      else this.pendingSize = value.resize;
      return;
    }
    if (this.terminal) this.terminal.socket.write(value.data);
    else this.pending.push(value.data);
  }

  private async resize(size: { cols: number; rows: number }): Promise<void> {
    try {
      await this.terminal?.resize(size);
    } catch (err) {
      // a resize racing the exec's end is no failure of the terminal
      this.deps.log.debug({ replica: this.replica.name, err }, 'terminal: resize refused');
    }
  }

  private finishing = false;

  private async finish(): Promise<void> {
    if (this.closed || this.finishing) return;
    this.finishing = true;
    let exitCode: number | null = null;
    try {
      exitCode = (await this.terminal?.exitCode()) ?? null;
    } catch {
      // the container is gone with its exec: the replica's state tells why
    }
    if (this.closed) return;
    const rest = this.decoder.end();
    if (rest) this.sink.chunk({ output: rest });
    const now = this.deps.state.findByRef(this.replica.id);
    this.sink.chunk({ exit: { code: exitCode, reason: terminalEndReason({ exitCode, replicaState: now?.state ?? null, replica: this.replica.name }) } });
    this.close();
    this.sink.end(null);
  }

  private fail(error: ErrorBody): void {
    if (this.closed) return;
    this.close();
    this.sink.end(error);
  }

  private describe(err: unknown): ErrorBody {
    const status = (err as { statusCode?: number } | null)?.statusCode;
    if (status === 409) return new BatonError('INVALID_INPUT', `${this.replica.name} is not running: a terminal opens only in a running replica.`, { replica: this.replica.name }, 'Start it again (restart) or pick a running replica.').toBody();
    if (status !== undefined) return new BatonError('DOCKER_ERROR', `The engine on ${this.replica.host} refused the terminal in ${this.replica.name}: ${(err as Error).message}`, { host: this.replica.host }).toBody();
    return toErrorBody(err);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.off('state', this.onLinkState);
    this.offEvents?.();
    this.terminal?.socket.destroy();
    this.released();
  }
}
