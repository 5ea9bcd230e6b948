// A service's rollouts in its details panel: the live progress bar, pause / resume / roll back,
// an edit (image, environment, replicas) planned first and then applied as the stack's next
// revision, and the revision history with a line diff between any two.
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ServiceEdit, StackPlan } from '../../../../shared/api.ts';
import { BatonError } from '../../../../shared/errors.ts';
import { lineDiff } from '../../../../shared/line-diff.ts';
import { describeChanges } from '../../../../shared/plan-text.ts';
import type { RevisionEntry } from '../../../../shared/rollout.ts';
import { useApi } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';
import { Button } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { summarizePlan } from '../stacks/format.ts';
import { progressModel, type ProgressModel, type Tone } from './progress.ts';
import { EditError, editFromForm, isEmptyEdit } from './revision-edit.ts';
import { RolloutLoader } from './rollout-loader.ts';

const TONE_TEXT: Record<Tone, string> = {
  neutral: 'text-zinc-500',
  active: 'text-indigo-600 dark:text-indigo-400',
  warning: 'text-amber-600 dark:text-amber-400',
  error: 'text-red-600 dark:text-red-400',
  done: 'text-emerald-600 dark:text-emerald-400',
};

export interface RolloutSectionProps {
  /** "stack/service". */
  service: string;
  image: string;
  replicas: number;
  environment: string[];
  connected: boolean;
}

export function RolloutSection({ service, image, replicas, environment, connected }: RolloutSectionProps) {
  const api = useApi();
  const loader = useMemo(() => new RolloutLoader(api, service), [api, service]);
  useEffect(() => loader.start(), [loader]);
  const state = useSyncExternalStore(loader.subscribe, loader.getSnapshot);
  const [actionError, setActionError] = useState<BatonError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (name: string, run: () => Promise<unknown>) => {
    setBusy(name);
    setActionError(null);
    try {
      await run();
      await loader.refresh();
    } catch (err) {
      setActionError(asBatonError(err));
    } finally {
      setBusy(null);
    }
  };
  const model = state.status === null ? null : progressModel(state.status, Date.now());

  return (
    <div className="flex flex-col gap-3" data-testid="rollout">
      {state.error !== null && <ErrorNote error={state.error} title="Could not read the rollout" />}
      {model !== null && <ProgressBar model={model} />}
      {model !== null && (
        <div className="flex flex-wrap gap-1.5">
          {model.canPause && (
            <Button disabled={!connected} busy={busy === 'pause'} onClick={() => void act('pause', () => api.call('rollout.pause', { service }))}>
              Pause
            </Button>
          )}
          {model.canResume && (
            <Button disabled={!connected} busy={busy === 'resume'} onClick={() => void act('resume', () => api.call('rollout.resume', { service }))}>
              Resume
            </Button>
          )}
          {model.canUndo && (
            <Button disabled={!connected} busy={busy === 'undo'} onClick={() => void act('undo', () => api.call('rollout.undo', { service }))}>
              Roll back
            </Button>
          )}
        </div>
      )}
      {actionError !== null && <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />}
      <EditForm service={service} image={image} replicas={replicas} environment={environment} connected={connected} onApplied={() => void loader.refresh()} />
      <History
        service={service}
        history={state.history}
        connected={connected}
        busy={busy}
        onRollBack={(revision) => void act(`undo:${revision}`, () => api.call('rollout.undo', { service, toRevision: revision }))}
      />
    </div>
  );
}

function ProgressBar({ model }: { model: ProgressModel }) {
  const pct = (f: number) => `${(f * 100).toFixed(1)}%`;
  return (
    <div className="flex flex-col gap-1.5" data-testid="rollout-progress" data-phase={model.phase}>
      <div className="flex items-baseline gap-2 text-[12px]">
        <span className={cx('font-medium', TONE_TEXT[model.tone])} data-testid="rollout-phase">
          {model.phaseText}
        </span>
        {model.fromRevision !== null && model.active && (
          <span className="text-zinc-500">
            rev {model.fromRevision} → rev {model.toRevision}
          </span>
        )}
        <span className="ml-auto text-zinc-500 tabular-nums" data-testid="rollout-counts">
          {model.countText}
        </span>
      </div>
      <div
        className="flex h-2 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
        role="progressbar"
        aria-label="Rollout progress"
        aria-valuemin={0}
        aria-valuemax={model.desired}
        aria-valuenow={model.healthy}
      >
        <div className="bg-emerald-500" style={{ width: pct(model.parts.healthy) }} title={`${model.healthy} new, healthy`} />
        <div className="bg-indigo-400" style={{ width: pct(model.parts.starting) }} title={`${model.starting} new, starting`} />
        <div className="bg-zinc-400 dark:bg-zinc-600" style={{ width: pct(model.parts.old) }} title={`${model.old} old`} />
      </div>
      <p className="flex gap-3 text-[11px] text-zinc-500 tabular-nums">
        <span>{model.healthy} healthy</span>
        <span>{model.starting} starting</span>
        <span>{model.old} old</span>
        {model.deadlineText !== null && <span className="ml-auto">{model.deadlineText}</span>}
      </p>
      {model.waitingFor !== null && <p className="text-[12px] text-zinc-600 dark:text-zinc-400">Waiting for {model.waitingFor}</p>}
      {model.autoRollback !== null && (
        <p role="status" data-testid="rollout-auto-rollback" className="rounded-md border border-amber-200 bg-amber-50 px-2.5 py-1.5 text-[12px] text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          Rolled back by itself from revision {model.autoRollback.failedRevision} to {model.autoRollback.toRevision}: {model.autoRollback.reason}
        </p>
      )}
      {model.reason !== null && <p className="text-[12px] text-amber-700 dark:text-amber-300">{model.reason}</p>}
    </div>
  );
}

