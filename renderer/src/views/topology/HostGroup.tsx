// One host on the topology canvas: its state, what is reserved of its CPUs and memory, and its
// replicas as chips. Memoized on a signature of what it shows, so a snapshot that changes one
// host re-renders one group, not fifty. Dragging and selection are handled by the canvas (event
// delegation), so a group holds no callbacks. No SVG icons, overflow clips or animations inside:
// each one is a separate paint chunk, and the compositor re-layers every chunk on each frame of a drag.
import { memo } from 'react';
import { useHostRequestRate, type HostRequests } from './host-requests.ts';
import type { HostState, ReplicaStatus } from '../../../../shared/api.ts';
import { cx } from '../../ui/cx.ts';
import { Meter } from '../../ui/Meter.tsx';
import { formatBytes } from '../hosts/format.ts';
import { chipOffset, type ChipMetrics, type GroupBox } from './layout.ts';
import { CHIP_LOOK, SQUARE_LOOK } from './looks.ts';
import { formatCpus } from '../hosts/reservation.ts';
import { requestsText } from './format.ts';
import { hostCapacity, reservedText, LOOK_LABELS, replicaDimmed, replicaLook, replicaServiceKey, type HostNode, type RevisionMark, POOL_LABELS } from './model.ts';

const STATE: Record<HostState, { label: string; dot: string; border: string; text: string }> = {
  ready: { label: 'Ready', dot: 'bg-emerald-500', border: 'border-zinc-200 dark:border-zinc-800', text: 'text-zinc-500 dark:text-zinc-400' },
  connecting: {
    label: 'Connecting',
    dot: 'bg-amber-400',
    border: 'border-amber-300/80 dark:border-amber-500/30',
    text: 'text-amber-700 dark:text-amber-300',
  },
  unreachable: {
    label: 'Unreachable',
    dot: 'bg-red-500',
    border: 'border-red-300/80 bg-zinc-50/80 dark:border-red-500/30 dark:bg-zinc-900/30',
    text: 'text-red-700 dark:text-red-300',
  },
  draining: { label: 'Draining', dot: 'bg-sky-500', border: 'border-sky-300/80 dark:border-sky-500/30', text: 'text-sky-700 dark:text-sky-300' },
};

export interface HostGroupProps {
  node: HostNode;
  box: GroupBox;
  chip: ChipMetrics;
  needle: string;
  selected: boolean;
  /** The selected replica when it runs on this host, else null. */
  selectedReplica: string | null;
  /** Requests/s per host (the metrics stream); the badge reads its own host's, so a frame re-renders no group. */
  requests: HostRequests;
}

function sameProps(a: HostGroupProps, b: HostGroupProps): boolean {
  return (
    a.node.signature === b.node.signature &&
    a.box.x === b.box.x &&
    a.box.y === b.box.y &&
    a.box.w === b.box.w &&
    a.box.h === b.box.h &&
    a.box.perRow === b.box.perRow &&
    a.chip === b.chip &&
    a.needle === b.needle &&
    a.selected === b.selected &&
    a.selectedReplica === b.selectedReplica &&
    a.requests === b.requests
  );
}

