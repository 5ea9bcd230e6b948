// The lines a logs view holds: queued as chunks arrive, taken in as a batch (a few times a second,
// however chatty the service), capped to the newest `cap`. Lines a resumed stream sends again are
// dropped.
import type { LogLine } from '../../../../shared/api.ts';

export interface ShownLine extends LogLine {
  /** Unique within the buffer and increasing, one per line: a stable key. */
  seq: number;
}

export const DEFAULT_CAP = 5000;

/** Docker stamps RFC 3339 with up to 9 fractional digits, trailing zeros dropped: pad to compare as text. */
export function timeKey(iso: string): string {
  const match = /^(.*?\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(iso);
  if (match === null) return iso;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0').slice(0, 9)}${match[3]}`;
}

export class LogBuffer {
  private shown: readonly ShownLine[] = [];
  private pending: LogLine[] = [];
  private nextSeq = 1;
  /** Per replica: the newest time seen and the texts seen at exactly that time. */
  private readonly newest = new Map<string, { key: string; texts: Set<string> }>();

  constructor(readonly cap = DEFAULT_CAP) {}

  /** Queues lines (cheap: called per chunk); `flush` takes them in. Keeps at most `cap` queued. */
  push(lines: readonly LogLine[]): void {
    for (const line of lines) this.pending.push(line);
    if (this.pending.length > this.cap) this.pending.splice(0, this.pending.length - this.cap);
  }

  /** Takes the queued lines in; false when nothing changed. */
  flush(): boolean {
    if (this.pending.length === 0) return false;
    const incoming = this.pending;
    this.pending = [];
    const fresh: ShownLine[] = [];
    for (const line of incoming) {
      if (!this.seenBefore(line)) fresh.push({ ...line, seq: this.nextSeq++ });
    }
    if (fresh.length === 0) return false;
    const all = this.shown.length + fresh.length;
    // a new array each time it changes, so a view can tell by identity
    this.shown = all <= this.cap ? [...this.shown, ...fresh] : [...this.shown.slice(all - this.cap), ...fresh.slice(Math.max(0, fresh.length - this.cap))];
    return true;
  }

  /** The lines, oldest first. The same array until the next change. */
  lines(): readonly ShownLine[] {
    return this.shown;
  }

  get size(): number {
    return this.shown.length;
  }

  get queued(): number {
    return this.pending.length;
  }

  clear(): void {
    this.shown = [];
    this.pending = [];
    this.newest.clear();
  }

  private seenBefore(line: LogLine): boolean {
    const key = timeKey(line.time);
    const last = this.newest.get(line.replica);
    if (last === undefined || key > last.key) {
      this.newest.set(line.replica, { key, texts: new Set([line.text]) });
      return false;
    }
    if (key < last.key) return true;
    if (last.texts.has(line.text)) return true;
    last.texts.add(line.text);
    return false;
  }
}

/** How many of `before`'s lines are gone from the front of `after` (trimmed by the cap). */
export function trimmedFromFront(before: readonly ShownLine[], after: readonly ShownLine[]): number {
  const first = after[0];
  if (first === undefined) return before.length;
  let low = 0;
  let high = before.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before[mid]!.seq < first.seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
