// The scale requests this screen sends, per service: what was asked and whether it is in flight,
// and the error of the last one that failed. Counts are never changed here ahead of the control
// plane: the screen shows "→ N" beside the real count until a snapshot confirms it. One request
// per service at a time; asking again while one is in flight sends only the latest count after it.
import type { BatonApi } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { asBatonError } from '../../state/baton-error.ts';
import type { ScaleRequest } from './model.ts';
import { serviceKey } from './model.ts';

export interface ServiceAction {
  request: ScaleRequest | null;
  error: { title: string; error: BatonError } | null;
}

export type ServiceActions = ReadonlyMap<string, ServiceAction>;

interface Options {
  /** How long an answered request waits for a snapshot that shows it before it is forgotten. */
  settleMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

const NO_ACTION: ServiceAction = { request: null, error: null };

export class ScaleActions {
  private actions: ServiceActions = new Map();
  private readonly listeners = new Set<() => void>();
  private readonly inFlight = new Set<string>();
  private readonly queued = new Map<string, { replicas: number; preferHost?: string }>();
  private readonly timers = new Map<string, unknown>();
  private readonly settleMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly api: Pick<BatonApi, 'call'>,
    options: Options = {},
  ) {
    this.settleMs = options.settleMs ?? 15_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  getSnapshot = (): ServiceActions => this.actions;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  get(service: string): ServiceAction {
    return this.actions.get(service) ?? NO_ACTION;
  }

  /** Asks for `replicas` replicas of `service` (and, from a drop on a host, that new ones go there). */
  scale(service: string, replicas: number, preferHost?: string): void {
    this.update(service, { request: { target: replicas, phase: 'sending' }, error: null });
    const ask = preferHost === undefined ? { replicas } : { replicas, preferHost };
    if (this.inFlight.has(service)) {
      this.queued.set(service, ask);
      return;
    }
    void this.send(service, ask);
  }

  private async send(service: string, ask: { replicas: number; preferHost?: string }): Promise<void> {
    this.inFlight.add(service);
    let next: typeof ask | undefined = ask;
    try {
      while (next !== undefined) {
        const current: typeof ask = next;
        this.queued.delete(service);
        try {
          const target = { service, replicas: current.replicas, ...(current.preferHost === undefined ? {} : { preferHost: current.preferHost }) };
          const statuses = await this.api.call('service.scale', { targets: [target] });
          const status = statuses.find((s) => serviceKey(s) === service);
          next = this.queued.get(service);
          if (next === undefined) this.answered(service, status?.desired ?? current.replicas);
        } catch (err) {
          this.queued.delete(service);
          next = undefined;
          this.update(service, { request: null, error: { title: `Could not scale ${service} to ${current.replicas}`, error: asBatonError(err) } });
        }
      }
    } finally {
      this.inFlight.delete(service);
    }
  }

  /** Removes one replica (its service's desired count drops by one). `expected` is the count shown meanwhile. */
  async removeReplica(service: string, replica: string, expected: number): Promise<boolean> {
    this.update(service, { request: { target: expected, phase: 'sending' }, error: null });
    try {
      const status = await this.api.call('replica.remove', { replica });
      this.answered(service, status.desired);
      return true;
    } catch (err) {
      this.update(service, { request: null, error: { title: `Could not remove ${replica}`, error: asBatonError(err) } });
      return false;
    }
  }

  /** A new snapshot: answered requests it shows (or whose service is gone) are done. */
  observe(desiredByService: ReadonlyMap<string, number>): void {
    for (const [service, action] of this.actions) {
      const request = action.request;
      if (request === null || request.phase !== 'sent') continue;
      const desired = desiredByService.get(service);
      if (desired === undefined || desired === request.target) this.settle(service);
    }
  }

  dismissError(service: string): void {
    const action = this.actions.get(service);
    if (action?.error) this.update(service, { ...action, error: null });
  }

  private answered(service: string, desired: number): void {
    this.update(service, { request: { target: desired, phase: 'sent' }, error: null });
    const old = this.timers.get(service);
    if (old !== undefined) this.clearTimer(old);
    this.timers.set(service, this.setTimer(() => this.settle(service), this.settleMs));
  }

  private settle(service: string): void {
    const timer = this.timers.get(service);
    if (timer !== undefined) this.clearTimer(timer);
    this.timers.delete(service);
    const action = this.actions.get(service);
    if (action?.request?.phase === 'sent') this.update(service, { ...action, request: null });
  }

  private update(service: string, action: ServiceAction): void {
    const next = new Map(this.actions);
    if (action.request === null && action.error === null) next.delete(service);
    else next.set(service, action);
    this.actions = next;
    for (const listener of [...this.listeners]) listener();
  }
}
