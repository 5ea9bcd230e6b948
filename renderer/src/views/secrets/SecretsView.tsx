// Baton's secrets by name: which services use each, its version and size, never its value. A new
// one is made from a file chosen here, and one of Baton's store rotated from another file; the
// value goes out in that one call and nothing ever sends it back.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { SecretInfo } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { Button, Spinner } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorNote, LoadFailed } from '../../ui/ErrorNote.tsx';
import { TextField } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { formatAgo } from '../topology/format.ts';
import { fileProblem, nameFromFile, nameProblem, rotatedText, secretRow, toBase64 } from './secrets-model.ts';
import { SecretsStore } from './secrets-store.ts';

async function readValue(file: File): Promise<string> {
  return toBase64(new Uint8Array(await file.arrayBuffer()));
}

export function SecretsView() {
  const api = useApi();
  const connection = useConnection();
  const connected = connection.status === 'connected';
  const store = useMemo(() => new SecretsStore(api), [api]);
  useEffect(() => store.start(), [store]);
  const { secrets, status, error } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<BatonError | null>(null);
  const [removing, setRemoving] = useState<SecretInfo | null>(null);

  if (secrets.length === 0 && !connected) return <WaitingForControlPlane what="Your secrets" />;
  if (secrets.length === 0 && status === 'loading') {
    return (
      <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
        <Spinner /> Loading secrets…
      </div>
    );
  }
  if (secrets.length === 0 && status === 'error' && error !== null) {
    return <LoadFailed error={error} title="Could not load the secrets" onRetry={() => void store.refresh()} className="mx-auto max-w-xl px-6 py-12" />;
  }

  const rotate = async (name: string, file: File): Promise<void> => {
    setNotice(null);
    setActionError(null);
    const problem = fileProblem(file);
    if (problem !== null) {
      setNotice(problem);
      return;
    }
    try {
      const answer = await api.call('secret.set', { name, value: await readValue(file) });
      setNotice(rotatedText(answer));
    } catch (err) {
      setActionError(asBatonError(err));
    }
  };

  return (
    <div className="px-6 py-5" data-testid="secrets-view">
      <div className="mb-4 flex items-center justify-between gap-4">
        <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
          Secrets reach replicas as files at <span className="font-mono">/run/secrets/NAME</span>. Their values are never shown, here or anywhere.
        </p>
        <Button variant="primary" icon="plus" data-testid="new-secret" disabled={!connected} onClick={() => setCreating(true)}>
          New secret
        </Button>
      </div>
      {notice !== null && (
        <p role="status" data-testid="secrets-notice" className="mb-4 text-[13px] text-emerald-700 dark:text-emerald-400">
          {notice}
        </p>
      )}
      {actionError !== null && <ErrorNote error={actionError} className="mb-4" onDismiss={() => setActionError(null)} />}
      {error !== null && connected && secrets.length > 0 && <ErrorNote error={error} title="Could not refresh the secrets" className="mb-4" />}
      {secrets.length === 0 ? (
        <EmptyState icon={<Icon name="shield" className="size-6" />} title="No secrets yet" actions={<Button icon="plus" disabled={!connected} onClick={() => setCreating(true)}>New secret</Button>}>
          Make one from a file, then name it in a stack with <span className="font-mono">external: true</span>.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-[13px]">
            <thead className="border-b border-zinc-200 bg-zinc-50/80 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/50 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2.5">Name</th>
                <th className="px-4 py-2.5">From</th>
                <th className="px-4 py-2.5">Used by</th>
                <th className="px-4 py-2.5">Version</th>
                <th className="px-4 py-2.5 text-right">Size</th>
                <th className="px-4 py-2.5">Updated</th>
                <th className="px-4 py-2.5" />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
              {secrets.map((s) => {
                const row = secretRow(s);
                return (
                  <tr key={`${s.stack ?? ''}/${s.name}`} data-testid="secret-row" data-secret={s.name}>
                    <td className="px-4 py-3 font-mono font-medium">{row.name}</td>
                    <td className="px-4 py-3 text-zinc-600 dark:text-zinc-400">{row.origin}</td>
                    <td className="px-4 py-3" data-testid="secret-users">{row.users}</td>
                    <td className="px-4 py-3 tabular-nums">{row.version}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{row.size}</td>
                    <td className="px-4 py-3 text-zinc-500" title={row.updated}>{formatAgo(row.updated)}</td>
                    <td className="px-4 py-3 text-right whitespace-nowrap">
                      {row.managed && (
                        <>
                          <FileButton label="Rotate…" title={`Give ${s.name} a new value from a file: the services that use it roll out`} disabled={!connected} onFile={(f) => void rotate(s.name, f)} />
                          <Button variant="ghost" icon="trash" className="ml-1 h-7 px-2 text-[12px]" disabled={!connected} onClick={() => setRemoving(s)}>
                            Remove
                          </Button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateSecretDialog
          onClose={() => setCreating(false)}
          onCreated={(info) => {
            setCreating(false);
            setNotice(`${info.name} was created (v${info.version}). Name it in a stack with external: true.`);
          }}
        />
      )}
      {removing !== null && (
        <RemoveSecretDialog
          secret={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(name) => {
            setRemoving(null);
            setNotice(`${name} was removed.`);
          }}
        />
      )}
    </div>
  );
}

/** A button that opens the file chooser and hands the chosen file on (then forgets it). */
function FileButton({ label, title, disabled, onFile }: { label: string; title: string; disabled: boolean; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        className="hidden"
        data-testid="rotate-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file !== undefined) onFile(file);
        }}
      />
      <Button icon="upload" className="h-7 px-2.5 text-[12px]" title={title} disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </Button>
    </>
  );
}

function CreateSecretDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (info: SecretInfo) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BatonError | null>(null);
  const problems = { name: nameProblem(name), file: fileProblem(file) };

  const submit = async (): Promise<void> => {
    setTried(true);
    if (problems.name !== null || problems.file !== null || file === null) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.call('secret.create', { name, value: await readValue(file) }));
    } catch (err) {
      setError(asBatonError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      label="New secret"
      description="Its value is read from a file on this machine, sent once, and stored encrypted. It is never shown again."
      onClose={onClose}
      notice={error !== null && <ErrorNote error={error} />}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" data-testid="create-secret" busy={busy} onClick={() => void submit()}>
            Create
          </Button>
        </>
      }
    >
      <form
        aria-label="New secret"
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField label="Name" value={name} data-autofocus placeholder="db-password" problem={tried ? problems.name : null} onChange={(e) => setName(e.currentTarget.value)} />
        <div>
          <label className="mb-1 block text-[13px] font-medium text-zinc-800 dark:text-zinc-200" htmlFor="secret-file">
            Value from a file
          </label>
          <input
            id="secret-file"
            data-testid="secret-file"
            type="file"
            className="block w-full text-[13px] file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1 file:text-[13px] dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
            onChange={(e) => {
              const chosen = e.currentTarget.files?.[0] ?? null;
              setFile(chosen);
              if (chosen !== null && name === '') setName(nameFromFile(chosen.name));
            }}
          />
          {tried && problems.file !== null && <p className="mt-1 text-xs text-red-600 dark:text-red-400">{problems.file}</p>}
          {file !== null && problems.file === null && <p className="mt-1 text-xs text-zinc-500">{file.name}: {file.size} bytes, read when you press Create.</p>}
        </div>
      </form>
    </Dialog>
  );
}

function RemoveSecretDialog({ secret, onClose, onRemoved }: { secret: SecretInfo; onClose: () => void; onRemoved: (name: string) => void }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BatonError | null>(null);
  return (
    <Dialog
      label={`Remove ${secret.name}?`}
      onClose={onClose}
      notice={error !== null && <ErrorNote error={error} />}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            data-testid="confirm-action"
            busy={busy}
            onClick={() => {
              setBusy(true);
              api.call('secret.remove', { name: secret.name }).then(
                (r) => onRemoved(r.name),
                (err: unknown) => {
                  setBusy(false);
                  setError(asBatonError(err));
                },
              );
            }}
          >
            Remove
          </Button>
        </>
      }
    >
      <p className="text-[13px] text-zinc-700 dark:text-zinc-300">
        Its value is deleted from Baton's store for good.{' '}
        {secret.services.length > 0 ? `${secret.services.join(', ')} still use it: Baton refuses while a service does.` : 'No service uses it.'}
      </p>
    </Dialog>
  );
}
