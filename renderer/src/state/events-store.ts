// The recent event stream, newest first, for the timeline: recent history, then live.
import type { BatonEvent } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';

export const TIMELINE_LIMIT = 500;

export interface EventsSnapshot {
  /** Newest first, at most TIMELINE_LIMIT. */
  events: readonly BatonEvent[];
}

export class EventsStore {
  private snapshot: EventsSnapshot = { events: [] };
  private readonly listeners = new Set<() => void>();
  private pending: BatonEvent[] = [];
  private scheduled = false;
  private newestId = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly api: Transport,
    // Events come in bursts (a replay, a rollout): render once per frame, not once per event.
    private readonly schedule: (flush: () => void) => void = (flush) => queueMicrotask(flush),
  ) {}

  start(): () => void {
    return this.api.subscribe((event) => this.add(event), { after: 0 });
  }

  getSnapshot = (): EventsSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private add(event: BatonEvent): void {
    if (event.id <= this.newestId) return; // a second subscription replaying what we have
    this.newestId = event.id;
    this.pending.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const incoming = this.pending.splice(0).reverse();
    this.snapshot = { events: [...incoming, ...this.snapshot.events].slice(0, TIMELINE_LIMIT) };
    for (const listener of [...this.listeners]) listener();
  }
}