interface Pending {
  params: { service: string; edit: ServiceEdit };
  plan: StackPlan;
}

function EditForm({ service, image, replicas, environment, connected, onApplied }: RolloutSectionProps & { onApplied: () => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ image, replicas: String(replicas), environment: '' });
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<BatonError | null>(null);
  const [busy, setBusy] = useState(false);
  const stack = service.split('/')[0]!;
  const name = service.split('/')[1]!;

  const reset = () => {
    setOpen(false);
    setPending(null);
    setError(null);
  };
  if (!open) {
    return (
      <Button
        className="self-start"
        disabled={!connected}
        onClick={() => {
          setForm({ image, replicas: String(replicas), environment: '' });
          setOpen(true);
        }}
      >
        New revision…
      </Button>
    );
  }

  const plan = async () => {
    setBusy(true);
    setError(null);
    setPending(null);
    try {
      const edit = editFromForm({ image, replicas, environment }, form);
      if (isEmptyEdit(edit)) throw new BatonError('INVALID_INPUT', 'Nothing is changed: edit the image, the environment or the replica count.');
      // the control plane makes the stack's next file of the edit: the file stays there
      const params = { service: `${stack}/${name}`, edit };
      setPending({ params, plan: await api.call('service.edit', { ...params, dryRun: true }) });
    } catch (err) {
      setError(err instanceof EditError ? new BatonError('INVALID_INPUT', err.message) : asBatonError(err));
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (pending === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.call('service.edit', { ...pending.params, dryRun: false });
      reset();
      onApplied();
    } catch (err) {
      setError(asBatonError(err));
    } finally {
      setBusy(false);
    }
  };

  const field = 'h-8 w-full rounded-md border border-zinc-300 bg-white px-2 font-mono text-[12px] dark:border-zinc-700 dark:bg-zinc-900';
  const step = pending?.plan.services.find((s) => s.name === name);
  return (
    <form
      className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      aria-label="New revision"
      onSubmit={(e) => {
        e.preventDefault();
        void (pending === null ? plan() : apply());
      }}
    >
      <label className="flex flex-col gap-1 text-[12px] text-zinc-600 dark:text-zinc-400">
        Image
        <input className={field} value={form.image} onChange={(e) => { setForm({ ...form, image: e.target.value }); setPending(null); }} />
      </label>
      <label className="flex flex-col gap-1 text-[12px] text-zinc-600 dark:text-zinc-400">
        Replicas
        <input className={field} type="number" min={0} value={form.replicas} onChange={(e) => { setForm({ ...form, replicas: e.target.value }); setPending(null); }} />
      </label>
      <label className="flex flex-col gap-1 text-[12px] text-zinc-600 dark:text-zinc-400">
        Environment (NAME=value sets, -NAME removes; one a line)
        <textarea
          className={cx(field, 'h-16 py-1')}
          placeholder={environment.length > 0 ? `now: ${environment.join(', ')}` : 'none now'}
          value={form.environment}
          onChange={(e) => { setForm({ ...form, environment: e.target.value }); setPending(null); }}
        />
      </label>
      {error !== null && <ErrorNote error={error} title="Not rolled out" onDismiss={() => setError(null)} />}
      {pending !== null && (
        <div data-testid="rollout-plan" className="rounded-md bg-zinc-50 px-2.5 py-2 text-[12px] dark:bg-zinc-900">
          <p className="font-medium">{summarizePlan(pending.plan)}</p>
          {step !== undefined && (
            <ul className="mt-1 font-mono text-[11px] text-zinc-600 dark:text-zinc-400">
              {describeChanges(step).map((line) => (
                <li key={line}>{line}</li>
              ))}
              {step.revision !== null && <li>→ revision {step.revision}</li>}
            </ul>
          )}
        </div>
      )}
      <div className="flex gap-1.5">
        <Button type="submit" variant="primary" busy={busy} disabled={!connected}>
          {pending === null ? 'Plan' : 'Apply'}
        </Button>
        <Button onClick={reset}>Cancel</Button>
      </div>
    </form>
  );
}

