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

export function matchesFilter(event: BatonEvent, severity: SeverityFilter, text: string): boolean {
  if (severity === 'error' && event.severity !== 'error') return false;
  if (severity === 'warning' && event.severity === 'info') return false;
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  return [event.kind, event.message, ...eventSubjects(event).map((s) => s.value)].some((field) =>
    field.toLowerCase().includes(needle),
  );
}
