// `subscribe(listener, { after })` on top of a live-only stream: replay stored events with
// `events.list`, hold back live events that arrive meanwhile, then go live. Each listener sees
// every event once, in id order, even across a replay/live overlap or a reconnect.
import type { BatonEvent } from '../../../shared/api.ts';

export const REPLAY_PAGE_SIZE = 1000;

export type LiveStream = (listener: (event: BatonEvent) => void) => () => void;
export type ListAfter = (after: number, limit: number) => Promise<BatonEvent[]>;

export function subscribeWithReplay(
  live: LiveStream,
  list: ListAfter,
  listener: (event: BatonEvent) => void,
  after?: number,
): () => void {
  let last = after ?? Number.NEGATIVE_INFINITY;
  let replaying = after !== undefined;
  let closed = false;
  const held: BatonEvent[] = [];

  const deliver = (event: BatonEvent): void => {
    if (closed || event.id <= last) return;
    last = event.id;
    listener(event);
  };
  const stop = live((event) => {
    if (replaying) held.push(event);
    else deliver(event);
  });

  if (after !== undefined) {
    void (async () => {
      try {
        let cursor = after;
        for (;;) {
          const page = await list(cursor, REPLAY_PAGE_SIZE);
          for (const event of page) deliver(event);
          const lastOfPage = page.at(-1);
          if (closed || lastOfPage === undefined || page.length < REPLAY_PAGE_SIZE) break;
          cursor = lastOfPage.id;
        }
      } catch {
        // No history (e.g. not connected yet): the listener still gets live events.
      } finally {
        replaying = false;
        held.sort((a, b) => a.id - b.id);
        for (const event of held.splice(0)) deliver(event);
      }
    })();
  }

  return () => {
    closed = true;
    stop();
  };
}
