// Adding a host, as `baton host add` does it: where (an address, an alias from ~/.ssh/config, or
// this machine's engine), how to sign in (a key file or the SSH agent), then — on first contact —
// the host key to check and trust. Every refusal is the control plane's own words, in the dialog,
// with the form kept as typed.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SshConfigHost } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { useApi, useConnection, useHosts } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';
import { Button } from '../../ui/Button.tsx';
import { CopyCommand } from '../../ui/CopyCommand.tsx';
import { cx } from '../../ui/cx.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { TextField } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useLocalEngineOffer } from './AddHostPanel.tsx';
import {
  addHostParams,
  defaultHostName,
  describeAddress,
  describeSshConfigHost,
  EMPTY_FORM,
  fieldOfError,
  fillFromSshConfig,
  formProblems,
  hostKeyCheckCommand,
  isLocalAddress,
  matchingSshConfigHosts,
  unknownHostKey,
  type AddHostForm,
  type AuthChoice,
  type FormField,
  type UnknownHostKey,
} from './add-host-form.ts';

/** The key the person is asked to trust; `expected` is set when it replaces a remembered one. */
interface KeyToVerify extends UnknownHostKey {
  expected: string | null;
}

function useSshConfigHosts(): SshConfigHost[] {
  const api = useApi();
  const { status } = useConnection();
  const [entries, setEntries] = useState<SshConfigHost[]>([]);
  useEffect(() => {
    if (status !== 'connected') return;
    let live = true;
    api.call('host.sshConfig', {}).then(
      (result) => live && setEntries(result),
      () => live && setEntries([]), // only suggestions: without them the address is typed
    );
    return () => {
      live = false;
    };
  }, [api, status]);
  return entries;
}