export const HostGroup = memo(function HostGroup({ node, box, chip, needle, selected, selectedReplica, requests }: HostGroupProps) {
  const { host, replicas } = node;
  const state = STATE[host.state];
  return (
    <div
      data-testid="host-group"
      data-host={host.name}
      data-state={host.state}
      className={cx(
        'absolute rounded-lg border bg-white shadow-xs dark:bg-zinc-900/70',
        state.border,
        selected && 'ring-2 ring-indigo-500 dark:ring-indigo-400',
        'data-[drop=ok]:border-indigo-400 data-[drop=ok]:bg-indigo-50/80 data-[drop=ok]:ring-2 data-[drop=ok]:ring-indigo-500 dark:data-[drop=ok]:bg-indigo-500/10',
        'data-[drop=bad]:ring-2 data-[drop=bad]:ring-red-400/70',
        'data-[drop=stay]:ring-1 data-[drop=stay]:ring-zinc-300 dark:data-[drop=stay]:ring-zinc-600',
      )}
      style={{ left: box.x, top: box.y, width: box.w, height: box.h }}
    >
      <div className="px-3 pt-2.5">
        <div className="flex h-5 items-center gap-2">
          <button
            type="button"
            data-select="host"
            className="min-w-0 truncate text-left text-[13px] font-medium text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-100"
            title={`Show ${host.name}`}
          >
            {host.name}
          </button>
          <span className={cx('flex shrink-0 items-center gap-1 text-[11px]', state.text)}>
            <span className={cx('size-1.5 rounded-full', state.dot)} />
            {state.label}
          </span>
          {host.kind === 'local' && (
            <span className="shrink-0 rounded bg-zinc-100 px-1 text-[10px] text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400" title="This machine’s Docker engine">
              local
            </span>
          )}
          <span className="ml-auto shrink-0 text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
            {replicas.length} {replicas.length === 1 ? 'replica' : 'replicas'}
          </span>
        </div>
        {host.state === 'ready' || host.stateReason === null ? <CapacityBars node={node} requests={requests} /> : <Reason text={host.stateReason} className={state.text} />}
      </div>
      {replicas.length === 0 ? (
        <p className="absolute left-3 text-[11px] text-zinc-400 dark:text-zinc-500" style={{ top: chipOffset(box, 0, chip).y + 3 }}>
          No replicas
        </p>
      ) : (
        replicas.map((replica, index) => (
          <Chip key={replica.name} replica={replica} mark={node.marks.get(replica.name) ?? null} position={chipOffset(box, index, chip)} chip={chip} dim={replicaDimmed(needle, replica)} selected={replica.name === selectedReplica} />
        ))
      )}
    </div>
  );
}, sameProps);

/** The host's ingress: what came in through it, and what its replicas served (through any host's ingress). */
function IngressLine({ requests, host }: { requests: HostRequests; host: string }) {
  const traffic = useHostRequestRate(requests, host);
  const served = traffic?.served ?? null;
  const ingress = traffic?.ingress ?? null;
  const title =
    traffic === null
      ? `Ingress on ${host}: no figure yet (the metrics stream says it once a second while the host's ingress runs)`
      : `Ingress on ${host}: ${ingress === null ? 'no figure' : `${requestsText(ingress)} came in through it`}${served === null ? '' : `; its replicas served ${requestsText(served)}, through any host's ingress`}`;
  return (
    <div className="col-span-3 flex items-center gap-2" title={title}>
      <span>Ingress</span>
      {ingress === null ? (
        <span className="text-zinc-400 dark:text-zinc-500">—</span>
      ) : (
        <span data-testid="host-ingress" data-per-sec={ingress} className="rounded bg-sky-50 px-1 text-[10px] text-sky-700 tabular-nums dark:bg-sky-500/10 dark:text-sky-300">
          {requestsText(ingress)}
        </span>
      )}
      {served !== null && (
        <span data-testid="host-requests" className="ml-auto text-[10px] tabular-nums">
          {requestsText(served)} served
        </span>
      )}
    </div>
  );
}

function Reason({ text, className }: { text: string; className: string }) {
  return (
    <p className={cx('mt-2 line-clamp-2 text-[11px] leading-4', className)} title={text}>
      {text}
    </p>
  );
}

function CapacityBars({ node, requests }: { node: HostNode; requests: HostRequests }) {
  const inv = node.host.inventory;
  const capacity = hostCapacity(node);
  return (
    <div className="mt-2 grid grid-cols-[2rem_1fr_auto] items-center gap-x-2 gap-y-1 text-[11px] leading-4 text-zinc-500 dark:text-zinc-400">
      <span>CPU</span>
      <ReservationMeter fraction={capacity.cpu} label={`CPU reserved on ${node.host.name}`} />
      <span className="text-right tabular-nums">
        {inv === null ? '—' : `${formatCpus(capacity.cpusReserved)} / ${inv.cpus}`}
      </span>
      <span>Mem</span>
      <ReservationMeter fraction={capacity.memory} label={`Memory reserved on ${node.host.name}`} />
      <span className="text-right tabular-nums">
        {inv === null ? '—' : `${formatBytes(capacity.memoryReserved)} / ${formatBytes(inv.memoryBytes)}`}
      </span>
      <IngressLine requests={requests} host={node.host.name} />
    </div>
  );
}

