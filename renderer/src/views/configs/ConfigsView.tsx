// Stacks' configs: who mounts each, and its content (configs are no secrets). Live from the event
// stream: `config.list` again on service.* and stack.removed events.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { ListQuery } from '../../state/list-query.ts';
import { Spinner } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorNote, LoadFailed } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { configRows } from './configs-model.ts';

export function ConfigsView() {
  const api = useApi();
  const connected = useConnection().status === 'connected';
  const query = useMemo(() => new ListQuery(api, 'config.list', (e) => e.kind.startsWith('service.') || e.kind === 'stack.removed'), [api]);
  useEffect(() => query.start(), [query]);
  const { items, status, error } = useSyncExternalStore(query.subscribe, query.getSnapshot);
  if (items === null) {
    if (!connected) return <WaitingForControlPlane what="Your configs" />;
    if (status === 'error' && error !== null) return <LoadFailed error={error} title="Could not load the configs" onRetry={() => void query.refresh()} className="mx-auto max-w-xl px-6 py-12" />;
    return (
      <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
        <Spinner /> Loading configs…
      </div>
    );
  }
  const rows = configRows(items);
  if (rows.length === 0) {
    return (
      <EmptyState icon={<Icon name="file" className="size-6" />} title="No configs">
        A stack's top-level <span className="font-mono">configs:</span> (a file, an environment variable or inline content) show here once it is applied.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-4 px-6 py-5" data-testid="configs-view">
      {error !== null && connected && <ErrorNote error={error} title="Could not refresh the configs" />}
      {rows.map((c) => (
        <section key={c.key} data-testid="config" data-config={c.key} className="rounded-lg border border-zinc-200 dark:border-zinc-800">
          <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 border-b border-zinc-200 px-4 py-2.5 text-[13px] dark:border-zinc-800">
            <span className="font-mono font-medium">{c.name}</span>
            <span className="text-zinc-500">stack {c.stack}</span>
            <span>used by {c.users}</span>
            <span className="ml-auto text-zinc-500 tabular-nums">
              {c.version} · {c.size}
            </span>
          </div>
          {c.content !== null ? (
            <pre className="max-h-64 overflow-auto px-4 py-3 font-mono text-[12px] whitespace-pre-wrap text-zinc-800 select-text dark:text-zinc-200">{c.content}</pre>
          ) : (
            <p className="px-4 py-3 text-[12px] text-zinc-500">{c.why}</p>
          )}
        </section>
      ))}
    </div>
  );
}
