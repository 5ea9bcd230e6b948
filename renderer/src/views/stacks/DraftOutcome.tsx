// What the control plane said about the draft: the problems (each one a jump to its line), the
// plan (per service: what changes, field by field, how many replicas, where they would go, what holds them back,
// where its ports can be reached from, its bind mounts and what of it reaches into the host), and
// after Apply the services converging, live.
import type { ServicePlan, ServiceStatus, StackPlan } from '../../../../shared/api.ts';
import { describeChanges, describePlanBind, describePlanPort } from '../../../../shared/plan-text.ts';
import { cx } from '../../ui/cx.ts';
import { ErrorNote } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { problemsOfWarnings, type DraftProblem } from './compose-draft.ts';
import type { DraftOutcome } from './draft-store.ts';
import { countsText, hasConverged, serviceTone, summarizePlan, TONE_LABEL } from './format.ts';

export function DraftOutcomeView({
  outcome,
  fileName,
  stale,
  services,
  onJump,
}: {
  outcome: DraftOutcome;
  fileName: string;
  /** The draft changed since this was said. */
  stale: boolean;
  services: readonly ServiceStatus[];
  onJump: (line: number, column: number) => void;
}) {
  switch (outcome.kind) {
    case 'none':
      return (
        <p className="text-xs leading-relaxed text-zinc-500 dark:text-zinc-400">
          <span className="font-medium text-zinc-700 dark:text-zinc-300">Plan</span> checks the file and shows what would change, without
          changing anything. <span className="font-medium text-zinc-700 dark:text-zinc-300">Apply</span> deploys it.
        </p>
      );
    case 'error':
      return <ErrorNote error={outcome.error} title="Not applied" />;
    case 'problems':
      return (
        <div>
          <div role="alert" className="mb-2 flex items-start gap-2 text-[13px] font-medium text-red-700 dark:text-red-300">
            <Icon name="errorCircle" className="mt-px size-4 shrink-0" />
            <span>
              {outcome.summary}
              {stale && <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">The file changed since: Plan again to check it.</span>}
            </span>
          </div>
          <ProblemList problems={outcome.problems} testId="spec-problem" onJump={onJump} />
        </div>
      );
    case 'plan':
    case 'applied': {
      const warnings = problemsOfWarnings(outcome.plan.warnings, fileName);
      return (
        <div className="flex flex-col gap-3">
          <PlanHeader plan={outcome.plan} applied={outcome.kind === 'applied'} stale={stale} services={services} />
          {outcome.kind === 'applied' ? <ApplyProgress plan={outcome.plan} services={services} /> : <PlanRows plan={outcome.plan} />}
          {warnings.length > 0 && (
            <div>
              <p className="mb-1.5 text-xs font-medium text-amber-700 dark:text-amber-300">
                {warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}
              </p>
              <ProblemList problems={warnings} testId="spec-warning" onJump={onJump} />
            </div>
          )}
        </div>
      );
    }
  }
}

function PlanHeader({ plan, applied, stale, services }: { plan: StackPlan; applied: boolean; stale: boolean; services: readonly ServiceStatus[] }) {
  const converged = applied && hasConverged(plan, services);
  return (
    <div className="flex items-start gap-2.5">
      <div
        className={cx(
          'flex size-7 shrink-0 items-center justify-center rounded-full',
          converged
            ? 'bg-emerald-100 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300'
            : applied
              ? 'bg-indigo-100 text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-300'
              : 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300',
        )}
      >
        <Icon name={converged ? 'check' : applied ? 'refresh' : 'layers'} className={cx('size-3.5', applied && !converged && 'animate-spin [animation-duration:2s]')} />
      </div>
      <div className="min-w-0">
        <p className="text-[13px] font-medium">
          {applied ? (converged ? `${plan.stack} is running` : `Applied to ${plan.stack}`) : `Plan for ${plan.stack}`}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {applied
            ? converged
              ? 'Every service runs its replicas, available.'
              : 'The services are converging; this follows them live.'
            : `${summarizePlan(plan)}. Nothing was changed yet.`}
          {stale && !applied && ' The file changed since: Plan again.'}
        </p>
      </div>
    </div>
  );
}

const ACTION_STYLE: Record<StackPlan['services'][number]['action'], string> = {
  create: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/20',
  update: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20 dark:bg-indigo-500/10 dark:text-indigo-300 dark:ring-indigo-400/25',
  scale: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/20',
  unchanged: 'bg-zinc-50 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800/60 dark:text-zinc-400 dark:ring-zinc-600/30',
  remove: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/25',
};

function PlanRows({ plan }: { plan: StackPlan }) {
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800/70 dark:border-zinc-800">
      {plan.services.map((step) => (
        <li key={step.name} data-testid="plan-row" data-service={step.name} data-action={step.action} className="px-3 py-2.5 text-[13px]">
          <div className="flex items-center gap-2">
            <span className="min-w-0 flex-1 truncate font-medium">{step.name}</span>
            <span className={cx('rounded-full px-2 py-px text-[11px] font-medium ring-1 ring-inset', ACTION_STYLE[step.action])}>{step.action}</span>
          </div>
          <p className="mt-1 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
            {step.action === 'remove' ? (
              'Its replicas stop.'
            ) : (
              <>
                {step.replicas} {step.replicas === 1 ? 'replica' : 'replicas'}
                {step.revision !== null && ` · revision ${step.revision}`}
              </>
            )}
          </p>
          <PlanChanges step={step} />
          {step.hosts.length > 0 && (
            <div className="mt-1.5 flex flex-wrap gap-1">
              {step.hosts.map((host, i) => (
                <span key={`${host}-${i}`} className="rounded bg-zinc-100 px-1.5 py-px font-mono text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
                  {host}
                </span>
              ))}
            </div>
          )}
          {step.pending !== null && (
            <p className="mt-1.5 flex gap-1.5 text-xs text-amber-700 dark:text-amber-300">
              <Icon name="alert" className="mt-px size-3.5 shrink-0" />
              {step.pending}
            </p>
          )}
          <PlanReach step={step} />
        </li>
      ))}
    </ul>
  );
}