/** How much of a host's CPU or memory is reserved (a fraction; null while its capacity is unknown). */
export function ReservationMeter({ fraction, label }: { fraction: number | null; label: string }) {
  return <Meter percent={(fraction ?? 0) * 100} valueText={reservedText(fraction)} label={label} />;
}

function Chip({ replica, mark, position, chip, dim, selected }: { replica: ReplicaStatus; mark: RevisionMark | null; position: { x: number; y: number }; chip: ChipMetrics; dim: boolean; selected: boolean }) {
  const look = replicaLook(replica);
  const title = `${replica.name} · ${look === 'unknown' ? `Unknown: host ${replica.host} is unreachable (Docker said ${replica.health === 'none' ? replica.state : replica.health} last)` : LOOK_LABELS[look]}${replica.current ? '' : ` · revision ${replica.revision}, not the current one`}${replica.pool !== undefined ? ` · ${POOL_LABELS[replica.pool]}` : ''}`;
  const common = {
    'data-testid': 'replica',
    'data-replica': replica.name,
    'data-service': replicaServiceKey(replica),
    'data-state': replica.state,
    'data-health': replica.health,
    'data-status': replica.status,
    'data-host': replica.host,
    'data-selected': selected ? '' : undefined,
    'data-revision': replica.revision,
    'data-pool': replica.pool,
    'data-revision-mark': mark ?? undefined,
    title,
    style: { left: position.x, top: position.y, width: chip.w, height: chip.h },
  };
  const shared = cx(
    'absolute cursor-grab touch-none select-none active:cursor-grabbing',
    dim && 'opacity-25',
    // outlines, not rings: a chip's ring is its own border
    'data-linked:outline-2 data-linked:outline-offset-1 data-linked:outline-solid data-linked:outline-indigo-500/70 dark:data-linked:outline-indigo-400/70',
    'data-selected:outline-2 data-selected:outline-offset-1 data-selected:outline-solid data-selected:outline-indigo-600 dark:data-selected:outline-indigo-400',
    'data-removing:opacity-30',
    // the ingress's view: a draining replica framed dashed (inside: the outlines say linked and selected), one out of the pools greyed
    replica.pool === 'out' && replica.status !== 'stopped' && 'grayscale',
  );
  // Mid-rollout, a stripe along the chip's foot says which revision it runs: old violet, new sky.
  const outdated = (
    <>
      {replica.pool === 'draining' && <span data-pool-mark="draining" className="pointer-events-none absolute inset-0 rounded-[inherit] border-[1.5px] border-dashed border-amber-500 dark:border-amber-400" />}
      {!replica.current && <span className="absolute -top-0.5 -right-0.5 size-1.5 rounded-full bg-violet-500 ring-1 ring-white dark:ring-zinc-900" />}
      {mark !== null && <span className={cx('absolute inset-x-0.5 bottom-0 h-[3px] rounded-full', mark === 'old' ? 'bg-violet-500' : 'bg-sky-500')} />}
    </>
  );
  if (!chip.labelled) {
    return (
      <div {...common} className={cx(shared, 'rounded-[3px]', SQUARE_LOOK[look])}>
        {outdated}
      </div>
    );
  }
  const style = CHIP_LOOK[look];
  return (
    <div {...common} className={cx(shared, 'flex items-center gap-1.5 rounded-[5px] px-1.5 text-[11px] leading-none ring-1 ring-inset', style.body)}>
      <span className={cx('size-1.5 shrink-0 rounded-full', style.dot)} />
      <span className="min-w-0 truncate">{replica.service}</span>
      <span className="ml-auto text-[10px] tabular-nums opacity-60">{replica.slot}</span>
      {outdated}
    </div>
  );
}
