// Logs of a service (all its replicas, interleaved) or of one replica, live. Lines come in
// batches, the newest 5,000 are kept, and Follow keeps the newest in view until the person
// scrolls up to read.
import { useEffect, useMemo, useState } from 'react';
import { useCluster, useConnection } from '../../state/app-state.tsx';
import { Button, Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorHint } from '../../ui/ErrorNote.tsx';
import { INPUT_CLASS } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { LogList } from './LogList.tsx';
import {
  describeTarget,
  hashOfTarget,
  resolveTarget,
  sameTarget,
  targetFromHash,
  targetFromKey,
  targetGroups,
  targetKey,
  type LogTarget,
} from './log-target.ts';
import { useLogStream } from './use-log-stream.ts';

/** The last target shown, so coming back to Logs shows it again (this window's memory only). */
let lastTarget: LogTarget | null = null;

function useHashTarget(): [LogTarget | null, (target: LogTarget | null) => void] {
  const [target, setTarget] = useState<LogTarget | null>(() => targetFromHash(window.location.hash) ?? lastTarget);
  useEffect(() => {
    const onHash = (): void => {
      const next = targetFromHash(window.location.hash);
      if (next !== null) setTarget((current) => (sameTarget(current, next) ? current : next));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    lastTarget = target;
    // the address says what is shown, so it can be shared or reloaded; no new history entry
    if (target !== null && window.location.hash !== hashOfTarget(target)) window.history.replaceState(null, '', hashOfTarget(target));
  }, [target]);
  return [target, setTarget];
}

export function LogsView() {
  const { cluster, status: clusterStatus } = useCluster();
  const connected = useConnection().status === 'connected';
  const [asked, setTarget] = useHashTarget();
  const target = useMemo(() => (asked === null ? null : resolveTarget(asked, cluster)), [asked, cluster]);
  const stream = useLogStream(target);
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => targetGroups(cluster), [cluster]);
  const key = targetKey(target);
  const known = groups.some((g) => g.options.some((o) => o.key === key));
  useEffect(() => setFollow(true), [key]); // a new target starts at its newest line
  const all = stream.buffer.lines();
  const needle = filter.trim().toLowerCase();
  const shown = useMemo(
    () => (needle === '' ? all : all.filter((l) => l.text.toLowerCase().includes(needle) || l.replica.toLowerCase().includes(needle))),
    [all, needle],
  );

  if (target === null && cluster.services.length === 0) {
    return (
      <EmptyState
        icon={<Icon name="terminal" className="size-6" />}
        title="No logs to show yet"
        className="py-20"
        actions={
          connected && clusterStatus !== 'loading' ? (
            <a
              href="#/stacks"
              className="inline-flex h-8 items-center gap-1.5 rounded-md bg-indigo-600 px-3 text-[13px] font-medium text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
            >
              <Icon name="layers" className="size-4" />
              Deploy a stack
            </a>
          ) : undefined
        }
      >
        {!connected
          ? 'Logs appear here once Baton is connected to its control plane.'
          : clusterStatus === 'loading'
            ? 'Loading the services…'
            : 'Every service and replica writes its output here, live. Nothing runs yet: deploy a stack first, then pick one of its services.'}
      </EmptyState>
    );
  }

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
        <div className="flex items-center gap-2 text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
          <span aria-hidden="true" className="whitespace-nowrap">
            Logs of
          </span>
          <select
            aria-label="Logs of"
            value={key}
            disabled={!connected}
            onChange={(e) => setTarget(targetFromKey(e.target.value))}
            className={cx(INPUT_CLASS, 'w-72 font-mono text-[12.5px]')}
          >
            {target === null && <option value="">Pick a service or replica…</option>}
            {target !== null && !known && <option value={key}>{describeTarget(target)}</option>}
            {groups.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.options.map((option) => (
                  <option key={option.key} value={option.key}>
                    {option.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <button
          type="button"
          aria-pressed={follow}
          onClick={() => setFollow(!follow)}
          title="Keep the newest line in view"
          className={cx(
            'inline-flex h-8 items-center gap-1.5 rounded-md border px-3 text-[13px] font-medium transition-colors',
            follow
              ? 'border-indigo-500 bg-indigo-50 text-indigo-700 dark:border-indigo-400/60 dark:bg-indigo-500/15 dark:text-indigo-300'
              : 'border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800',
          )}
        >
          <Icon name="arrowDown" className="size-4" />
          Follow
        </button>
        <label className="relative w-56">
          <span className="sr-only">Filter log lines</span>
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400" />
          <input
            type="search"
            data-view-filter
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter lines"
            className={cx(INPUT_CLASS, 'pl-8')}
          />
        </label>
        <Button variant="ghost" onClick={stream.clear} disabled={stream.buffer.size === 0} title="Clear the lines shown (the stream goes on)">
          <Icon name="eraser" className="size-4" />
          Clear
        </Button>
        {target !== null && <StreamBadge status={stream.status} lines={stream.buffer.size} />}
      </div>

      {(stream.status === 'failed' || stream.status === 'ended') && (
        <div
          role="alert"
          className={cx(
            'flex items-center gap-3 border-b px-6 py-2.5 text-[13px]',
            stream.status === 'failed'
              ? 'border-red-200 bg-red-50 text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200'
              : 'border-zinc-200 bg-zinc-50 text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-300',
          )}
        >
          <Icon name={stream.status === 'failed' ? 'errorCircle' : 'info'} className="size-4 shrink-0" />
          <div className="min-w-0 flex-1">
            <p>
              {stream.status === 'failed'
                ? `The log stream stopped: ${stream.error?.message ?? 'no reason given.'}`
                : 'The log stream ended: the control plane has no more lines to send (the replica may have stopped).'}
            </p>
            {stream.status === 'failed' && <ErrorHint error={stream.error} className="mt-1" />}
          </div>
          <Button icon="refresh" onClick={stream.resume} disabled={!connected}>
            Resume
          </Button>
        </div>
      )}

      {target === null ? (
        <PickTarget groups={groups} onPick={(k) => setTarget(targetFromKey(k))} />
      ) : (
        <>
          {shown.length === 0 && (
            <div className="flex items-center gap-2 px-6 py-4 text-[13px] text-zinc-500">
              {stream.buffer.size > 0 ? (
                `No line matches “${filter.trim()}”.`
              ) : stream.status === 'streaming' ? (
                <>
                  <Spinner /> Waiting for {describeTarget(target)} to write something…
                </>
              ) : stream.status === 'waiting' ? (
                'Waiting for the control plane…'
              ) : (
                'No lines.'
              )}
            </div>
          )}
          <LogList
            lines={shown}
            showReplica={target.kind === 'service'}
            follow={follow}
            onScrolledUp={() => setFollow(false)}
            label={`Output of ${describeTarget(target)}`}
          />
        </>
      )}
    </div>
  );
}

function StreamBadge({ status, lines }: { status: string; lines: number }) {
  const live = status === 'streaming';
  return (
    <span className="ml-auto flex items-center gap-2 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
      <span className={cx('size-1.5 rounded-full', live ? 'animate-pulse bg-emerald-500' : status === 'failed' ? 'bg-red-500' : 'bg-zinc-400')} />
      {live ? 'Live' : status === 'failed' ? 'Stopped' : status === 'ended' ? 'Ended' : status === 'waiting' ? 'Waiting' : 'Idle'}
      <span className="text-zinc-400 dark:text-zinc-500">·</span>
      {lines.toLocaleString()} {lines === 1 ? 'line' : 'lines'}
    </span>
  );
}

function PickTarget({ groups, onPick }: { groups: ReturnType<typeof targetGroups>; onPick: (key: string) => void }) {
  const services = groups.find((g) => g.label === 'Services')?.options ?? [];
  return (
    <EmptyState icon={<Icon name="terminal" className="size-6" />} title="Whose logs?">
      <p>Pick a service to see all its replicas interleaved, or one replica, in “Logs of” above.</p>
      <div className="mt-4 flex flex-wrap justify-center gap-1.5">
        {services.slice(0, 12).map((option) => (
          <button
            key={option.key}
            type="button"
            onClick={() => onPick(option.key)}
            className="rounded-md border border-zinc-200 bg-white px-2 py-1 font-mono text-xs text-zinc-700 hover:border-indigo-300 hover:bg-indigo-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:border-indigo-500/50 dark:hover:bg-indigo-500/10"
          >
            {option.label}
          </button>
        ))}
      </div>
    </EmptyState>
  );
}