function History({ service, history, connected, busy, onRollBack }: { service: string; history: RevisionEntry[]; connected: boolean; busy: string | null; onRollBack: (revision: number) => void }) {
  const newest = [...history].sort((a, b) => b.revision - a.revision);
  const [pair, setPair] = useState<{ from: number; to: number } | null>(null);
  const from = history.find((r) => r.revision === pair?.from);
  const to = history.find((r) => r.revision === pair?.to);
  return (
    <div className="flex flex-col gap-1.5" data-testid="rollout-history">
      <ol className="flex flex-col gap-1">
        {newest.map((r, i) => (
          <li key={r.revision} className="flex items-center gap-2 text-[12px]" data-testid={`revision-${r.revision}`}>
            <span className={cx('w-10 font-medium tabular-nums', r.current ? 'text-indigo-600 dark:text-indigo-400' : 'text-zinc-500')}>rev {r.revision}</span>
            <span className="min-w-0 truncate font-mono text-[11px] text-zinc-600 dark:text-zinc-400" title={r.image}>
              {r.image}
            </span>
            {newest[i + 1] !== undefined && (
              <button type="button" className="ml-auto text-[11px] text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => setPair({ from: newest[i + 1]!.revision, to: r.revision })}>
                diff
              </button>
            )}
            {r.current ? (
              <span className={cx('rounded bg-indigo-50 px-1.5 text-[11px] text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300', newest[i + 1] === undefined && 'ml-auto')}>desired</span>
            ) : (
              <Button className={cx('h-6 px-2 text-[11px]', newest[i + 1] === undefined && 'ml-auto')} disabled={!connected} busy={busy === `undo:${r.revision}`} onClick={() => onRollBack(r.revision)} aria-label={`Roll ${service} back to revision ${r.revision}`}>
                Roll back to
              </Button>
            )}
          </li>
        ))}
      </ol>
      {pair !== null && from !== undefined && to !== undefined && (
        <div className="flex flex-col gap-1" data-testid="revision-diff">
          <div className="flex items-center gap-1.5 text-[12px] text-zinc-600 dark:text-zinc-400">
            <RevisionSelect label="From" history={newest} value={pair.from} onChange={(v) => setPair({ ...pair, from: v })} />
            <RevisionSelect label="to" history={newest} value={pair.to} onChange={(v) => setPair({ ...pair, to: v })} />
            <button type="button" className="ml-auto text-[11px] hover:underline" onClick={() => setPair(null)}>
              close
            </button>
          </div>
          <DiffView before={from.text} after={to.text} />
        </div>
      )}
    </div>
  );
}

function RevisionSelect({ label, history, value, onChange }: { label: string; history: RevisionEntry[]; value: number; onChange: (v: number) => void }) {
  return (
    <label className="flex items-center gap-1">
      {label}
      <select className="rounded border border-zinc-300 bg-white px-1 text-[12px] dark:border-zinc-700 dark:bg-zinc-900" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {history.map((r) => (
          <option key={r.revision} value={r.revision}>
            rev {r.revision}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Changed lines with two lines of context around them; the rest folded. */
function DiffView({ before, after }: { before: string; after: string }) {
  const lines = lineDiff(before, after);
  const near = (i: number) => lines.slice(Math.max(0, i - 2), i + 3).some((l) => l.kind !== 'same');
  const shown = lines.map((l, i) => ({ ...l, show: near(i) }));
  if (!lines.some((l) => l.kind !== 'same')) return <p className="text-[12px] text-zinc-500">No differences.</p>;
  return (
    <pre className="max-h-64 overflow-auto rounded-md bg-zinc-50 py-1 font-mono text-[11px] leading-4 select-text dark:bg-zinc-900">
      {shown.map((l, i) =>
        l.show ? (
          <div key={i} className={cx('px-2', l.kind === 'added' && 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-300', l.kind === 'removed' && 'bg-red-50 text-red-800 dark:bg-red-950/40 dark:text-red-300')}>
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
            {l.text}
          </div>
        ) : shown[i - 1]?.show === true ? (
          <div key={i} className="px-2 text-zinc-400">
            ⋯
          </div>
        ) : null,
      )}
    </pre>
  );
}
