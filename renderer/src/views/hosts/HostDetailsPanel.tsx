// A host's details from the hosts table: its state and availability (live from the host list,
// which follows the event stream), drain / activate / remove, its machine and its recent events
// (`host.inspect`, fetched again on each event about it).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Host } from '../../../../shared/api.ts';
import { useApi } from '../../state/app-state.tsx';
import { CloseButton } from '../../ui/CloseButton.tsx';
import { Icon } from '../../ui/icons.tsx';
import { formatEventTime } from '../events/format.ts';
import { InspectLoader } from '../topology/inspect.ts';
import { formatArch, formatBytes, hostAddress } from './format.ts';
import { HostActions } from './HostActions.tsx';
import { HostStateBadge } from './HostStateBadge.tsx';

export function HostDetailsPanel({ host, replicas, connected, onClose }: { host: Host; replicas: number; connected: boolean; onClose: () => void }) {
  const api = useApi();
  const loader = useMemo(() => new InspectLoader(api, { kind: 'host', name: host.name }), [api, host.name]);
  useEffect(() => loader.start(), [loader]);
  const state = useSyncExternalStore(loader.subscribe, loader.getSnapshot);
  const events = state.inspected?.kind === 'host' ? [...state.inspected.detail.events].sort((a, b) => b.id - a.id).slice(0, 12) : [];
  const inv = host.inventory;
  return (
    <aside data-testid="host-details" aria-label="Host details" className="flex w-[22rem] shrink-0 flex-col overflow-hidden border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
      <div className="flex h-10 shrink-0 items-center gap-2 border-b border-zinc-200 px-4 dark:border-zinc-800">
        <span className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Host</span>
        <CloseButton onClick={onClose} label="Close details" title="Close" className="ml-auto" />
      </div>
      <div className="flex min-h-0 flex-1 flex-col gap-5 overflow-y-auto px-4 pt-4 pb-8 text-[13px]">
        <div>
          <div className="flex items-center gap-2">
            <Icon name={host.kind === 'local' ? 'laptop' : 'server'} className="size-4 text-zinc-400" />
            <h2 className="min-w-0 truncate text-[15px] font-semibold tracking-tight">{host.name}</h2>
            <span className="ml-auto flex items-center gap-1.5">
              {host.availability === 'drain' && (
                <span data-testid="host-drained" className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-sky-600/20 ring-inset dark:bg-sky-500/10 dark:text-sky-300">
                  Drained
                </span>
              )}
              <HostStateBadge state={host.state} />
            </span>
          </div>
          <p className="mt-1 font-mono text-[12px] text-zinc-500 select-text dark:text-zinc-400">{hostAddress(host)}</p>
          {host.state !== 'ready' && host.stateReason !== null && <p className="mt-2 rounded-md bg-red-50 px-2.5 py-2 text-[12px] text-red-900 dark:bg-red-500/10 dark:text-red-200">{host.stateReason}</p>}
          <p className="mt-2 text-[12px] text-zinc-500">
            {host.availability === 'drain' ? 'It takes no new replicas; those it ran move elsewhere.' : 'It takes new replicas.'} {replicas} {replicas === 1 ? 'replica runs' : 'replicas run'} there.
          </p>
          <div className="mt-3">
            <HostActions key={host.name} host={host} replicas={replicas} connected={connected} />
          </div>
        </div>
        <section>
          <h3 className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Machine</h3>
          {inv === null ? (
            <p className="text-zinc-500">Not known yet: Baton reads it when the host first connects.</p>
          ) : (
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-[12px]">
              {(
                [
                  ['Hostname', inv.hostname],
                  ['System', inv.os],
                  ['Architecture', formatArch(inv.architecture)],
                  ['CPUs', String(inv.cpus)],
                  ['Memory', formatBytes(inv.memoryBytes)],
                  ['Docker', inv.dockerVersion],
                ] as const
              ).map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
                  <dd className="min-w-0 break-words select-text">{value}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
        <section>
          <h3 className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Recent events</h3>
          {events.length === 0 ? (
            <p className="text-[12px] text-zinc-500">Nothing yet.</p>
          ) : (
            <ol data-testid="host-events" className="flex flex-col gap-2">
              {events.map((e) => (
                <li key={e.id} className="text-[12px]">
                  <p className="text-zinc-800 dark:text-zinc-200">{e.message}</p>
                  <p className="text-[11px] text-zinc-500">
                    <time dateTime={e.time}>{formatEventTime(e.time)}</time> · <span className="font-mono">{e.kind}</span>
                  </p>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </aside>
  );
}
