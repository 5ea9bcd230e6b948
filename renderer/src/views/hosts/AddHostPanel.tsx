// The short ways to a first host: this machine's engine in one click when there is one, and the
// CLI command for those who live in a terminal. The full flow is AddHostWizard.
import { useEffect, useState } from 'react';
import type { LocalEngineOffer } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { useApi, useConnection, useHosts } from '../../state/app-state.tsx';
import { Button } from '../../ui/Button.tsx';
import { CopyCommand } from '../../ui/CopyCommand.tsx';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';

export const ADD_HOST_COMMAND = 'npx baton host add root@ADDRESS';

export function useLocalEngineOffer(): LocalEngineOffer | null {
  const api = useApi();
  const { status } = useConnection();
  const { hosts } = useHosts();
  const [offer, setOffer] = useState<LocalEngineOffer | null>(null);
  const localCount = hosts.filter((host) => host.kind === 'local').length;
  useEffect(() => {
    if (status !== 'connected') return;
    let live = true;
    api.call('host.localEngine', {}).then(
      (result) => live && setOffer(result),
      () => live && setOffer(null), // only an offer: its absence needs no error
    );
    return () => {
      live = false;
    };
  }, [api, status, localCount]);
  return offer;
}

export function LocalEngineCard({ offer }: { offer: LocalEngineOffer }) {
  const api = useApi();
  const { refresh } = useHosts();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BatonError | null>(null);

  const add = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.call('host.add', { target: `unix://${offer.socketPath}` });
      await refresh();
    } catch (err) {
      setError(asBatonError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="rounded-lg border border-indigo-200 bg-indigo-50/60 p-4 text-left dark:border-indigo-500/30 dark:bg-indigo-500/10">
      <div className="flex items-start gap-3">
        <div className="flex size-9 shrink-0 items-center justify-center rounded-md bg-indigo-600 text-white dark:bg-indigo-500">
          <Icon name="laptop" className="size-5" />
        </div>
        <div className="min-w-0 flex-1">
          <p className="text-[13px] font-medium text-zinc-900 dark:text-zinc-100">Docker is running on this machine</p>
          <p className="mt-0.5 text-[13px] text-zinc-600 dark:text-zinc-400">
            {offer.hostname} · Docker {offer.dockerVersion}
          </p>
          <p className="mt-0.5 truncate font-mono text-xs text-zinc-500 dark:text-zinc-500">{offer.socketPath}</p>
        </div>
        <Button variant="primary" icon="plus" busy={busy} onClick={() => void add()}>
          Add this machine
        </Button>
      </div>
      {error !== null && <ErrorNote error={error} title="Could not add this machine" className="mt-3" />}
    </div>
  );
}

export function CliInstructions() {
  return (
    <div className="text-left">
      <p className="mb-2 text-[13px] text-zinc-600 dark:text-zinc-400">
        Add a Linux server you can reach over SSH, with Docker installed on it:
      </p>
      <CopyCommand command={ADD_HOST_COMMAND} />
      <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-500">
        Baton uses your SSH keys or agent and the Docker engine already on the host. It installs nothing there.
      </p>
    </div>
  );
}
