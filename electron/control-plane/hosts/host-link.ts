// Keeps one host connected for as long as it is in the cluster: heartbeats the engine, notices a
// lost link (SSH keepalive, a closed connection, an engine that stops answering), reports each
// change of state as an event, and reconnects with backoff.
import { EventEmitter } from 'node:events';
import { BatonError } from '../../../shared/errors.ts';
import type { HostInventory, HostState } from '../../../shared/api.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Logger } from '../log.ts';
import { connectHost, type ConnectSpec, type Connected } from './connect-host.ts';
import { decideReconnectKey, type HostKeyVerdict, type KnownKey, type PresentedKey } from './host-key.ts';
import type { HostSession } from './host-session.ts';
import { Engine } from './engine.ts';

/** The states a link goes through (a host is 'draining' by a person's say, not by its link). */
type LinkState = Exclude<HostState, 'draining'>;

export interface HostLinkOptions {
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  backoffMs?: { first: number; max: number };
}

export interface HostLinkDeps {
  log: Logger;
  events: EventLog;
  /** Builds the connection spec at each attempt (reads the key file, opens the sealed passphrase). */
  spec: () => ConnectSpec;
  /** The only key accepted on reconnect is the one stored for the host; an SSH host without one is refused. */
  storedKey: KnownKey | null;
  /** Keys ~/.ssh/known_hosts marks @revoked for this host, read at each attempt: refused even if stored. */
  revokedKeys?: () => KnownKey[];
  onInventory: (inventory: HostInventory) => void;
}

export function nextBackoff(attempt: number, first: number, max: number, random = Math.random): number {
  const base = Math.min(max, first * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random())); // ±20% so hosts lost together don't retry in step
}

export class HostLink extends EventEmitter<{ state: [HostState, string | null]; session: [HostSession] }> {
  private currentState: HostState = 'connecting';
  private currentReason: string | null = null;
  private session: HostSession | null = null;
  private readonly engines = new WeakMap<HostSession, Engine>();
  private inventoryValue: HostInventory | null = null;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;
  private lastHeardMs = 0;
  private readonly backoff: { first: number; max: number };

  constructor(
    readonly name: string,
    private readonly deps: HostLinkDeps,
    options: HostLinkOptions = {},
  ) {
    super();
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
    this.backoff = options.backoffMs ?? { first: 500, max: 10_000 };
  }

  get state(): HostState {
    return this.currentState;
  }
  get reason(): string | null {
    return this.currentReason;
  }
  get inventory(): HostInventory | null {
    return this.inventoryValue;
  }

  /**
   * When the host last answered (its engine's ping, or the connection becoming ready), while it is
   * not ready; null when it is ready, or was never heard. A loss is noticed seconds after the
   * host fell silent (the ping's timeout, SSH keepalive): the grace period before its replicas
   * are replaced counts from the silence, not from the noticing.
   */
  get silentSinceMs(): number | null {
    return this.currentState === 'ready' || this.lastHeardMs === 0 ? null : this.lastHeardMs;
  }

  /** The host's engine facade for the current session; throws HOST_UNREACHABLE when not connected. */
  engine(): Engine {
    const session = this.readySession();
    let engine = this.engines.get(session);
    if (!engine) this.engines.set(session, (engine = new Engine(this.name, session)));
    return engine;
  }

  /** How many long streams the current connection can carry at once. */
  streamCapacity(): number {
    return this.readySession().streamCapacity;
  }

  private readySession(): HostSession {
    if (!this.session || this.session.isClosed) {
      throw new BatonError('HOST_UNREACHABLE', `Host ${this.name} is ${this.currentState}${this.currentReason ? `: ${this.currentReason}` : ''}.`, { host: this.name });
    }
    return this.session;
  }

  /** Takes over a connection made by `host add`, so the first contact is not made twice. */
  adopt(connected: Connected): void {
    this.becomeReady(connected);
  }

  start(): void {
    if (this.session || this.retryTimer) return;
    this.setState('connecting', null);
    void this.tryConnect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.session?.close();
    this.session = null;
  }

  private async tryConnect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    try {
      const connected = await connectHost(this.deps.spec(), (key) => this.checkKey(key));
      if (this.stopped) {
        connected.session.close();
        return;
      }
      this.becomeReady(connected);
    } catch (err) {
      if (this.stopped) return;
      const message = err instanceof Error ? err.message : String(err);
      this.setState('unreachable', message);
      this.scheduleRetry();
    }
  }

  private checkKey(key: PresentedKey): HostKeyVerdict {
    return decideReconnectKey({ host: this.name, presented: key, stored: this.deps.storedKey, revoked: this.deps.revokedKeys?.() ?? [] });
  }

  private scheduleRetry(): void {
    const delay = nextBackoff(this.attempt++, this.backoff.first, this.backoff.max);
    this.deps.log.debug({ host: this.name, delay }, 'host: retrying');
    this.retryTimer = setTimeout(() => void this.tryConnect(), delay);
  }

  private becomeReady(connected: Connected): void {
    this.session = connected.session;
    this.inventoryValue = connected.inventory;
    this.attempt = 0;
    this.deps.onInventory(connected.inventory);
    connected.session.once('lost', (reason) => this.lose(connected.session, reason));
    this.lastHeardMs = Date.now();
    this.startHeartbeat(connected.session);
    this.setState('ready', null);
    this.emit('session', connected.session);
  }

  private startHeartbeat(session: HostSession): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    let inFlight = false;
    this.heartbeatTimer = setInterval(() => {
      if (inFlight || session.isClosed) return;
      inFlight = true;
      session
        .request('/_ping', this.heartbeatTimeoutMs)
        .then((answer) => {
          if (answer.status !== 200) this.lose(session, `the Docker engine answered ${answer.status} to a ping`);
          else this.lastHeardMs = Date.now();
        })
        .catch((err: Error) => this.lose(session, `the Docker engine stopped answering: ${err.message}`))
        .finally(() => {
          inFlight = false;
        });
    }, this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private lose(session: HostSession, reason: string): void {
    if (this.session !== session || this.stopped) return;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.session = null;
    session.close();
    this.setState('unreachable', reason);
    this.scheduleRetry();
  }

  private setState(state: LinkState, reason: string | null): void {
    const changed = state !== this.currentState;
    this.currentState = state;
    this.currentReason = reason;
    if (!changed) return;
    this.deps.log.info({ host: this.name, state, reason }, 'host state');
    this.deps.events.append({
      kind: `host.${state}`,
      severity: state === 'unreachable' ? 'warning' : 'info',
      host: this.name,
      message: reason ? `${this.name} is ${state}: ${reason}` : `${this.name} is ${state}`,
      data: reason ? { reason } : null,
    });
    this.emit('state', state, reason);
  }
}
