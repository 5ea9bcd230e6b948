import { useEffect, useMemo, useState } from 'react';
import type { SystemInfo } from '../../../shared/api.ts';
import { useApi, useCluster, useConnection, useHosts } from '../state/app-state.tsx';
import { cx } from '../ui/cx.ts';
import { Icon } from '../ui/icons.tsx';
import { clusterAttention } from '../views/topology/model.ts';
import { VIEWS, type ViewId } from './views.tsx';

export function Sidebar({ current, onNavigate, onShowShortcuts }: { current: ViewId; onNavigate: (id: ViewId) => void; onShowShortcuts: () => void }) {
  const { hosts } = useHosts();
  const { cluster } = useCluster();
  const attention = useMemo(() => clusterAttention(cluster), [cluster]);
  const troubled = hosts.filter((host) => host.state === 'unreachable').length;
  const badges: Partial<Record<ViewId, { text: string; alert: boolean; title: string }>> = {
    topology:
      attention.unconverged > 0
        ? {
            text: String(attention.unconverged),
            alert: attention.troubled,
            title: `${attention.unconverged} ${attention.unconverged === 1 ? 'service has' : 'services have'} not reached what was asked yet`,
          }
        : undefined,
    hosts: hosts.length > 0 ? { text: String(hosts.length), alert: troubled > 0, title: troubled > 0 ? `${troubled} unreachable` : `${hosts.length} hosts` } : undefined,
  };

  return (
    <aside className="flex w-56 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/40">
      <div className="flex h-14 items-center gap-2.5 px-4">
        <img src="./favicon.svg" alt="" className="size-7 rounded-md" />
        <span className="text-[15px] font-semibold tracking-tight">Baton</span>
      </div>
      <nav className="flex flex-col gap-0.5 px-2 py-2" aria-label="Views">
        {VIEWS.map((view) => {
          const active = view.id === current;
          const badge = badges[view.id];
          return (
            <button
              key={view.id}
              type="button"
              onClick={() => onNavigate(view.id)}
              aria-current={active ? 'page' : undefined}
              className={cx(
                'flex h-8 items-center gap-2.5 rounded-md px-2.5 text-left text-[13px] font-medium transition-colors',
                active
                  ? 'bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-white dark:ring-zinc-700'
                  : 'text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100',
              )}
            >
              <Icon name={view.icon} className={cx('size-4', active ? 'text-indigo-600 dark:text-indigo-400' : '')} />
              <span className="flex-1">{view.title}</span>
              {badge !== undefined && (
                <span
                  title={badge.title}
                  className={cx(
                    'rounded-full px-1.5 text-[11px] tabular-nums',
                    badge.alert
                      ? 'bg-red-100 text-red-700 dark:bg-red-950 dark:text-red-300'
                      : 'bg-zinc-200/70 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
                  )}
                >
                  {badge.text}
                </span>
              )}
            </button>
          );
        })}
      </nav>
      <button
        type="button"
        onClick={onShowShortcuts}
        className="mx-2 mt-auto mb-2 flex items-center gap-2 rounded-md px-2.5 py-1.5 text-left text-[11px] text-zinc-500 hover:bg-zinc-200/60 hover:text-zinc-800 dark:text-zinc-500 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-200"
      >
        <kbd className="rounded border border-zinc-300 bg-white px-1 font-sans text-[10px] text-zinc-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400">?</kbd>
        Keyboard shortcuts
      </button>
      <ControlPlaneFooter />
    </aside>
  );
}

function ControlPlaneFooter() {
  const api = useApi();
  const connection = useConnection();
  const [info, setInfo] = useState<SystemInfo | null>(null);
  useEffect(() => {
    if (connection.status !== 'connected') return;
    let live = true;
    api.call('system.info', {}).then(
      (result) => live && setInfo(result),
      () => live && setInfo(null),
    );
    return () => {
      live = false;
    };
  }, [api, connection.status]);

  return (
    <div className="border-t border-zinc-200 px-4 py-3 text-[11px] leading-relaxed text-zinc-500 dark:border-zinc-800 dark:text-zinc-500">
      <p className="font-medium text-zinc-600 dark:text-zinc-400">Control plane</p>
      <p className="truncate" title={api.kind === 'ipc' ? 'Runs inside this app' : connection.endpoint}>
        {api.kind === 'ipc' ? 'In this app' : api.kind === 'ws' ? connection.endpoint : 'Not connected'}
      </p>
      {info !== null && <p className="tabular-nums">v{info.version}</p>}
    </div>
  );
}
