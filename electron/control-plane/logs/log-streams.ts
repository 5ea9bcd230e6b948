// The `logs` stream: one replica's log, or every replica's of a service merged, with timestamps,
// in chunks. Following, it keeps going across restarts (a restarted container is read again from
// where it stopped) and, for a service, joins replicas that appear later. It ends with an error
// naming the host when a host it reads from goes away.
import type { z } from 'zod';
import type { BatonEvent, LogLine, LogsParams } from '../../../shared/api.ts';
import { BatonError, toErrorBody, type ErrorBody } from '../../../shared/errors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostLink } from '../hosts/host-link.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';
import { readContainerLog, type ContainerLogOptions, type ContainerLogOutcome } from './container-log.ts';
import { dockerSince, type DecodedLine } from './docker-log-decoder.ts';
import { LogBatcher } from './log-batcher.ts';

export const DEFAULT_TAIL = 200;
/** A container read again sooner than this after its log ended waits a little first. */
const REREAD_PAUSE_MS = 500;

export interface LogSink {
  chunk(lines: LogLine[]): void;
  end(error: ErrorBody | null): void;
}

export interface LogStreamsDeps {
  hosts: HostManager;
  state: ClusterState;
  events: EventLog;
  log: Logger;
  resolveService(ref: string): { stack: string; name: string };
  resolveReplica(ref: string): ObservedReplica;
}

type Scope = { kind: 'replica'; stack: string; service: string; id: string; name: string } | { kind: 'service'; stack: string; service: string };

export class LogStreams {
  /** Log streams open per host, across every client: the link's stream pool is shared. */
  private readonly openOnHost = new Map<string, number>();

  constructor(private readonly deps: LogStreamsDeps) {}

  /** Opens a logs stream; throws (NOT_FOUND, …) when the replica or service does not exist. Returns cancel. */
  open(params: z.output<typeof LogsParams>, sink: LogSink): () => void {
    let scope: Scope;
    let initial: ObservedReplica[];
    if (params.replica !== undefined) {
      const r = this.deps.resolveReplica(params.replica);
      scope = { kind: 'replica', stack: r.stack, service: r.service, id: r.id, name: r.name };
      initial = [r];
    } else {
      const s = this.deps.resolveService(params.service!);
      scope = { kind: 'service', stack: s.stack, service: s.name };
      initial = this.deps.state.replicasOf(s.stack, s.name);
    }
    const session = new LogSession(this, this.deps, scope, { tail: params.tail ?? DEFAULT_TAIL, follow: params.follow ?? true }, sink);
    session.start(initial);
    return () => session.close();
  }

  /** Takes one of a host's stream slots; false when the host's connection has none left. */
  reserve(host: string, capacity: number): boolean {
    const open = this.openOnHost.get(host) ?? 0;
    if (open >= capacity) return false;
    this.openOnHost.set(host, open + 1);
    return true;
  }

  release(host: string): void {
    const open = (this.openOnHost.get(host) ?? 1) - 1;
    if (open > 0) this.openOnHost.set(host, open);
    else this.openOnHost.delete(host);
  }

  openStreams(host: string): number {
    return this.openOnHost.get(host) ?? 0;
  }
}

class LogSession {
  private closed = false;
  /** Containers being read now, by id. */
  private readonly reading = new Map<string, AbortController>();
  /** Containers whose log ended and that are checked again (by id). */
  private readonly checking = new Set<string>();
  private readonly lastTime = new Map<string, string>();
  private readonly startedReadingAt = new Map<string, number>();
  private readonly hostListeners = new Map<string, { link: HostLink; listener: (state: string, reason: string | null) => void }>();
  private readonly batcher: LogBatcher;
  private readonly openedSince: string;
  private offEvents: (() => void) | null = null;
  private refreshQueued = false;

