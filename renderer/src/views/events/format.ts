import type { BatonEvent } from '../../../../shared/api.ts';

/** "14:03:27" today, "Mar 4, 14:03" on another day. */
export function formatEventTime(iso: string, now: Date = new Date()): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const sameDay = time.toDateString() === now.toDateString();
  return sameDay
    ? time.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
    : time.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** What an event is about: host, stack, service, replica, the ones it names. */
export function eventSubjects(event: BatonEvent): Array<{ kind: string; value: string }> {
  const subjects: Array<{ kind: string; value: string }> = [];
  if (event.host !== null) subjects.push({ kind: 'host', value: event.host });
  if (event.stack !== null) subjects.push({ kind: 'stack', value: event.stack });
  if (event.service !== null) subjects.push({ kind: 'service', value: event.service });
  if (event.replica !== null) subjects.push({ kind: 'replica', value: event.replica });
  return subjects;
}

export type SeverityFilter = 'all' | 'warning' | 'error';

/** What the timeline shows: a severity, a kind's group ("rollout" for rollout.*), a host, a service, and free text. */
export interface EventFilter {
  severity: SeverityFilter;
  group: string | null;
  host: string | null;
  /** "stack/service". */
  service: string | null;
  text: string;
}

export const NO_FILTER: EventFilter = { severity: 'all', group: null, host: null, service: null, text: '' };

/** "rollout" for "rollout.started": the part before the first dot. */
export function kindGroup(kind: string): string {
  const dot = kind.indexOf('.');
  return dot === -1 ? kind : kind.slice(0, dot);
}

const serviceOf = (event: BatonEvent): string | null => (event.service === null ? null : event.stack === null ? event.service : `${event.stack}/${event.service}`);

export function matchesFilter(event: BatonEvent, filter: EventFilter): boolean {
  if (filter.severity === 'error' && event.severity !== 'error') return false;
  if (filter.severity === 'warning' && event.severity === 'info') return false;
  if (filter.group !== null && kindGroup(event.kind) !== filter.group) return false;
  if (filter.host !== null && event.host !== filter.host) return false;
  if (filter.service !== null && serviceOf(event) !== filter.service) return false;
  const needle = filter.text.trim().toLowerCase();
  if (needle === '') return true;
  return [event.kind, event.message, ...eventSubjects(event).map((s) => s.value)].some((field) => field.toLowerCase().includes(needle));
}

/** The groups, hosts and services the events name, sorted: the filters' choices. */
export function filterChoices(events: readonly BatonEvent[]): { groups: string[]; hosts: string[]; services: string[] } {
  const groups = new Set<string>();
  const hosts = new Set<string>();
  const services = new Set<string>();
  for (const e of events) {
    groups.add(kindGroup(e.kind));
    if (e.host !== null) hosts.add(e.host);
    const s = serviceOf(e);
    if (s !== null) services.add(s);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { groups: sorted(groups), hosts: sorted(hosts), services: sorted(services) };
}

/** A row of the timeline: an event, and how many like it came right before it (same kind, host and service). */
export interface EventRow {
  event: BatonEvent;
  /** The events it stands for, newest first (the row's own first). */
  run: BatonEvent[];
}

/**
 * Runs of alike events (newest first, as the timeline holds them) folded into one row each: six
 * replicas started by one scale are one line "×6", so a hundred events fit on a screen. Events
 * are alike when kind, host, stack, service and severity agree; the message may differ.
 */
export function foldRuns(events: readonly BatonEvent[]): EventRow[] {
  const rows: EventRow[] = [];
  for (const e of events) {
    const last = rows.at(-1);
    const head = last?.event;
    if (head && head.kind === e.kind && head.host === e.host && head.stack === e.stack && head.service === e.service && head.severity === e.severity) last!.run.push(e);
    else rows.push({ event: e, run: [e] });
  }
  return rows;
}
