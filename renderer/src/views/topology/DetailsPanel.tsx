// The side panel for what is selected on the topology: a host (`host.inspect`), a service
// (`service.inspect`, with its scaling controls) or a replica (`replica.inspect`). Refetched when
// an event about it arrives. Counts and states come from the live snapshot; the inspected detail
// adds what the snapshot does not carry (spec, labels, ports, events).
import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { BatonEvent, HostDetail, ReplicaDetail, ReplicaStatus, ServiceDetail } from '../../../../shared/api.ts';
import { useApi } from '../../state/app-state.tsx';
import { Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { CloseButton } from '../../ui/CloseButton.tsx';
import { LoadFailed } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { formatEventTime } from '../events/format.ts';
import { describeTarget, hashOfTarget, type LogTarget } from '../logs/log-target.ts';
import { formatArch, formatBytes, hostAddress } from '../hosts/format.ts';
import { HostStateBadge } from '../hosts/HostStateBadge.tsx';
import { ReservationMeter } from './HostGroup.tsx';
import { formatAgo, specLabels, specSummary } from './format.ts';
import { CHIP_LOOK } from './looks.ts';
import { formatCpus } from '../hosts/reservation.ts';
import { convergence, hostCapacity, LOOK_LABELS, replicaLook, type TopologyModel } from './model.ts';
import { InspectLoader, selectionId, type InspectState, type Selection } from './inspect.ts';
import type { ServiceAction } from './scale-actions.ts';
import { ServiceControls } from './ServiceControls.tsx';
import { RolloutSection } from '../rollout/RolloutSection.tsx';
import { ConvergenceLine } from './ServiceList.tsx';
import { TerminalDialog } from '../terminal/TerminalDialog.tsx';
import { MetricsCharts } from '../charts/MetricsCharts.tsx';
import { ReplicaActions } from './ReplicaActions.tsx';
import { HostActions } from '../hosts/HostActions.tsx';

const NO_ACTION: ServiceAction = { request: null, error: null };
const EVENTS_SHOWN = 12;

export interface DetailsPanelProps {
  selection: Selection;
  model: TopologyModel;
  action: ServiceAction | undefined;
  connected: boolean;
  onSelect: (selection: Selection) => void;
  onClose: () => void;
  onScale: (service: string, replicas: number) => void;
  onDismissError: (service: string) => void;
}

export function DetailsPanel(props: DetailsPanelProps) {
  const { selection, onClose } = props;
  const api = useApi();
  const id = selectionId(selection);
  // One loader per selected thing; `selection` is a new object on every click, its id is not.
  const loader = useMemo(() => new InspectLoader(api, selection), [api, id]);
  useEffect(() => loader.start(), [loader]);
  const state = useSyncExternalStore(loader.subscribe, loader.getSnapshot);

  const kindLabel = selection.kind === 'host' ? 'Host' : selection.kind === 'service' ? 'Service' : 'Replica';
  return (
    <aside
      data-testid="details"
      aria-label={`${kindLabel} details`}
      className="flex w-[22rem] shrink-0 flex-col overflow-hidden border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950"
    >
      <div className="flex h-10 shrink-0 items-center gap-2 border-b border-zinc-200 px-4 dark:border-zinc-800">
        <span className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{kindLabel}</span>
        <CloseButton onClick={onClose} label="Close details" title="Close (Esc)" className="ml-auto" />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-4 pt-4 pb-8 text-[13px]">
        <DetailsBody {...props} state={state} onRetry={() => void loader.refresh()} />
      </div>
    </aside>
  );
}

function DetailsBody(props: DetailsPanelProps & { state: InspectState; onRetry: () => void }) {
  const { selection, state, onRetry } = props;
  if (state.inspected === null) {
    if (state.status === 'loading') {
      return (
        <div className="flex items-center gap-2 py-10 text-zinc-500">
          <Spinner /> Loading…
        </div>
      );
    }
    if (state.error?.code === 'NOT_FOUND') {
      const what = selection.kind === 'service' ? selection.key : selection.name;
      return (
        <div className="py-8 text-center">
          <p className="font-medium">{what} is gone</p>
          <p className="mt-1 text-zinc-500">It was removed from the cluster. Pick something else on the topology.</p>
        </div>
      );
    }
    if (state.error !== null) {
      return (
        <LoadFailed error={state.error} title="Could not load the details" onRetry={onRetry} />
      );
    }
    return null;
  }
  const inspected = state.inspected;
  switch (inspected.kind) {
    case 'host':
      return <HostDetails detail={inspected.detail} {...props} />;
    case 'service':
      return <ServiceDetails detail={inspected.detail} {...props} />;
    case 'replica':
      return <ReplicaDetails detail={inspected.detail} {...props} />;
  }
}

/** To the logs view, following this service's or replica's log. */
function LogsLink({ target }: { target: LogTarget }) {
  const what = describeTarget(target);
  return (
    <a
      href={hashOfTarget(target)}
      title={`Logs of ${what}`}
      className="ml-auto inline-flex h-6 items-center gap-1 rounded-md px-1.5 text-[12px] font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
    >
      <Icon name="terminal" className="size-3.5" />
      Logs
    </a>
  );
}

// ---------------------------------------------------------------- host

function HostDetails({ detail, model, connected, onSelect }: DetailsPanelProps & { detail: HostDetail }) {
  const live = model.hostsByName.get(detail.host.name);
  const host = live?.host ?? detail.host;
  const inv = detail.host.inventory ?? host.inventory;
  const capacity = live === undefined ? null : hostCapacity(live);
  const labels = Object.entries(host.labels).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="flex flex-col gap-5">
      <div>
        <div className="flex items-center gap-2">
          <Icon name={host.kind === 'local' ? 'laptop' : 'server'} className="size-4 text-zinc-400" />
          <h2 className="min-w-0 truncate text-[15px] font-semibold tracking-tight">{host.name}</h2>
          <span className="ml-auto">
            <HostStateBadge state={host.state} />
          </span>
        </div>
        <p className="mt-1 font-mono text-[12px] text-zinc-500 select-text dark:text-zinc-400">{hostAddress(host)}</p>
        {host.state !== 'ready' && host.stateReason !== null && (
          <p className="mt-2 rounded-md bg-red-50 px-2.5 py-2 text-[12px] text-red-900 dark:bg-red-500/10 dark:text-red-200">{host.stateReason}</p>
        )}
        <div className="mt-3">
          <HostActions key={host.name} host={host} replicas={live?.replicas.length ?? 0} connected={connected} />
        </div>
      </div>

      {capacity !== null && inv !== null && (
        <Section title="Reserved">
          <div className="grid grid-cols-[3rem_1fr_auto] items-center gap-x-3 gap-y-2 text-[12px]">
            <span className="text-zinc-500">CPU</span>
            <ReservationMeter fraction={capacity.cpu} label={`CPU reserved on ${host.name}`} />
            <span className="tabular-nums">
              {formatCpus(capacity.cpusReserved)} of {inv.cpus}
            </span>
            <span className="text-zinc-500">Memory</span>
            <ReservationMeter fraction={capacity.memory} label={`Memory reserved on ${host.name}`} />
            <span className="tabular-nums">
              {formatBytes(capacity.memoryReserved)} of {formatBytes(inv.memoryBytes)}
            </span>
          </div>
        </Section>
      )}

      <Section title="Load">
        <MetricsCharts subject={{ kind: 'host', name: host.name }} />
      </Section>

      <Section title="Machine">
        {inv === null ? (
          <p className="text-zinc-500">Not known yet: Baton reads it when the host first connects.</p>
        ) : (
          <Rows
            rows={[
              ['Hostname', inv.hostname],
              ['System', inv.os],
              ['Kernel', inv.kernel],
              ['Architecture', formatArch(inv.architecture)],
              ['CPUs', String(inv.cpus)],
              ['Memory', formatBytes(inv.memoryBytes)],
              ['Docker', `${inv.dockerVersion} (API ${inv.apiVersion})`],
              ['Last seen', formatAgo(host.lastSeenAt)],
            ]}
          />
        )}
      </Section>

      <Section title="Labels">
        {labels.length === 0 && (inv?.engineLabels.length ?? 0) === 0 ? (
          <p className="text-zinc-500">No labels. Placement constraints match on them (node.labels.KEY).</p>
        ) : (
          <Tags tags={[...labels.map(([k, v]) => `${k}=${v}`), ...(inv?.engineLabels ?? []).map((l) => `engine: ${l}`)]} />
        )}
      </Section>

      <Section title={`Replicas (${live?.replicas.length ?? 0})`}>
        <ReplicaList replicas={live?.replicas ?? []} show="service" onSelect={onSelect} />
      </Section>

      <Section title="Recent events">
        <EventList events={detail.events} />
      </Section>
    </div>
  );
}

