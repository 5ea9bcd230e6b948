// Baton's volumes, per host, with the services that mount each: live from the event stream
// (volume.* and service.* events fetch `volume.list` again).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { ListQuery } from '../../state/list-query.ts';
import { Spinner } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorNote, LoadFailed } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { volumesByHost } from './volumes-model.ts';

export function VolumesView() {
  const api = useApi();
  const connected = useConnection().status === 'connected';
  const query = useMemo(() => new ListQuery(api, 'volume.list', (e) => e.kind.startsWith('volume.') || e.kind.startsWith('service.') || e.kind === 'stack.removed' || e.kind === 'host.ready' || e.kind === 'host.removed'), [api]);
  useEffect(() => query.start(), [query]);
  const { items, status, error } = useSyncExternalStore(query.subscribe, query.getSnapshot);
  if (items === null) {
    if (!connected) return <WaitingForControlPlane what="Your volumes" />;
    if (status === 'error' && error !== null) return <LoadFailed error={error} title="Could not load the volumes" onRetry={() => void query.refresh()} className="mx-auto max-w-xl px-6 py-12" />;
    return (
      <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
        <Spinner /> Loading volumes…
      </div>
    );
  }
  const hosts = volumesByHost(items);
  if (hosts.length === 0) {
    return (
      <EmptyState icon={<Icon name="layers" className="size-6" />} title="No volumes">
        A stack's named volumes are made on the host of the replica that mounts them.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-5 px-6 py-5" data-testid="volumes-view">
      {error !== null && connected && <ErrorNote error={error} title="Could not refresh the volumes" />}
      {hosts.map((h) => (
        <section key={h.host} data-testid="volume-host" data-host={h.host}>
          <h2 className="mb-2 flex items-center gap-2 text-[13px] font-semibold">
            <Icon name="server" className="size-4 text-zinc-400" />
            {h.host}
            {!h.reachable && <span className="text-xs font-normal text-red-600 dark:text-red-400">not reachable: sizes unknown</span>}
          </h2>
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <table className="w-full text-[13px]">
              <thead className="border-b border-zinc-200 bg-zinc-50/80 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/50 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2">Volume</th>
                  <th className="px-4 py-2">Stack</th>
                  <th className="px-4 py-2">Driver</th>
                  <th className="px-4 py-2">Used by</th>
                  <th className="px-4 py-2 text-right">Size</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
                {h.volumes.map((v) => (
                  <tr key={v.name} data-testid="volume-row" data-volume={v.name}>
                    <td className="px-4 py-2.5 font-mono">{v.name}</td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{v.origin}</td>
                    <td className="px-4 py-2.5">{v.kind}</td>
                    <td className="px-4 py-2.5">{v.users}</td>
                    <td className="px-4 py-2.5 text-right tabular-nums">{v.size}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