export function AddHostWizard({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const connection = useConnection();
  const { refresh } = useHosts();
  const offer = useLocalEngineOffer();
  const sshConfig = useSshConfigHosts();
  const [form, setForm] = useState<AddHostForm>(EMPTY_FORM);
  const [checked, setChecked] = useState(false); // show the form's own problems after the first try
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BatonError | null>(null);
  const [errorField, setErrorField] = useState<FormField | null>(null);
  const [verify, setVerify] = useState<KeyToVerify | null>(null);
  // a key confirmed for this address stays pinned while the person fixes something else
  const [trusted, setTrusted] = useState<{ address: string; fingerprint: string } | null>(null);
  const fields = useRef<Partial<Record<FormField, HTMLInputElement | null>>>({});
  const connected = connection.status === 'connected';
  const local = isLocalAddress(form.address);
  const problems = checked ? formProblems(form) : {};

  const update = (patch: Partial<AddHostForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    if (errorField !== null && Object.hasOwn(patch, errorField)) setErrorField(null);
  };

  // the field to put the cursor in once the form is editable again (fields are disabled while busy)
  const [focusField, setFocusField] = useState<FormField | null>(null);
  useEffect(() => {
    if (focusField === null || busy || verify !== null) return;
    fields.current[focusField]?.focus();
    setFocusField(null);
  }, [focusField, busy, verify]);
  const focus = (field: FormField): void => setFocusField(field);

  const add = async (pin: string | undefined): Promise<void> => {
    setBusy(true);
    setError(null);
    setErrorField(null);
    try {
      await api.call('host.add', addHostParams(form, pin));
      void refresh();
      onClose();
    } catch (err) {
      const e = asBatonError(err);
      const key = unknownHostKey(e);
      if (key !== null) {
        setVerify({ ...key, expected: null });
        return;
      }
      setError(e);
      if (verify !== null && e.code !== 'HOST_KEY_CHANGED') setVerify(null); // the key is fine; the rest is the form's
      const field = fieldOfError(e);
      setErrorField(field);
      if (field !== null) focus(field);
    } finally {
      setBusy(false);
    }
  };

  const connect = (event?: FormEvent): void => {
    event?.preventDefault();
    setChecked(true);
    const found = formProblems(form);
    const first = (Object.keys(found) as FormField[])[0];
    if (first !== undefined) {
      focus(first);
      return;
    }
    const pin = trusted !== null && trusted.address === form.address.trim() ? trusted.fingerprint : undefined;
    void add(pin);
  };

  const trust = (): void => {
    if (verify === null) return;
    setTrusted({ address: form.address.trim(), fingerprint: verify.fingerprint });
    void add(verify.fingerprint);
  };

  const changedKey = error?.code === 'HOST_KEY_CHANGED' && verify === null ? changedHostKey(error) : null;

  if (verify !== null) {
    return (
      <Dialog
        label="Add a host"
        description={verify.expected === null ? 'Step 3 of 3 · Check the host key' : 'The host key has changed'}
        onClose={onClose}
        notice={error !== null && <ErrorNote error={error} />}
        footer={
          <>
            <Button
              variant="ghost"
              onClick={() => {
                setVerify(null);
                setError(null);
              }}
              disabled={busy}
            >
              Back
            </Button>
            <Button variant="primary" icon="check" busy={busy} disabled={!connected} onClick={trust}>
              Trust and add
            </Button>
          </>
        }
      >
        <HostKeyCheck verify={verify} />
      </Dialog>
    );
  }

  const suggestions = matchingSshConfigHosts(sshConfig, form.address);
  const preview = describeAddress(form.address, sshConfig);
  const namePlaceholder = defaultHostName(form.address);

  return (
    <Dialog
      label="Add a host"
      description="Baton signs in over SSH and uses the Docker engine already on the host. It installs nothing there."
      onClose={onClose}
      notice={
        error !== null && (
          <>
            <ErrorNote error={error} title={errorTitle(error)} />
            {changedKey !== null && (
              <Button variant="secondary" className="mt-2" icon="alert" onClick={() => setVerify(changedKey)}>
                I have checked the new key on the host
              </Button>
            )}
          </>
        )
      }
      footer={
        <>
          {!connected && <span className="mr-auto text-xs text-zinc-500">Waiting for the control plane…</span>}
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="add-host-form" busy={busy} disabled={!connected}>
            {busy ? 'Connecting…' : 'Connect'}
          </Button>
        </>
      }
    >
      <form id="add-host-form" onSubmit={connect} noValidate className="flex flex-col gap-5">
        {offer !== null && !offer.alreadyAdded && !local && (
          <div className="flex items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50/60 px-3 py-2.5 dark:border-indigo-500/30 dark:bg-indigo-500/10">
            <div className="flex size-8 shrink-0 items-center justify-center rounded-md bg-indigo-600 text-white dark:bg-indigo-500">
              <Icon name="laptop" className="size-4" />
            </div>
            <div className="min-w-0 flex-1">
              <p className="text-[13px] font-medium">Docker runs on this machine</p>
              <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
                {offer.hostname} · Docker {offer.dockerVersion} · {offer.socketPath}
              </p>
            </div>
            <Button onClick={() => update({ address: `unix://${offer.socketPath}` })}>Use it</Button>
          </div>
        )}

        <Section step={1} title="Where">
          <TextField
            label="Address"
            value={form.address}
            onChange={(e) => update({ address: e.target.value })}
            ref={(el) => {
              fields.current.address = el;
            }}
            placeholder="root@10.0.0.5, deploy@web-1:2222, an alias, or unix:///var/run/docker.sock"
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            disabled={busy}
            inputClassName="font-mono"
            problem={problems.address}
            invalid={errorField === 'address'}
            hint={preview ?? undefined}
          />
          {suggestions.length > 0 && (
            <div className="-mt-1.5">
              <p className="mb-1 text-[11px] font-medium tracking-wide text-zinc-400 uppercase dark:text-zinc-500">From ~/.ssh/config</p>
              <div className="flex flex-wrap gap-1.5">
                {suggestions.map((entry) => (
                  <button
                    key={entry.alias}
                    type="button"
                    disabled={busy}
                    onClick={() => setForm((f) => fillFromSshConfig(f, entry))}
                    title={entry.identityFile !== null ? `Key ${entry.identityFile}` : undefined}
                    className="inline-flex items-center gap-1.5 rounded-md border border-zinc-200 bg-white px-2 py-1 text-xs hover:border-indigo-300 hover:bg-indigo-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:border-indigo-500/50 dark:hover:bg-indigo-500/10"
                  >
                    <span className="font-medium text-zinc-800 dark:text-zinc-200">{entry.alias}</span>
                    <span className="font-mono text-zinc-500 dark:text-zinc-400">{describeSshConfigHost(entry)}</span>
                  </button>
                ))}
              </div>
            </div>
          )}
          <div className="grid grid-cols-2 gap-3">
            <TextField
              label="Name"
              note="optional"
              value={form.name}
              onChange={(e) => update({ name: e.target.value })}
              ref={(el) => {
                fields.current.name = el;
              }}
              placeholder={namePlaceholder === '' ? 'web-1' : namePlaceholder}
              autoComplete="off"
              spellCheck={false}
              disabled={busy}
              problem={problems.name}
              invalid={errorField === 'name'}
            />
            <TextField
              label="Labels"
              note="optional"
              value={form.labels}
              onChange={(e) => update({ labels: e.target.value })}
              ref={(el) => {
                fields.current.labels = el;
              }}
              placeholder="zone=eu-1 disk=ssd"
              autoComplete="off"
              spellCheck={false}
              disabled={busy}
              inputClassName="font-mono"
              problem={problems.labels}
            />
          </div>
        </Section>

        <Section step={2} title="Sign in">
          {local ? (
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
              A local engine needs no sign-in: Baton talks to its socket directly, as the user the control plane runs as.
            </p>
          ) : (
            <>
              <AuthChoiceGroup value={form.auth} onChange={(auth) => update({ auth })} disabled={busy} />
              {form.auth === 'key' ? (
                <>
                  <TextField
                    label="Key file"
                    value={form.keyFile}
                    onChange={(e) => update({ keyFile: e.target.value })}
                    ref={(el) => {
                      fields.current.keyFile = el;
                    }}
                    placeholder="~/.ssh/id_ed25519"
                    autoComplete="off"
                    spellCheck={false}
                    disabled={busy}
                    inputClassName="font-mono"
                    invalid={errorField === 'keyFile'}
                    hint="A path where Baton runs; it reads the key there (a remote Baton only a key its own ~/.ssh names). Empty: the alias's IdentityFile, else ~/.ssh/id_ed25519 or id_rsa."
                  />
                  <TextField
                    label="Passphrase"
                    note="only for an encrypted key"
                    type="password"
                    value={form.passphrase}
                    onChange={(e) => update({ passphrase: e.target.value })}
                    ref={(el) => {
                      fields.current.passphrase = el;
                    }}
                    autoComplete="off"
                    disabled={busy}
                    invalid={errorField === 'passphrase'}
                    hint="Stored encrypted; never shown again or logged."
                  />
                </>
              ) : (
                <TextField
                  label="Agent socket"
                  value={form.agentSocket}
                  onChange={(e) => update({ agentSocket: e.target.value })}
                  ref={(el) => {
                    fields.current.agentSocket = el;
                  }}
                  placeholder="/run/user/1000/ssh-agent.socket"
                  autoComplete="off"
                  spellCheck={false}
                  disabled={busy}
                  inputClassName="font-mono"
                  problem={problems.agentSocket}
                  invalid={errorField === 'agentSocket'}
                  hint={
                    <>
                      Where the agent listens on the machine Baton runs on: the output of <code className="font-mono">echo $SSH_AUTH_SOCK</code>{' '}
                      there. Load your key first with <code className="font-mono">ssh-add</code>.
                    </>
                  }
                />
              )}
            </>
          )}
        </Section>

      </form>
    </Dialog>
  );
}

function Section({ step, title, children }: { step: number; title: string; children: ReactNode }) {
  return (
    <fieldset className="flex min-w-0 flex-col gap-3">
      <legend className="mb-3 flex items-center gap-2 text-[13px] font-semibold">
        <span className="flex size-5 items-center justify-center rounded-full bg-zinc-900 text-[11px] font-semibold text-white tabular-nums dark:bg-zinc-100 dark:text-zinc-900">
          {step}
        </span>
        {title}
      </legend>
      {children}
    </fieldset>
  );
}

const AUTH_CHOICES: Array<{ id: AuthChoice; label: string; detail: string }> = [
  { id: 'key', label: 'Key file', detail: 'A private key file Baton reads' },
  { id: 'agent', label: 'SSH agent', detail: 'Keys loaded with ssh-add' },
];

function AuthChoiceGroup({ value, onChange, disabled }: { value: AuthChoice; onChange: (v: AuthChoice) => void; disabled: boolean }) {
  return (
    <div role="radiogroup" aria-label="How to sign in" className="grid grid-cols-2 gap-2">
      {AUTH_CHOICES.map((choice) => {
        const selected = value === choice.id;
        return (
          <label
            key={choice.id}
            className={cx(
              'flex cursor-pointer items-start gap-2.5 rounded-lg border px-3 py-2.5 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-500',
              selected
                ? 'border-indigo-500 bg-indigo-50/70 ring-1 ring-indigo-500 dark:border-indigo-400 dark:bg-indigo-500/10 dark:ring-indigo-400'
                : 'border-zinc-200 hover:border-zinc-300 dark:border-zinc-700 dark:hover:border-zinc-600',
            )}
          >
            <input
              type="radio"
              name="add-host-auth"
              value={choice.id}
              checked={selected}
              disabled={disabled}
              onChange={() => onChange(choice.id)}
              aria-label={choice.label}
              aria-describedby={`add-host-auth-${choice.id}`}
              className="mt-0.5 size-4 shrink-0 accent-indigo-600 focus-visible:outline-none dark:accent-indigo-400"
            />
            <span className="min-w-0">
              <span className="block text-[13px] font-medium">{choice.label}</span>
              <span id={`add-host-auth-${choice.id}`} className="block text-xs text-zinc-500 dark:text-zinc-400">
                {choice.detail}
              </span>
            </span>
          </label>
        );
      })}
    </div>
  );
}

function HostKeyCheck({ verify }: { verify: KeyToVerify }) {
  const changed = verify.expected !== null;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex gap-3">
        <div
          className={cx(
            'flex size-9 shrink-0 items-center justify-center rounded-lg',
            changed ? 'bg-red-100 text-red-600 dark:bg-red-500/15 dark:text-red-300' : 'bg-amber-100 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300',
          )}
        >
          {changed ? <Icon name="alert" className="size-5" /> : <Icon name="shield" className="size-5" />}
        </div>
        <div className="text-[13px] leading-relaxed">
          {changed ? (
            <p>
              <span className="font-medium">{verify.endpoint || 'This host'} shows a different key</span> than the one Baton remembers (
              <code className="font-mono text-xs">{verify.expected}</code>). This can mean someone is intercepting the connection.
              Trust the new key only if the host was reinstalled and you have checked the key on the host itself.
            </p>
          ) : (
            <p>
              <span className="font-medium">{verify.endpoint || 'This host'} is new to Baton.</span> Before trusting it, make sure the key
              below is the host&apos;s own, so nobody in between can pose as it.
            </p>
          )}
        </div>
      </div>

      <div className="rounded-lg border border-zinc-200 bg-zinc-50 px-3.5 py-3 dark:border-zinc-800 dark:bg-zinc-950/60">
        <p className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{verify.keyType} key fingerprint</p>
        <p data-testid="host-key-fingerprint" className="mt-1 font-mono text-[13px] break-all text-zinc-900 select-all dark:text-zinc-100">
          {verify.fingerprint}
        </p>
      </div>

      <div>
        <p className="mb-1.5 text-[13px] text-zinc-600 dark:text-zinc-400">On the host, run this and compare the SHA256 fingerprint it prints:</p>
        <CopyCommand command={hostKeyCheckCommand(verify.keyType)} />
      </div>
    </div>
  );
}

