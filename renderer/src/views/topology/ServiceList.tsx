// The services column: each service as a node (drag it onto a host to add a replica there), its
// count handle (drag left or right), its convergence, and its scaling controls. Grouped by stack.
import { memo, useLayoutEffect, useRef, type RefObject } from 'react';
import { CopyCommand } from '../../ui/CopyCommand.tsx';
import { cx } from '../../ui/cx.ts';
import { Icon } from '../../ui/icons.tsx';
import { convergedText, convergence, unknownText, type Convergence, type ServiceNode, type ServicePhase, type StackGroup } from './model.ts';
import type { ServiceAction, ServiceActions } from './scale-actions.ts';
import { ServiceControls } from './ServiceControls.tsx';
import { publishedPort } from './format.ts';

const NO_ACTION: ServiceAction = { request: null, error: null };

export interface ServiceListProps {
  scrollRef: RefObject<HTMLDivElement | null>;
  stacks: StackGroup[];
  /** Services in the cluster before filtering. */
  total: number;
  needle: string;
  actions: ServiceActions;
  selected: string | null;
  connected: boolean;
  onScale: (service: string, replicas: number) => void;
  onDismissError: (service: string) => void;
  onHover: (service: string | null) => void;
  /** After each render: rows may have grown or moved (a pending reason, an error). */
  onRendered: () => void;
  onScroll: () => void;
}

export function ServiceList(props: ServiceListProps) {
  const { scrollRef, stacks, total, needle, actions, selected, connected, onScale, onDismissError, onHover, onRendered, onScroll } = props;

  // The links start at the nodes: after each render the painter reads where they are (in its frame).
  useLayoutEffect(() => onRendered());

  return (
    <div
      ref={scrollRef}
      onScroll={onScroll}
      data-stale={connected ? undefined : ''}
      className={cx(
        // wider while empty, so the getting-started command fits
        total === 0 ? 'w-96' : 'w-72',
        'shrink-0 overflow-y-auto border-r border-zinc-200 bg-zinc-50/60 data-stale:saturate-0 dark:border-zinc-800 dark:bg-zinc-900/30',
      )}
    >
      <div className="relative px-3 pt-3 pb-6">
        <h2 className="px-1 pb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          Services {total > 0 && <span className="font-normal text-zinc-400 tabular-nums dark:text-zinc-500">{total}</span>}
        </h2>
        {total === 0 ? (
          <NoStacks />
        ) : stacks.length === 0 ? (
          <p className="px-1 py-6 text-[13px] text-zinc-500">No service matches “{needle}”.</p>
        ) : (
          stacks.map((stack) => (
            <section key={stack.name} className="mb-4" aria-label={`Stack ${stack.name}`}>
              <h3 className="flex items-center gap-1.5 px-1 pb-1.5 text-[12px] font-medium text-zinc-600 dark:text-zinc-400">
                <Icon name="layers" className="size-3.5 text-zinc-400 dark:text-zinc-500" />
                {stack.name}
              </h3>
              <div className="flex flex-col gap-2.5">
                {stack.services.map((service) => (
                  <ServiceRow
                    key={service.key}
                    service={service}
                    action={actions.get(service.key) ?? NO_ACTION}
                    selected={selected === service.key}
                    connected={connected}
                    onScale={onScale}
                    onDismissError={onDismissError}
                    onHover={onHover}
                  />
                ))}
              </div>
            </section>
          ))
        )}
      </div>
    </div>
  );
}

interface ServiceRowProps {
  service: ServiceNode;
  action: ServiceAction;
  selected: boolean;
  connected: boolean;
  onScale: (service: string, replicas: number) => void;
  onDismissError: (service: string) => void;
  onHover: (service: string | null) => void;
}

function sameRow(a: ServiceRowProps, b: ServiceRowProps): boolean {
  const x = a.service.status;
  const y = b.service.status;
  return (
    a.action === b.action &&
    a.selected === b.selected &&
    a.connected === b.connected &&
    a.onScale === b.onScale &&
    a.onDismissError === b.onDismissError &&
    a.onHover === b.onHover &&
    a.service.outdated === b.service.outdated &&
    a.service.degraded === b.service.degraded &&
    x.name === y.name &&
    x.image === y.image &&
    x.revision === y.revision &&
    x.desired === y.desired &&
    x.running === y.running &&
    x.healthy === y.healthy &&
    x.available === y.available &&
    x.unknown === y.unknown &&
    x.noHealthCheck === y.noHealthCheck &&
    x.unknownHosts.join() === y.unknownHosts.join() &&
    x.ports.join() === y.ports.join() &&
    x.revisions.map((r) => `${r.revision}:${r.available}`).join() === y.revisions.map((r) => `${r.revision}:${r.available}`).join() &&
    x.pending === y.pending
  );
}