// ---------------------------------------------------------------- service

function ServiceDetails({ detail, model, action, connected, onSelect, onScale, onDismissError }: DetailsPanelProps & { detail: ServiceDetail }) {
  const key = `${detail.status.stack}/${detail.status.name}`;
  const live = model.servicesByKey.get(key);
  const status = live?.status ?? detail.status;
  const currentAction = action ?? NO_ACTION;
  const c = live === undefined ? null : convergence(live, currentAction.request);
  const rows = specSummary(detail.spec);
  const labels = specLabels(detail.spec);
  const revisions = [...detail.revisions].sort((a, b) => b.revision - a.revision);
  return (
    <div className="flex flex-col gap-5">
      <div>
        <p className="text-[12px] text-zinc-500 dark:text-zinc-400">{status.stack}</p>
        <div className="flex items-center gap-2">
          <h2 className="text-[15px] font-semibold tracking-tight">{status.name}</h2>
          <LogsLink target={{ kind: 'service', stack: status.stack, service: status.name }} />
        </div>
        <p className="mt-0.5 font-mono text-[12px] break-all text-zinc-600 select-text dark:text-zinc-400">{status.image}</p>
      </div>

      <Section title="Replicas">
        {c === null ? (
          <p className="text-zinc-500">Not in the cluster snapshot yet.</p>
        ) : (
          <div className="flex flex-col gap-2.5">
            <div className="grid grid-cols-4 gap-2 text-center">
              <Count label="desired" value={c.desired} />
              <Count label="available" value={c.available} />
              <Count label="healthy" value={c.healthy} />
              <Count label="unknown" value={c.unknown} />
            </div>
            <ConvergenceLine service={key} convergence={c} testHooks={false} />
            <ServiceControls
              service={key}
              convergence={c}
              action={currentAction}
              disabled={!connected}
              onScale={(n) => onScale(key, n)}
              onDismissError={() => onDismissError(key)}
              roomy
            />
            {status.preferredHost !== null && (
              <p className="text-[12px] text-zinc-500">
                New replicas go to <HostLink name={status.preferredHost} onSelect={onSelect} /> while it can take them.
              </p>
            )}
          </div>
        )}
      </Section>

      <Section title="Metrics">
        <MetricsCharts subject={{ kind: 'service', key }} replicas={live?.replicas.map((r) => r.name)} />
      </Section>

      <Section title="Service">
        <Rows
          rows={[
            ['Revision', `${status.revision}${revisions.length > 1 ? ` (of ${revisions.length})` : ''}`],
            ['Ports', status.ports.length === 0 ? 'none published' : status.ports.join(', ')],
            ...rows.map((r): [string, string] => [r.label, r.value]),
            ...(detail.file !== null ? ([['File', detail.file]] as Array<[string, string]>) : []),
          ]}
        />
      </Section>

      {labels.length > 0 && (
        <Section title="Labels">
          <Tags tags={labels.map(([k, v]) => `${k}=${v}`)} />
        </Section>
      )}

      <Section title={`On hosts (${live?.replicas.length ?? 0})`}>
        <ReplicaList replicas={live?.replicas ?? []} show="host" onSelect={onSelect} />
      </Section>

      <Section title="Rollout">
        <RolloutSection
          service={key}
          image={detail.spec.image}
          replicas={status.desired}
          environment={Object.keys(detail.spec.environment)}
          connected={connected}
        />
      </Section>

      <Section title="Recent events">
        <EventList events={detail.events} />
      </Section>
    </div>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-md border border-zinc-200 py-1.5 dark:border-zinc-800">
      <p className="text-[15px] font-semibold tabular-nums">{value}</p>
      <p className="text-[11px] text-zinc-500">{label}</p>
    </div>
  );
}