function changedHostKey(error: BatonError): KeyToVerify | null {
  const { fingerprint, keyType, endpoint, expected } = error.details ?? {};
  if (typeof fingerprint !== 'string' || typeof expected !== 'string') return null;
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint)) return null;
  return { fingerprint, expected, keyType: typeof keyType === 'string' ? keyType : 'unknown', endpoint: typeof endpoint === 'string' ? endpoint : '' };
}

function errorTitle(error: BatonError): string {
  switch (error.code) {
    case 'HOST_UNREACHABLE':
      return 'Could not reach the host';
    case 'AUTH_FAILED':
      return 'The host refused the sign-in';
    case 'KEY_PASSPHRASE':
      return 'The key needs its passphrase';
    case 'KEY_UNREADABLE':
      return 'Could not read the key';
    case 'HOST_KEY_CHANGED':
      return 'The host key does not match';
    case 'HOST_KEY_REVOKED':
      return 'The host key is revoked';
    case 'DOCKER_NOT_FOUND':
      return 'No Docker engine found';
    case 'DOCKER_PERMISSION':
      return 'No permission to use Docker';
    case 'ALREADY_EXISTS':
      return 'Already in the cluster';
    case 'TIMEOUT':
      return 'The host did not answer in time';
    default:
      return 'The host was not added';
  }
}
