import type { Host, HostUsage } from '../../../../shared/api.ts';
import { Icon } from '../../ui/icons.tsx';
import { Meter } from '../../ui/Meter.tsx';
import { formatArch, hostAddress } from './format.ts';
import { HostStateBadge } from './HostStateBadge.tsx';
import { hostReservation, type ReservedAmount } from './reservation.ts';

const HEAD = 'px-4 py-2.5 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
const CELL = 'px-4 py-3 align-top';
const DIM = 'text-zinc-400 dark:text-zinc-600';

export function HostsTable({ hosts, usage, selected = null, onSelect }: { hosts: readonly Host[]; usage: readonly HostUsage[]; selected?: string | null; onSelect?: (host: string) => void }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="w-full min-w-[900px] text-[13px]">
        <thead className="border-b border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/50">
          <tr>
            <th className={HEAD}>Host</th>
            <th className={HEAD}>State</th>
            <th className={HEAD}>CPU reserved</th>
            <th className={HEAD}>Memory reserved</th>
            <th className={`${HEAD} text-right`}>Replicas</th>
            <th className={HEAD}>System</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {hosts.map((host) => (
            <HostRow key={host.name} host={host} usage={usage.find((u) => u.host === host.name)} selected={selected === host.name} onSelect={onSelect} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HostRow({ host, usage, selected, onSelect }: { host: Host; usage: HostUsage | undefined; selected: boolean; onSelect: ((host: string) => void) | undefined }) {
  const inv = host.inventory;
  const labels = Object.entries(host.labels);
  const reservation = hostReservation(host, usage);
  return (
    <tr
      data-testid="host-row"
      data-host={host.name}
      aria-selected={selected}
      tabIndex={onSelect === undefined ? undefined : 0}
      onClick={() => onSelect?.(host.name)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect?.(host.name);
        }
      }}
      className={`${onSelect === undefined ? '' : 'cursor-pointer'} ${selected ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : 'hover:bg-zinc-50/70 dark:hover:bg-zinc-900/40'}`}
    >
      <td className={CELL}>
        <div className="flex items-start gap-2.5">
          <div className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
            <Icon name={host.kind === 'local' ? 'laptop' : 'server'} className="size-4" />
          </div>
          <div className="min-w-0">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">
              {host.name}
              {host.availability === 'drain' && <span className="ml-1.5 text-xs font-normal text-sky-700 dark:text-sky-300">drained</span>}
            </p>
            <p className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={hostAddress(host)}>
              {hostAddress(host)}
            </p>
            {labels.length > 0 && (
              <div className="mt-1.5 flex flex-wrap gap-1">
                {labels.map(([key, value]) => (
                  <span
                    key={key}
                    className="rounded bg-zinc-100 px-1.5 py-px font-mono text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
                  >
                    {key}={value}
                  </span>
                ))}
              </div>
            )}
          </div>
        </div>
      </td>
      <td className={`${CELL} min-w-44`}>
        <HostStateBadge state={host.state} />
        {host.state !== 'ready' && host.stateReason !== null && (
          <p className="mt-1.5 max-w-64 text-xs text-zinc-500 dark:text-zinc-400">{host.stateReason}</p>
        )}
      </td>
      <td className={CELL}>
        <ReservationCell amount={reservation.cpu} label={`CPU reserved on ${host.name}`} testId="cpu-bar" />
      </td>
      <td className={CELL}>
        <ReservationCell amount={reservation.memory} label={`Memory reserved on ${host.name}`} testId="memory-bar" />
      </td>
      <td className={`${CELL} text-right tabular-nums`}>
        {reservation.replicas === 0 ? <span className={DIM}>0</span> : reservation.replicas}
      </td>
      <td className={CELL}>
        {inv === null ? (
          <span className={DIM}>—</span>
        ) : (
          <>
            <p className="text-zinc-800 dark:text-zinc-200">{inv.os}</p>
            <p className="mt-0.5 text-xs whitespace-nowrap text-zinc-500 tabular-nums dark:text-zinc-400">
              {formatArch(inv.architecture)} · Docker {inv.dockerVersion}
            </p>
          </>
        )}
      </td>
    </tr>
  );
}

function ReservationCell({ amount, label, testId }: { amount: ReservedAmount; label: string; testId: string }) {
  if (amount.percent === null) return <span className={DIM}>—</span>;
  return (
    <div className="w-36 pt-1">
      <Meter percent={amount.percent} label={label} valueText={amount.text} testId={testId} />
      <p className="mt-1.5 flex items-baseline justify-between gap-2 text-xs whitespace-nowrap text-zinc-500 tabular-nums dark:text-zinc-400">
        <span>{amount.text}</span>
        <span className="text-zinc-400 dark:text-zinc-500">{Math.round(amount.percent)}%</span>
      </p>
    </div>
  );
}