/** What the plan changes in the service, a line a field ("image: app:v1 → app:v2"); environment by name only. */
function PlanChanges({ step }: { step: ServicePlan }) {
  const lines = describeChanges(step);
  if (lines.length === 0) return null;
  return (
    <ul data-testid="plan-changes" className="mt-1.5 flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
      {lines.map((line, i) => (
        <li key={i} data-testid="plan-change" className="min-w-0 font-mono text-[11px] break-all">
          {line}
        </li>
      ))}
    </ul>
  );
}

/** The service's ports (where each answers from), its bind mounts, and what reaches into the host. */
function PlanReach({ step }: { step: ServicePlan }) {
  const otherAccess = step.hostAccess.filter((h) => h.kind !== 'bind');
  if (step.ports.length === 0 && step.binds.length === 0 && otherAccess.length === 0) return null;
  return (
    <ul className="mt-1.5 flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400">
      {step.ports.map((port, i) => (
        <li key={`port-${i}`} data-testid="plan-port" data-reach={port.reach} className="flex gap-1.5">
          <Icon name="network" className="mt-px size-3.5 shrink-0 text-zinc-400" />
          <span className="min-w-0 font-mono text-[11px]">{describePlanPort(port)}</span>
        </li>
      ))}
      {step.binds.map((bind, i) => (
        <li key={`bind-${i}`} data-testid="plan-bind" data-host-access={bind.hostAccess !== null ? 'true' : 'false'}>
          <div className="flex gap-1.5">
            <Icon name="file" className="mt-px size-3.5 shrink-0 text-zinc-400" />
            <span className="min-w-0 font-mono text-[11px] break-all">{describePlanBind(bind)}</span>
            {bind.hostAccess !== null && <HostAccessBadge />}
          </div>
          {bind.hostAccess !== null && <p className="ml-5 text-amber-700 dark:text-amber-300">{bind.hostAccess}</p>}
        </li>
      ))}
      {otherAccess.map((access, i) => (
        <li key={`access-${i}`} data-testid="plan-host-access">
          <div className="flex gap-1.5">
            <Icon name="shield" className="mt-px size-3.5 shrink-0 text-amber-600 dark:text-amber-400" />
            <span className="min-w-0 font-mono text-[11px]">{access.what}</span>
            <HostAccessBadge />
          </div>
          <p className="ml-5 text-amber-700 dark:text-amber-300">{access.why}</p>
        </li>
      ))}
    </ul>
  );
}

