import { useMemo, useState } from 'react';
import type { BatonEvent } from '../../../../shared/api.ts';
import { useConnection, useEvents } from '../../state/app-state.tsx';
import { cx } from '../../ui/cx.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Icon, type IconName } from '../../ui/icons.tsx';
import { eventSubjects, formatEventTime, matchesFilter, type SeverityFilter } from './format.ts';

const SEVERITY: Record<BatonEvent['severity'], { icon: IconName; ring: string }> = {
  info: { icon: 'info', ring: 'bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400' },
  warning: { icon: 'alert', ring: 'bg-amber-100 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300' },
  error: { icon: 'errorCircle', ring: 'bg-red-100 text-red-600 dark:bg-red-500/15 dark:text-red-300' },
};

const FILTERS: Array<{ id: SeverityFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'warning', label: 'Warnings' },
  { id: 'error', label: 'Errors' },
];

export function EventsView() {
  const { events } = useEvents();
  const connection = useConnection();
  const [severity, setSeverity] = useState<SeverityFilter>('all');
  const [text, setText] = useState('');
  const shown = useMemo(() => events.filter((event) => matchesFilter(event, severity, text)), [events, severity, text]);

  return (
    <div className="px-6 py-5">
      <div className="mb-5 flex items-center gap-3">
        <div className="flex rounded-md border border-zinc-200 bg-zinc-50 p-0.5 dark:border-zinc-800 dark:bg-zinc-900">
          {FILTERS.map((filter) => (
            <button
              key={filter.id}
              type="button"
              onClick={() => setSeverity(filter.id)}
              className={cx(
                'rounded px-2.5 py-1 text-xs font-medium',
                severity === filter.id
                  ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-white'
                  : 'text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
              )}
            >
              {filter.label}
            </button>
          ))}
        </div>
        <label className="relative flex-1 sm:max-w-72">
          <span className="sr-only">Filter events</span>
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400" />
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Filter by host, kind or text"
            className="h-8 w-full rounded-md border border-zinc-200 bg-white pr-3 pl-8 text-[13px] placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none dark:border-zinc-800 dark:bg-zinc-900 dark:placeholder:text-zinc-500"
          />
        </label>
        <span className="ml-auto text-xs text-zinc-500 tabular-nums">
          {shown.length === events.length ? `${events.length} events` : `${shown.length} of ${events.length} events`}
        </span>
      </div>

      {events.length === 0 ? (
        <EmptyState icon={<Icon name="activity" className="size-6" />} title="No events yet" tone="muted" className="py-16">
          {connection.status === 'connected'
            ? 'Everything Baton decides or observes (hosts connecting, replicas starting, rollouts) shows up here as it happens.'
            : 'Events appear here once Baton is connected to its control plane.'}
        </EmptyState>
      ) : shown.length === 0 ? (
        <p className="py-12 text-center text-[13px] text-zinc-500">No event matches this filter.</p>
      ) : (
        <ol className="relative">
          {shown.map((event, index) => (
            <EventItem key={event.id} event={event} last={index === shown.length - 1} />
          ))}
        </ol>
      )}
    </div>
  );
}

function EventItem({ event, last }: { event: BatonEvent; last: boolean }) {
  const severity = SEVERITY[event.severity];
  return (
    <li className="relative flex gap-3 pb-4">
      {!last && <span className="absolute top-7 bottom-0 left-3.5 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />}
      <div className={cx('relative flex size-7 shrink-0 items-center justify-center rounded-full', severity.ring)}>
        <Icon name={severity.icon} className="size-3.5" />
      </div>
      <div className="min-w-0 flex-1 pt-0.5">
        <div className="flex items-baseline gap-2">
          <span className="font-mono text-xs font-medium text-zinc-700 dark:text-zinc-300">{event.kind}</span>
          <time className="ml-auto shrink-0 text-xs text-zinc-500 tabular-nums" dateTime={event.time} title={event.time}>
            {formatEventTime(event.time)}
          </time>
        </div>
        <p className="mt-0.5 text-[13px] text-zinc-800 dark:text-zinc-200">{event.message}</p>
        {eventSubjects(event).length > 0 && (
          <div className="mt-1.5 flex flex-wrap gap-1">
            {eventSubjects(event).map((subject) => (
              <span
                key={subject.kind}
                className="rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
              >
                <span className="text-zinc-400 dark:text-zinc-500">{subject.kind}</span> {subject.value}
              </span>
            ))}
          </div>
        )}
      </div>
    </li>
  );
}