/** One service: its node and, unless it is selected (its details have them), its controls. */
const ServiceRow = memo(function ServiceRow({ service, action, selected, connected, onScale, onDismissError, onHover }: ServiceRowProps) {
  const c = convergence(service, action.request);
  return (
    <div className="flex flex-col gap-1.5">
      <ServiceNodeCard service={service} convergence={c} selected={selected} onHover={onHover} />
      {!selected && (
        <div className="px-0.5">
          <ServiceControls
            service={service.key}
            convergence={c}
            action={action}
            disabled={!connected}
            onScale={(n) => onScale(service.key, n)}
            onDismissError={() => onDismissError(service.key)}
          />
        </div>
      )}
    </div>
  );
}, sameRow);

const PHASE_DOT: Record<ServicePhase, string> = {
  converged: 'bg-emerald-500',
  scaling: 'bg-amber-400',
  updating: 'bg-violet-500',
  degraded: 'bg-red-500',
  blocked: 'bg-red-500',
};

function ServiceNodeCard({ service, convergence: c, selected, onHover }: { service: ServiceNode; convergence: Convergence; selected: boolean; onHover: (key: string | null) => void }) {
  const { status } = service;
  return (
    <div
      data-testid="service-node"
      data-service={service.key}
      data-selected={selected ? '' : undefined}
      onPointerEnter={() => onHover(service.key)}
      onPointerLeave={() => onHover(null)}
      className={cx(
        'relative cursor-grab touch-none rounded-lg border border-zinc-200 bg-white px-3 py-2 shadow-xs select-none hover:border-zinc-300 active:cursor-grabbing',
        'data-dragging:opacity-60 data-selected:border-indigo-400 data-selected:ring-1 data-selected:ring-indigo-400',
        'dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-700 dark:data-selected:border-indigo-500 dark:data-selected:ring-indigo-500',
      )}
      title={`Drag ${service.key} onto a host to add a replica there`}
    >
      <div className="flex h-5 items-center gap-2">
        <span className={cx('size-2 shrink-0 rounded-full', PHASE_DOT[c.phase])} />
        <button
          type="button"
          data-select="service"
          className="min-w-0 truncate text-left text-[13px] font-medium text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-100"
        >
          {status.name}
        </button>
        <CountHandle service={service.key} count={c.target} />
      </div>
      <div className="mt-0.5 flex items-center gap-2 pl-4 text-[11px] text-zinc-500 dark:text-zinc-400">
        <span className="min-w-0 truncate font-mono" title={status.image}>
          {status.image}
        </span>
        <span className="ml-auto shrink-0 tabular-nums" title={`Revision ${status.revision}`}>
          rev {status.revision}
        </span>
      </div>
      <PublishedPorts service={service} />
      <div className="pl-4">
        <ConvergenceLine service={service.key} convergence={c} />
      </div>
    </div>
  );
}

/** The ports the service answers on from outside its network: ":8080 → 80/tcp" each. */
function PublishedPorts({ service }: { service: ServiceNode }) {
  const ports = (service.status.portReach ?? []).flatMap((p) => {
    const shown = publishedPort(p);
    return shown === null ? [] : [shown];
  });
  if (ports.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-1 pl-4" aria-label={`Published ports of ${service.key}`}>
      {ports.map((p) => (
        <li key={p.text} data-testid="service-port" title={p.title} className="rounded bg-zinc-100 px-1 font-mono text-[10px] leading-4 text-zinc-600 tabular-nums dark:bg-zinc-800 dark:text-zinc-300">
          {p.text}
        </li>
      ))}
    </ul>
  );
}

