// Scaling a service by keyboard and pointer: − / + buttons and a slider that commits on release
// (the native change event), not on every pixel. Shown once per service: in its row of the
// services list, or in its details while it is selected (so the test hooks stay unique).
import { useEffect, useRef, useState } from 'react';
import { Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { clampReplicas, MAX_REPLICAS, sliderMax } from './drag.ts';
import type { Convergence } from './model.ts';
import type { ServiceAction } from './scale-actions.ts';

export interface ServiceControlsProps {
  service: string;
  convergence: Convergence;
  action: ServiceAction;
  disabled: boolean;
  onScale: (replicas: number) => void;
  onDismissError: () => void;
  /** Larger, with the count written out (in the details panel). */
  roomy?: boolean;
}

export function ServiceControls({ service, convergence, action, disabled, onScale, onDismissError, roomy = false }: ServiceControlsProps) {
  const target = convergence.target;
  const sending = action.request?.phase === 'sending';
  return (
    <div className={cx('flex flex-col', roomy ? 'gap-2' : 'gap-1.5')}>
      <div className="flex items-center gap-1.5">
        <StepButton label={`Remove a replica of ${service}`} icon="minus" disabled={disabled || target <= 0} onClick={() => onScale(clampReplicas(target - 1))} />
        <ScaleSlider service={service} value={target} disabled={disabled} onCommit={onScale} />
        <StepButton label={`Add a replica of ${service}`} icon="plus" disabled={disabled || target >= MAX_REPLICAS} onClick={() => onScale(clampReplicas(target + 1))} />
        {roomy && (
          <span className="flex w-12 items-center justify-end gap-1 text-[13px] font-semibold tabular-nums">
            {sending && <Spinner className="size-3 text-zinc-400" />}
            {target}
          </span>
        )}
      </div>
      {action.error !== null && (
        <ErrorNote error={action.error.error} title={action.error.title} className="text-[12px]" onDismiss={onDismissError} />
      )}
    </div>
  );
}

function StepButton({ label, icon, disabled, onClick }: { label: string; icon: 'plus' | 'minus'; disabled: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className="flex size-6 shrink-0 items-center justify-center rounded-md border border-zinc-200 bg-white text-zinc-600 shadow-xs hover:bg-zinc-50 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white"
    >
      <span aria-hidden="true" className="text-[15px] leading-none">
        {icon === 'plus' ? '+' : '−'}
      </span>
    </button>
  );
}

function ScaleSlider({ service, value, disabled, onCommit }: { service: string; value: number; disabled: boolean; onCommit: (n: number) => void }) {
  const [draft, setDraft] = useState<number | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const latest = useRef({ value, onCommit });
  latest.current = { value, onCommit };
  const max = sliderMax(value);

  // React's onChange fires on every input; the native change event fires on release (and per key press).
  useEffect(() => {
    const input = ref.current;
    if (input === null) return;
    const commit = (): void => {
      const n = clampReplicas(Number(input.value));
      setDraft(null);
      if (n !== latest.current.value) latest.current.onCommit(n);
    };
    input.addEventListener('change', commit);
    return () => input.removeEventListener('change', commit);
  }, []);

  const shown = draft ?? value;
  const filled = `${(Math.min(shown, max) / max) * 100}%`;
  return (
    <div className={cx('group/slider relative flex h-6 min-w-0 flex-1 items-center', disabled && 'opacity-40')}>
      <div className="pointer-events-none absolute inset-x-0 h-1 rounded-full bg-zinc-200 dark:bg-zinc-700" />
      <div className="pointer-events-none absolute left-0 h-1 rounded-full bg-indigo-500 dark:bg-indigo-400" style={{ width: filled }} />
      <input
        ref={ref}
        type="range"
        min={0}
        max={max}
        step={1}
        value={Math.min(shown, max)}
        disabled={disabled}
        onChange={(e) => setDraft(Number(e.target.value))}
        onBlur={() => setDraft(null)}
        data-testid="scale-slider"
        data-service={service}
        aria-label={`Replicas of ${service}`}
        aria-valuetext={`${shown} replicas`}
        className={cx(
          'relative h-6 w-full min-w-0 cursor-pointer appearance-none bg-transparent focus:outline-none disabled:cursor-not-allowed',
          '[&::-webkit-slider-runnable-track]:h-1 [&::-webkit-slider-runnable-track]:bg-transparent',
          '[&::-webkit-slider-thumb]:-mt-[5px] [&::-webkit-slider-thumb]:size-3.5 [&::-webkit-slider-thumb]:appearance-none [&::-webkit-slider-thumb]:rounded-full',
          '[&::-webkit-slider-thumb]:border-2 [&::-webkit-slider-thumb]:border-indigo-500 [&::-webkit-slider-thumb]:bg-white [&::-webkit-slider-thumb]:shadow-sm',
          'dark:[&::-webkit-slider-thumb]:border-indigo-400 dark:[&::-webkit-slider-thumb]:bg-zinc-900',
          'focus-visible:[&::-webkit-slider-thumb]:ring-4 focus-visible:[&::-webkit-slider-thumb]:ring-indigo-500/25',
        )}
      />
      {draft !== null && draft !== value && (
        <span className="pointer-events-none absolute -top-5 left-1/2 -translate-x-1/2 rounded bg-zinc-900 px-1.5 py-0.5 text-[11px] font-medium text-white tabular-nums shadow dark:bg-zinc-100 dark:text-zinc-900">
          {value} → {draft}
        </span>
      )}
    </div>
  );
}