// ---------------------------------------------------------------- replica

function ReplicaDetails({ detail, model, connected, onSelect }: DetailsPanelProps & { detail: ReplicaDetail }) {
  const replica = model.replicasByName.get(detail.replica.name) ?? detail.replica;
  const [terminalOpen, setTerminalOpen] = useState(false);
  const look = replicaLook(replica);
  const service = `${replica.stack}/${replica.service}`;
  const desiredRevision = model.servicesByKey.get(service)?.status.revision ?? null;
  const labels = Object.entries(detail.labels).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="flex flex-col gap-5">
      <div>
        <h2 className="font-mono text-[14px] font-semibold break-all select-text">{replica.name}</h2>
        <div className="mt-1.5 flex items-center gap-2">
          <span className={cx('inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-[12px] ring-1 ring-inset', CHIP_LOOK[look].body)}>
            <span className={cx('size-1.5 rounded-full', CHIP_LOOK[look].dot)} />
            {LOOK_LABELS[look]}
          </span>
          <LogsLink target={{ kind: 'replica', name: replica.name }} />
          <button
            type="button"
            className="text-[12px] text-indigo-600 hover:underline disabled:text-zinc-400 disabled:no-underline dark:text-indigo-400"
            disabled={replica.state !== 'running'}
            title={replica.state !== 'running' ? `A terminal opens only in a running replica (this one is ${replica.state})` : undefined}
            onClick={() => setTerminalOpen(true)}
          >
            Terminal
          </button>
        </div>
      </div>
      <ReplicaActions key={replica.name} replica={replica} desired={model.servicesByKey.get(service)?.status.desired ?? null} connected={connected} />
      {terminalOpen && <TerminalDialog replica={replica.name} onClose={() => setTerminalOpen(false)} />}
      <Section title="Replica">
        <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-[12px]">
          <Row label="Service">
            <button type="button" className="text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => onSelect({ kind: 'service', key: service })}>
              {service}
            </button>
          </Row>
          <Row label="Host">
            <HostLink name={replica.host} onSelect={onSelect} />
            {!replica.hostReady && <span className="ml-1.5 text-red-600 dark:text-red-400">(unreachable)</span>}
          </Row>
          <Row label="Slot">{replica.slot}</Row>
          <Row label="State">
            {replica.state}
            {replica.health !== 'none' && `, ${replica.health}`}
          </Row>
          <Row label="Revision">
            {replica.revision}{' '}
            {replica.current ? (
              <span className="text-zinc-500">(current)</span>
            ) : (
              <span className="text-violet-700 dark:text-violet-300">(older{desiredRevision !== null ? `; desired is ${desiredRevision}` : ''})</span>
            )}
          </Row>
          <Row label="Image">
            <span className="font-mono break-all">{detail.image}</span>
          </Row>
          <Row label="Ports">{detail.ports.length === 0 ? 'none' : detail.ports.join(', ')}</Row>
          <Row label="Started">
            <span title={detail.startedAt ?? undefined}>{formatAgo(detail.startedAt)}</span>
          </Row>
          {detail.finishedAt !== null && (
            <Row label="Finished">
              <span title={detail.finishedAt}>{formatAgo(detail.finishedAt)}</span>
            </Row>
          )}
          {detail.exitCode !== null && <Row label="Exit code">{detail.exitCode}</Row>}
          <Row label="Restarts">{detail.restartCount}</Row>
          <Row label="Created">
            <span title={replica.createdAt}>{formatAgo(replica.createdAt)}</span>
          </Row>
        </dl>
      </Section>
      <Section title="Metrics">
        <MetricsCharts subject={{ kind: 'replica', name: replica.name, service }} />
      </Section>
      {detail.envNames.length > 0 && (
        <Section title="Environment">
          <Tags tags={[...detail.envNames].sort()} />
        </Section>
      )}
      {labels.length > 0 && (
        <Section title="Labels">
          <Tags tags={labels.map(([k, v]) => `${k}=${v}`)} />
        </Section>
      )}
      <Section title="Recent events">
        <EventList events={detail.events} />
      </Section>
    </div>
  );
}

