import { useState } from 'react';
import { useCluster, useConnection, useHosts } from '../../state/app-state.tsx';
import { Button, Spinner } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorNote, LoadFailed } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { CliInstructions, LocalEngineCard, useLocalEngineOffer } from './AddHostPanel.tsx';
import { AddHostWizard } from './AddHostWizard.tsx';
import { summarizeHosts } from './format.ts';
import { HostsTable } from './HostsTable.tsx';
import { HostDetailsPanel } from './HostDetailsPanel.tsx';

export function HostsView() {
  const [adding, setAdding] = useState(false);
  return (
    <>
      <HostsContent onAdd={() => setAdding(true)} />
      {adding && <AddHostWizard onClose={() => setAdding(false)} />}
    </>
  );
}

function HostsContent({ onAdd }: { onAdd: () => void }) {
  const { hosts, status, error, refresh } = useHosts();
  const [selected, setSelected] = useState<string | null>(null);
  const { cluster } = useCluster();
  const connection = useConnection();
  const offer = useLocalEngineOffer();
  const connected = connection.status === 'connected';

  if (hosts.length === 0) {
    if (!connected) return <WaitingForControlPlane what="Your hosts" />;
    if (status === 'loading') return <Loading />;
    if (status === 'error' && error !== null) {
      return (
        <LoadFailed error={error} title="Could not load the hosts" onRetry={() => void refresh()} className="mx-auto max-w-xl px-6 py-12" />
      );
    }
    return (
      <EmptyState
        icon={<Icon name="server" className="size-6" />}
        title="Add your first host"
        wide
        more={
        <div className="flex flex-col gap-5">
          {offer !== null && !offer.alreadyAdded && <LocalEngineCard offer={offer} />}
          <div className="flex flex-col items-center gap-2">
            <Button variant="primary" icon="plus" data-testid="add-host" onClick={onAdd}>
              Add a host over SSH
            </Button>
            <p className="text-xs text-zinc-500 dark:text-zinc-500">An address, an alias from ~/.ssh/config, or a Docker socket.</p>
          </div>
          <div className="mt-2 border-t border-zinc-200 pt-5 dark:border-zinc-800">
            <CliInstructions />
          </div>
        </div>
        }
      >
        Baton runs your services on Linux hosts you reach over SSH, using the Docker engine they already have. Start with this
        machine, a server, or both.
      </EmptyState>
    );
  }

  const summary = summarizeHosts(hosts);
  const selectedHost = hosts.find((h) => h.name === selected) ?? null;
  return (
    <div className="flex h-full min-h-0">
    <div className="min-w-0 flex-1 overflow-y-auto px-6 py-5">
      <div className="mb-4 flex items-center justify-between gap-4">
        <div className="flex items-center gap-4 text-[13px] text-zinc-600 dark:text-zinc-400">
          <Stat value={summary.total} label={summary.total === 1 ? 'host' : 'hosts'} />
          <Stat value={summary.ready} label="ready" dot="bg-emerald-500" />
          {summary.unreachable > 0 && <Stat value={summary.unreachable} label="unreachable" dot="bg-red-500" />}
          {summary.other > 0 && <Stat value={summary.other} label="other" dot="bg-amber-500" />}
        </div>
        <Button variant="primary" icon="plus" data-testid="add-host" disabled={!connected} onClick={onAdd}>
          Add host
        </Button>
      </div>
      {error !== null && connected && <ErrorNote error={error} title="Could not refresh the hosts" className="mb-4" />}
      <HostsTable hosts={hosts} usage={cluster.usage} selected={selectedHost?.name ?? null} onSelect={(name) => setSelected((s) => (s === name ? null : name))} />
    </div>
    {selectedHost !== null && (
      <HostDetailsPanel host={selectedHost} replicas={cluster.usage.find((u) => u.host === selectedHost.name)?.replicas ?? 0} connected={connected} onClose={() => setSelected(null)} />
    )}
    </div>
  );
}

function Stat({ value, label, dot }: { value: number; label: string; dot?: string }) {
  return (
    <span className="flex items-center gap-1.5">
      {dot !== undefined && <span className={`size-1.5 rounded-full ${dot}`} />}
      <span className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100">{value}</span>
      {label}
    </span>
  );
}

function Loading() {
  return (
    <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
      <Spinner /> Loading hosts…
    </div>
  );
}