function HostAccessBadge() {
  return (
    <span className="shrink-0 rounded-full bg-amber-50 px-1.5 py-px text-[10px] font-medium text-amber-800 ring-1 ring-amber-600/20 ring-inset dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/25">
      host access
    </span>
  );
}

function ApplyProgress({ plan, services }: { plan: StackPlan; services: readonly ServiceStatus[] }) {
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800/70 dark:border-zinc-800">
      {plan.services.map((step) => {
        const live = services.find((s) => s.stack === plan.stack && s.name === step.name);
        if (step.action === 'remove') {
          return (
            <li key={step.name} data-testid="plan-row" data-service={step.name} data-action={step.action} className="flex items-center gap-2 px-3 py-2.5 text-[13px]">
              <span className="flex-1 font-medium">{step.name}</span>
              <span className="text-xs text-zinc-500">{live === undefined ? 'removed' : `stopping, ${live.running} running`}</span>
            </li>
          );
        }
        const desired = live?.desired ?? step.replicas;
        const available = live?.available ?? 0;
        const tone = live === undefined ? 'converging' : serviceTone(live);
        return (
          <li key={step.name} data-testid="plan-row" data-service={step.name} data-action={step.action} className="px-3 py-2.5 text-[13px]">
            <div className="flex items-center gap-2">
              <span className="min-w-0 flex-1 truncate font-medium">{step.name}</span>
              <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{live === undefined ? `0/${desired} available` : countsText(live)}</span>
              </span>
            </div>
            <div
              role="progressbar"
              aria-label={`Available replicas of ${plan.stack}/${step.name}`}
              aria-valuemin={0}
              aria-valuemax={desired}
              aria-valuenow={available}
              className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800"
            >
              <div
                className={cx('h-full rounded-full transition-[width] duration-300', tone === 'healthy' ? 'bg-emerald-500' : tone === 'pending' || tone === 'failing' ? 'bg-amber-500' : 'bg-indigo-500')}
                style={{ width: `${desired === 0 ? 100 : Math.min(100, (available / desired) * 100)}%` }}
              />
            </div>
            <p className={cx('mt-1 text-xs', live?.pending ? 'text-amber-700 dark:text-amber-300' : 'text-zinc-500 dark:text-zinc-400')}>
              {live?.pending ?? `${TONE_LABEL[tone]}${live !== undefined ? ` · ${live.running} running` : ''}`}
            </p>
          </li>
        );
      })}
    </ul>
  );
}

function ProblemList({ problems, testId, onJump }: { problems: readonly DraftProblem[]; testId: string; onJump: (line: number, column: number) => void }) {
  return (
    <ol className="flex flex-col gap-1">
      {problems.map((problem, index) => {
        const placed = problem.line > 0;
        const where = placed ? `${problem.line}:${problem.column}` : (problem.otherFile ?? 'stack');
        const body = (
          <>
            <span
              className={cx(
                'shrink-0 rounded px-1.5 py-px font-mono text-[11px] tabular-nums',
                problem.severity === 'error'
                  ? 'bg-red-100 text-red-700 dark:bg-red-500/15 dark:text-red-300'
                  : 'bg-amber-100 text-amber-800 dark:bg-amber-500/15 dark:text-amber-300',
              )}
            >
              {where}
            </span>
            <span className="min-w-0 text-zinc-800 dark:text-zinc-200">{problem.message}</span>
          </>
        );
        return (
          <li key={index} data-testid={testId} data-line={problem.line}>
            {placed ? (
              <button
                type="button"
                onClick={() => onJump(problem.line, problem.column)}
                title={`Go to line ${problem.line}`}
                className="flex w-full items-start gap-2 rounded-md px-1.5 py-1 text-left text-xs leading-relaxed hover:bg-zinc-100 dark:hover:bg-zinc-800/70"
              >
                {body}
              </button>
            ) : (
              <div className="flex items-start gap-2 px-1.5 py-1 text-xs leading-relaxed">{body}</div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