// ---------------------------------------------------------------- pieces

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <h3 className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{title}</h3>
      {children}
    </section>
  );
}

function Rows({ rows }: { rows: ReadonlyArray<readonly [string, string]> }) {
  return (
    <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-[12px]">
      {rows.map(([label, value]) => (
        <Row key={label} label={label}>
          {value}
        </Row>
      ))}
    </dl>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words text-zinc-900 select-text dark:text-zinc-100">{children}</dd>
    </>
  );
}

function Tags({ tags }: { tags: string[] }) {
  return (
    <div className="flex flex-wrap gap-1">
      {tags.map((tag) => (
        <span key={tag} className="max-w-full truncate rounded bg-zinc-100 px-1.5 py-px font-mono text-[11px] text-zinc-700 select-text dark:bg-zinc-800 dark:text-zinc-300" title={tag}>
          {tag}
        </span>
      ))}
    </div>
  );
}

function HostLink({ name, onSelect }: { name: string; onSelect: (s: Selection) => void }) {
  return (
    <button type="button" className="text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => onSelect({ kind: 'host', name })}>
      {name}
    </button>
  );
}

function ReplicaList({ replicas, show, onSelect }: { replicas: ReplicaStatus[]; show: 'host' | 'service'; onSelect: (s: Selection) => void }) {
  if (replicas.length === 0) return <p className="text-[12px] text-zinc-500">None.</p>;
  const shown = replicas.slice(0, 100);
  return (
    <ul className="flex flex-col">
      {shown.map((r) => {
        const look = replicaLook(r);
        return (
          <li key={r.name}>
            <button
              type="button"
              onClick={() => onSelect({ kind: 'replica', name: r.name })}
              className="flex w-full items-center gap-2 rounded px-1.5 py-1 text-left text-[12px] hover:bg-zinc-100 dark:hover:bg-zinc-900"
              title={look === 'unknown' ? `Unknown: host ${r.host} is unreachable` : LOOK_LABELS[look]}
            >
              <span className={cx('size-2 shrink-0 rounded-full', CHIP_LOOK[look].dot)} />
              <span className="min-w-0 truncate font-mono">{r.name}</span>
              <span className="ml-auto shrink-0 text-zinc-500">{show === 'host' ? r.host : `${r.stack}/${r.service}`}</span>
            </button>
          </li>
        );
      })}
      {replicas.length > shown.length && <li className="px-1.5 py-1 text-[12px] text-zinc-500">and {replicas.length - shown.length} more</li>}
    </ul>
  );
}

const SEVERITY_DOT: Record<BatonEvent['severity'], string> = {
  info: 'bg-zinc-300 dark:bg-zinc-600',
  warning: 'bg-amber-500',
  error: 'bg-red-500',
};

function EventList({ events }: { events: BatonEvent[] }) {
  if (events.length === 0) return <p className="text-[12px] text-zinc-500">Nothing yet.</p>;
  const newest = [...events].sort((a, b) => b.id - a.id).slice(0, EVENTS_SHOWN);
  return (
    <ol className="flex flex-col gap-2">
      {newest.map((event) => (
        <li key={event.id} className="flex gap-2 text-[12px]">
          <span className={cx('mt-1.5 size-1.5 shrink-0 rounded-full', SEVERITY_DOT[event.severity])} />
          <div className="min-w-0">
            <p className="text-zinc-800 dark:text-zinc-200">{event.message}</p>
            <p className="text-[11px] text-zinc-500">
              <time dateTime={event.time} title={event.time}>
                {formatEventTime(event.time)}
              </time>{' '}
              · <span className="font-mono">{event.kind}</span>
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
