import { useMemo, useState } from 'react';
import type { BatonEvent } from '../../../../shared/api.ts';
import { useConnection, useEvents } from '../../state/app-state.tsx';
import { cx } from '../../ui/cx.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Icon } from '../../ui/icons.tsx';
import { eventSubjects, filterChoices, foldRuns, formatEventTime, matchesFilter, NO_FILTER, type EventFilter, type EventRow, type SeverityFilter } from './format.ts';

const DOT: Record<BatonEvent['severity'], string> = {
  info: 'bg-zinc-300 dark:bg-zinc-600',
  warning: 'bg-amber-500',
  error: 'bg-red-500',
};

const SEVERITIES: Array<{ id: SeverityFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'warning', label: 'Warnings' },
  { id: 'error', label: 'Errors' },
];

const selectClass =
  'h-7 rounded-md border border-zinc-200 bg-white px-1.5 text-xs text-zinc-700 focus:border-indigo-500 focus:outline-none dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300';

export function EventsView() {
  const { events } = useEvents();
  const connection = useConnection();
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER);
  const [open, setOpen] = useState<number | null>(null);
  const choices = useMemo(() => filterChoices(events), [events]);
  const shown = useMemo(() => events.filter((event) => matchesFilter(event, filter)), [events, filter]);
  const rows = useMemo(() => foldRuns(shown), [shown]);
  const set = (patch: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const pick = (label: string, value: string | null, options: string[], key: 'group' | 'host' | 'service') => (
    <label className="flex items-center gap-1 text-xs text-zinc-500">
      {label}
      <select aria-label={`Filter by ${label.toLowerCase()}`} value={value ?? ''} onChange={(e) => set({ [key]: e.target.value === '' ? null : e.target.value })} className={selectClass}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="px-6 py-4">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <div className="flex rounded-md border border-zinc-200 bg-zinc-50 p-0.5 dark:border-zinc-800 dark:bg-zinc-900">
          {SEVERITIES.map((s) => (
            <button
              key={s.id}
              type="button"
              onClick={() => set({ severity: s.id })}
              className={cx(
                'rounded px-2.5 py-0.5 text-xs font-medium',
                filter.severity === s.id ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-white' : 'text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
              )}
            >
              {s.label}
            </button>
          ))}
        </div>
        {pick('Kind', filter.group, choices.groups, 'group')}
        {pick('Host', filter.host, choices.hosts, 'host')}
        {pick('Service', filter.service, choices.services, 'service')}
        <label className="relative min-w-40 flex-1 sm:max-w-64">
          <span className="sr-only">Filter events</span>
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-zinc-400" />
          <input
            value={filter.text}
            onChange={(e) => set({ text: e.target.value })}
            placeholder="Filter by host, kind or text"
            className="h-7 w-full rounded-md border border-zinc-200 bg-white pr-2 pl-7 text-xs placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none dark:border-zinc-800 dark:bg-zinc-900 dark:placeholder:text-zinc-500"
          />
        </label>
        <span className="ml-auto text-xs text-zinc-500 tabular-nums" data-testid="events-count">
          {shown.length === events.length ? `${events.length} events` : `${shown.length} of ${events.length} events`}
        </span>
      </div>

      {events.length === 0 ? (
        <EmptyState icon={<Icon name="activity" className="size-6" />} title="No events yet" tone="muted" className="py-16">
          {connection.status === 'connected'
            ? 'Everything Baton decides or observes (hosts connecting, replicas starting, rollouts) shows up here as it happens.'
            : 'Events appear here once Baton is connected to its control plane.'}
        </EmptyState>
      ) : rows.length === 0 ? (
        <p className="py-12 text-center text-[13px] text-zinc-500">No event matches this filter.</p>
      ) : (
        <ol className="divide-y divide-zinc-100 font-[450] dark:divide-zinc-800/60">
          {rows.map((row) => (
            <EventLine key={row.event.id} row={row} open={open === row.event.id} onToggle={() => setOpen((o) => (o === row.event.id ? null : row.event.id))} />
          ))}
        </ol>
      )}
    </div>
  );
}

/** One line an event (or a run of alike ones): time, severity, kind, what it is about, the message; a click opens the run. */
function EventLine({ row, open, onToggle }: { row: EventRow; open: boolean; onToggle: () => void }) {
  const { event, run } = row;
  const subjects = eventSubjects(event).filter((s) => s.kind !== 'stack');
  return (
    <li data-testid="event-row" data-kind={event.kind} data-host={event.host ?? ''}>
      <button type="button" onClick={onToggle} aria-expanded={open} className="grid w-full grid-cols-[4.5rem_0.5rem_11rem_minmax(0,1fr)] items-center gap-x-2 py-px text-left text-[11.5px] leading-[18px] hover:bg-zinc-50 dark:hover:bg-zinc-900">
        <time className="text-zinc-500 tabular-nums" dateTime={event.time} title={event.time}>
          {formatEventTime(event.time)}
        </time>
        <span className={cx('size-1.5 rounded-full', DOT[event.severity])} aria-label={event.severity} />
        <span className="truncate font-mono text-zinc-700 dark:text-zinc-300">
          {event.kind}
          {run.length > 1 && <span className="ml-1 rounded bg-zinc-100 px-1 text-[10.5px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">×{run.length}</span>}
        </span>
        <span className="truncate text-zinc-800 dark:text-zinc-200" title={event.message}>
          {subjects.map((s) => (
            <span key={s.kind} className="mr-1.5 text-zinc-500">
              {s.value}
            </span>
          ))}
          {event.message}
        </span>
      </button>
      {open && (
        <ol className="mb-1 ml-[5.5rem] border-l border-zinc-200 pl-3 text-[11.5px] leading-[18px] dark:border-zinc-800">
          {run.map((e) => (
            <li key={e.id} className="text-zinc-700 dark:text-zinc-300">
              <span className="mr-2 text-zinc-500 tabular-nums">{formatEventTime(e.time)}</span>
              {e.message}
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}