  constructor(
    private readonly pool: LogStreams,
    private readonly deps: LogStreamsDeps,
    private readonly scope: Scope,
    private readonly options: { tail: number; follow: boolean },
    private readonly sink: LogSink,
  ) {
    this.batcher = new LogBatcher((lines) => this.sink.chunk(lines), { sortByTime: scope.kind === 'service' });
    this.openedSince = dockerSince(new Date().toISOString())!;
  }

  private get what(): string {
    return this.scope.kind === 'replica' ? this.scope.name : `${this.scope.stack}/${this.scope.service}`;
  }

  start(initial: ObservedReplica[]): void {
    if (this.options.follow) {
      this.offEvents = this.deps.events.subscribe((event) => {
        if (this.concerns(event)) this.queueRefresh();
      });
    }
    for (const r of initial) this.read(r, { tail: this.options.tail, follow: this.options.follow, since: null });
    this.endIfDone();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.reading.values()) controller.abort();
    this.reading.clear();
    this.offEvents?.();
    for (const { link, listener } of this.hostListeners.values()) link.off('state', listener);
    this.hostListeners.clear();
    this.batcher.stop();
  }

  private finish(error: BatonError | null): void {
    if (this.closed) return;
    this.batcher.flush();
    this.close();
    this.sink.end(error ? error.toBody() : null);
  }

  private concerns(event: BatonEvent): boolean {
    if (!event.kind.startsWith('replica.') || event.stack !== this.scope.stack || event.service !== this.scope.service) return false;
    return this.scope.kind === 'service' || event.replica === this.scope.name || event.replica === this.scope.id.slice(0, 12);
  }

  private queueRefresh(): void {
    if (this.refreshQueued || this.closed) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      this.refresh();
    });
  }

  /** Following: start reading what runs now and is not read yet; a followed replica that is gone ends the stream. */
  private refresh(): void {
    if (this.closed) return;
    const scope = this.scope;
    const replicas = this.deps.state.replicasOf(scope.stack, scope.service).filter((r) => scope.kind === 'service' || r.id === scope.id);
    if (scope.kind === 'replica' && replicas.length === 0 && this.reading.size === 0 && this.checking.size === 0) return this.finish(null);
    for (const r of replicas) {
      if (r.state !== 'running' || this.reading.has(r.id) || this.checking.has(r.id)) continue;
      this.read(r, { tail: 'all', follow: true, since: this.sinceFor(r.id) });
    }
  }

  /** From where a container is read again: after its last line seen, or since this stream opened. */
  private sinceFor(id: string): string {
    const last = this.lastTime.get(id);
    return (last && dockerSince(last)) || this.openedSince;
  }

  private read(r: ObservedReplica, options: ContainerLogOptions): void {
    if (this.closed) return;
    let link: HostLink;
    try {
      link = this.deps.hosts.link(r.host);
    } catch {
      return this.finish(this.hostGone(r.host, 'it was removed from the cluster', false));
    }
    if (link.state !== 'ready') return this.finish(this.hostGone(r.host, link.reason ?? link.state, false));
    this.watchHost(link);
    const capacity = link.streamCapacity() - 1; // one stays for the host watch's event stream
    if (!this.pool.reserve(r.host, capacity)) {
      return this.finish(
        new BatonError('UNAVAILABLE', `Host ${r.host} already carries ${this.pool.openStreams(r.host)} log streams, the most its connection allows beside Baton's own: close another log view (or follow fewer replicas there) and try again.`, { host: r.host }),
      );
    }
    const controller = new AbortController();
    this.reading.set(r.id, controller);
    this.startedReadingAt.set(r.id, Date.now());
    let released = false;
    const done = () => {
      if (!released) this.pool.release(r.host);
      released = true;
      if (this.reading.get(r.id) === controller) this.reading.delete(r.id);
    };
    // what was seen before this read began: a read again after a restart starts at its stamp
    const seenUpTo = this.lastTime.get(r.id);
    readContainerLog(link, r.id, options, controller.signal, (lines) => this.take(r, lines, seenUpTo)).then(
      (outcome) => {
        done();
        if (!this.closed && !controller.signal.aborted) this.afterEnd(r, outcome);
      },
      (err: unknown) => {
        done();
        if (this.closed || controller.signal.aborted) return;
        if (link.state !== 'ready') return this.finish(this.hostGone(r.host, link.reason ?? link.state));
        this.deps.log.warn({ replica: r.name, host: r.host, err: (err as Error).message }, 'logs: a stream broke');
        this.finish(new BatonError('DOCKER_ERROR', `The log of ${r.name} from ${r.host} broke off: ${toErrorBody(err).message}. Open the logs again.`, { replica: r.name, host: r.host }));
      },
    );
  }

  /**
   * `seenUpTo`: the newest stamp seen before this read began. Only lines up to it are skipped (a
   * read again after a restart starts there), not lines older than the newest seen since: Docker
   * copies stdout and stderr separately, so a line may come after one of the other stream stamped
   * later than it.
   */
  private take(r: ObservedReplica, decoded: DecodedLine[], seenUpTo: string | undefined): void {
    if (this.closed) return;
    const lines: LogLine[] = [];
    for (const d of decoded) {
      if (seenUpTo !== undefined && d.time !== '' && d.time <= seenUpTo) continue; // read again after a restart: seen already
      lines.push({ replica: r.name, host: r.host, stream: d.stream, time: d.time, text: d.text });
    }
    let newest = this.lastTime.get(r.id);
    for (const l of lines) if (l.time !== '' && (newest === undefined || l.time > newest)) newest = l.time;
    if (newest !== undefined) this.lastTime.set(r.id, newest);
    this.batcher.add(lines);
  }

  private afterEnd(r: ObservedReplica, outcome: ContainerLogOutcome): void {
    if (!this.options.follow) return this.endIfDone();
    if (outcome === 'gone') {
      if (this.scope.kind === 'replica') this.finish(null);
      return;
    }
    // Following, Docker ends a log when its container stops: read it again once it runs again.
    this.checking.add(r.id);
    const pause = Math.max(0, (this.startedReadingAt.get(r.id) ?? 0) + REREAD_PAUSE_MS * 2 - Date.now());
    setTimeout(() => void this.checkAgain(r), Math.min(pause, REREAD_PAUSE_MS)).unref();
  }

  private async checkAgain(r: ObservedReplica): Promise<void> {
    if (this.closed) return;
    let running: boolean | null; // null: gone
    try {
      const info = (await this.deps.hosts.link(r.host).engine().inspectContainer(r.id)) as { State?: { Running?: boolean } } | null;
      running = info ? info.State?.Running === true : null;
    } catch (err) {
      this.checking.delete(r.id);
      return this.finish(this.hostGone(r.host, toErrorBody(err).message));
    }
    this.checking.delete(r.id);
    if (this.closed) return;
    if (running === null) {
      if (this.scope.kind === 'replica') this.finish(null);
      return;
    }
    if (running) return this.read(r, { tail: 'all', follow: true, since: this.sinceFor(r.id) });
    // Still stopped: the next replica.* event about it (restarted, removed) looks again. One that
    // came while this check ran was skipped, so look at the picture once more now.
    this.queueRefresh();
  }

  private endIfDone(): void {
    if (!this.options.follow && this.reading.size === 0) this.finish(null);
  }

  private watchHost(link: HostLink): void {
    if (this.hostListeners.has(link.name)) return;
    const listener = (state: string, reason: string | null) => {
      if (state !== 'ready') this.finish(this.hostGone(link.name, reason ?? state));
    };
    link.on('state', listener);
    this.hostListeners.set(link.name, { link, listener });
  }

  private hostGone(host: string, why: string, wasReading = true): BatonError {
    const what = wasReading ? `went away (${why}): the logs of ${this.what} stopped there` : `is not reachable (${why}): the logs of ${this.what} can't be read there`;
    return new BatonError('UNAVAILABLE', `Host ${host} ${what}. Open them again when the host is ready (baton host ls).`, { host });
  }
}