function CountHandle({ service, count }: { service: string; count: number }) {
  // The number is written here, not rendered by React: while the handle is dragged the drag
  // controller writes the live count into the same element, so the handle's text is only ever
  // the number. The arrows are pseudo-elements (and text, not icons: see HostGroup on paint chunks).
  const numberRef = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    if (numberRef.current !== null) numberRef.current.textContent = String(count);
  }, [count]);
  return (
    <div
      data-testid="count-handle"
      data-service={service}
      data-count={count}
      title="Drag left or right to change the number of replicas"
      className={cx(
        'ml-auto flex h-5 shrink-0 cursor-ew-resize touch-none items-center rounded-md border border-zinc-200 bg-zinc-50 px-1 text-[12px] font-semibold text-zinc-800 tabular-nums',
        "before:px-0.5 before:font-normal before:text-zinc-400 before:content-['‹'] after:px-0.5 after:font-normal after:text-zinc-400 after:content-['›']",
        'hover:border-indigo-300 hover:bg-indigo-50 data-dragging:border-indigo-500 data-dragging:bg-indigo-50 data-dragging:text-indigo-700',
        'dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-100 dark:hover:border-indigo-500/60 dark:hover:bg-indigo-500/10 dark:data-dragging:bg-indigo-500/15 dark:data-dragging:text-indigo-200',
      )}
    >
      <span ref={numberRef} data-live="" className="min-w-5 text-center" />
    </div>
  );
}

/** The real counts, and while not converged the pending marker with what was asked. */
export function ConvergenceLine({ service, convergence: c, testHooks = true }: { service: string; convergence: Convergence; testHooks?: boolean }) {
  if (c.converged) {
    return (
      <p className="mt-1 text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
        {c.desired === 0 ? 'Scaled to 0' : convergedText(c)}
      </p>
    );
  }
  const tone =
    c.phase === 'blocked' || c.phase === 'degraded'
      ? 'bg-red-50 text-red-900 dark:bg-red-500/10 dark:text-red-200'
      : 'bg-amber-50 text-amber-900 dark:bg-amber-400/10 dark:text-amber-100';
  const sentence = `${c.available} available (${c.healthy} healthy) and ${c.running} running of ${c.desired} desired${c.unknown ? `; ${unknownText(c)}` : ''}${c.requesting ? `; asked for ${c.target}` : ''}`;
  return (
    <div
      data-testid={testHooks ? 'scale-pending' : undefined}
      data-service={testHooks ? service : undefined}
      className={cx('mt-1.5 rounded-md px-2 py-1 text-[11px] leading-snug tabular-nums', tone)}
      title={sentence}
    >
      <p className="flex items-center gap-x-1.5">
        <span>
          <b className="font-semibold">{c.available}</b> available
        </span>
        {c.available !== c.target && <span className="font-semibold text-indigo-700 dark:text-indigo-300">→ {c.target}</span>}
      </p>
      <p className="opacity-75">
        {c.healthy} healthy · {c.running} running · {c.desired} desired
      </p>
      {c.revisions.length > 0 && <p className="mt-0.5 opacity-80">{c.revisions.map((r) => `rev ${r.revision}: ${r.available}`).join(' · ')} available</p>}
      {c.unknown > 0 && <p className="mt-0.5 font-medium">{unknownText(c)}</p>}
      {c.outdated > 0 && <p className="mt-0.5 opacity-80">{c.outdated} on an older revision</p>}
      {c.blockedBy !== null && <p className="mt-0.5 font-medium">{c.blockedBy}</p>}
    </div>
  );
}

function NoStacks() {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-3.5 py-4 dark:border-zinc-700 dark:bg-zinc-900/60">
      <div className="flex size-8 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600 dark:bg-indigo-500/10 dark:text-indigo-300">
        <Icon name="layers" className="size-4" />
      </div>
      <p className="mt-2.5 text-[13px] font-medium">No services yet</p>
      <p className="mt-1 text-[12px] leading-relaxed text-zinc-600 dark:text-zinc-400">
        Deploy a stack: apply a Compose file and its services appear here, linked to the replicas on your hosts.
      </p>
      <a
        href="#/stacks"
        className="mt-3 inline-flex h-7 items-center gap-1.5 rounded-md bg-indigo-600 px-2.5 text-[12px] font-medium text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
      >
        <Icon name="layers" className="size-3.5" />
        Apply a Compose file
      </a>
      <p className="mt-3 mb-1.5 text-[11px] text-zinc-500">Or from a terminal:</p>
      <CopyCommand command="baton apply -f compose.yaml" />
    </div>
  );
}
