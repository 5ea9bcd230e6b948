// The stacks that run, each with its services' live counts (available / desired, running), and a
// remove that asks first.
import { useState } from 'react';
import type { ServiceStatus, StackSummary } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { useApi } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';
import { Button, Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { hashOfTarget } from '../logs/log-target.ts';
import { countsText, formatAge, serviceTone, TONE_LABEL, type ServiceTone } from './format.ts';

export function StackList({
  stacks,
  services,
  connected,
  onRemoved,
}: {
  stacks: readonly StackSummary[];
  services: readonly ServiceStatus[];
  connected: boolean;
  onRemoved: () => void;
}) {
  return (
    <div className="flex flex-col gap-3">
      {stacks.map((stack) => (
        <StackCard
          key={stack.name}
          stack={stack}
          services={services.filter((s) => s.stack === stack.name)}
          connected={connected}
          onRemoved={onRemoved}
        />
      ))}
    </div>
  );
}

const TONE_DOT: Record<ServiceTone, string> = {
  stopped: 'bg-zinc-400',
  healthy: 'bg-emerald-500',
  converging: 'bg-indigo-500 animate-pulse',
  pending: 'bg-amber-500',
  failing: 'bg-red-500',
};

const TONE_BAR: Record<ServiceTone, string> = {
  stopped: 'bg-zinc-400',
  healthy: 'bg-emerald-500',
  converging: 'bg-indigo-500',
  pending: 'bg-amber-500',
  failing: 'bg-red-500',
};

function StackCard({
  stack,
  services,
  connected,
  onRemoved,
}: {
  stack: StackSummary;
  services: readonly ServiceStatus[];
  connected: boolean;
  onRemoved: () => void;
}) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BatonError | null>(null);
  // the summary names every service; the live picture may not have them all yet
  const rows = stack.services.map((name) => services.find((s) => s.name === name) ?? name);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.call('stack.remove', { name: stack.name });
      setConfirming(false);
      onRemoved();
    } catch (err) {
      setError(asBatonError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="stack-row" data-stack={stack.name} className="overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800">
      <header className="flex min-h-12 items-center gap-3 border-b border-zinc-200 bg-zinc-50/80 px-4 py-2 dark:border-zinc-800 dark:bg-zinc-900/50">
        <Icon name="file" className="size-4 shrink-0 text-zinc-400" />
        <h3 className="text-[13px] font-semibold">{stack.name}</h3>
        <span className="min-w-0 truncate text-xs text-zinc-500 dark:text-zinc-400">
          {stack.file !== null && <span className="font-mono">{stack.file.replace(/^.*[/\\]/, '')}</span>}
          {stack.file !== null && ' · '}
          <span title={stack.updatedAt}>updated {formatAge(stack.updatedAt)}</span>
        </span>
        <div className="ml-auto flex shrink-0 items-center gap-2">
          {confirming ? (
            <>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                Stop {stack.services.length === 1 ? 'its service' : `its ${stack.services.length} services`} and remove {stack.name}?
              </span>
              <Button variant="ghost" onClick={() => setConfirming(false)} disabled={busy}>
                Cancel
              </Button>
              <button
                type="button"
                disabled={!connected || busy}
                onClick={() => void remove()}
                className="inline-flex h-8 items-center gap-1.5 rounded-md bg-red-600 px-3 text-[13px] font-medium text-white shadow-sm hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500 active:bg-red-700 disabled:cursor-not-allowed disabled:opacity-60"
              >
                {busy && <Spinner />}
                Remove stack
              </button>
            </>
          ) : (
            <Button variant="ghost" disabled={!connected} onClick={() => setConfirming(true)} aria-label={`Remove ${stack.name}`}>
              <Icon name="trash" className="size-4" />
              Remove
            </Button>
          )}
        </div>
      </header>
      {error !== null && <ErrorNote error={error} title={`Could not remove ${stack.name}`} className="m-3" />}
      {rows.length === 0 ? (
        <p className="px-4 py-3 text-[13px] text-zinc-500">No services.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {rows.map((row) =>
            typeof row === 'string' ? (
              <li key={row} className="flex items-center gap-3 px-4 py-2.5 text-[13px]">
                <span className="w-40 truncate font-medium">{row}</span>
                <span className="text-xs text-zinc-400">…</span>
              </li>
            ) : (
              <ServiceRow key={row.name} service={row} />
            ),
          )}
        </ul>
      )}
    </section>
  );
}

function ServiceRow({ service }: { service: ServiceStatus }) {
  const tone = serviceTone(service);
  const percent = service.desired === 0 ? 0 : Math.min(100, (service.available / service.desired) * 100);
  return (
    <li className="grid grid-cols-[minmax(8rem,12rem)_minmax(0,1fr)_11rem_auto] items-center gap-4 px-4 py-2.5 text-[13px]">
      <div className="min-w-0">
        <p className="flex items-center gap-2 font-medium">
          <span className={cx('size-1.5 shrink-0 rounded-full', TONE_DOT[tone])} />
          <span className="truncate">{service.name}</span>
        </p>
        <p className="truncate pl-3.5 font-mono text-[11px] text-zinc-500 dark:text-zinc-400" title={service.image}>
          {service.image}
        </p>
      </div>
      <div className="min-w-0 text-xs text-zinc-500 dark:text-zinc-400">
        {service.pending !== null ? (
          <p className="line-clamp-2 text-amber-700 dark:text-amber-300" title={service.pending}>
            {service.pending}
          </p>
        ) : service.ports.length > 0 ? (
          <p className="truncate font-mono" title={service.ports.join(', ')}>
            {service.ports.join(', ')}
          </p>
        ) : (
          <p>rev {service.revision}</p>
        )}
      </div>
      <div>
        <div
          role="progressbar"
          aria-label={`Available replicas of ${service.stack}/${service.name}`}
          aria-valuemin={0}
          aria-valuemax={service.desired}
          aria-valuenow={service.available}
          className="h-1.5 overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800"
        >
          <div className={cx('h-full rounded-full transition-[width] duration-300', TONE_BAR[tone])} style={{ width: `${percent}%` }} />
        </div>
        <p className="mt-1 flex justify-between text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          <span className="font-medium text-zinc-900 dark:text-zinc-100" title={service.unknown > 0 ? `unknown: ${service.unknownHosts.join(', ')} unreachable` : undefined}>
            {countsText(service)}
          </span>
          <span>{service.running} running</span>
        </p>
      </div>
      <div className="flex items-center gap-1">
        <span className="sr-only">{TONE_LABEL[tone]}</span>
        <a
          href={hashOfTarget({ kind: 'service', stack: service.stack, service: service.name })}
          className="inline-flex h-7 items-center gap-1 rounded-md px-2 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          title={`Logs of ${service.stack}/${service.name}`}
        >
          <Icon name="terminal" className="size-3.5" />
          Logs
        </a>
      </div>
    </li>
  );
}
