import type { Host } from '../../../../shared/api.ts';
import { Icon } from '../../ui/icons.tsx';
import { formatArch, formatBytes, hostAddress } from './format.ts';
import { HostStateBadge } from './HostStateBadge.tsx';

const HEAD = 'px-4 py-2.5 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
const CELL = 'px-4 py-3 align-top';
const DIM = 'text-zinc-400 dark:text-zinc-600';

export function HostsTable({ hosts }: { hosts: readonly Host[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="w-full min-w-[760px] text-[13px]">
        <thead className="border-b border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/50">
          <tr>
            <th className={HEAD}>Host</th>
            <th className={HEAD}>State</th>
            <th className={HEAD}>Operating system</th>
            <th className={HEAD}>Arch</th>
            <th className={`${HEAD} text-right`}>CPUs</th>
            <th className={`${HEAD} text-right`}>Memory</th>
            <th className={HEAD}>Docker</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {hosts.map((host) => (
            <HostRow key={host.name} host={host} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HostRow({ host }: { host: Host }) {
  const inv = host.inventory;
  const labels = Object.entries(host.labels);
  return (
    <tr className="hover:bg-zinc-50/70 dark:hover:bg-zinc-900/40">
      <td className={CELL}>
        <div className="flex items-start gap-2.5">
          <div className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
            <Icon name={host.kind === 'local' ? 'laptop' : 'server'} className="size-4" />
          </div>
          <div className="min-w-0">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">{host.name}</p>
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
      <td className={CELL}>
        <HostStateBadge state={host.state} />
        {host.state !== 'ready' && host.stateReason !== null && (
          <p className="mt-1.5 max-w-64 text-xs text-zinc-500 dark:text-zinc-400">{host.stateReason}</p>
        )}
      </td>
      <td className={CELL}>{inv === null ? <span className={DIM}>—</span> : inv.os}</td>
      <td className={`${CELL} whitespace-nowrap`}>{inv === null ? <span className={DIM}>—</span> : formatArch(inv.architecture)}</td>
      <td className={`${CELL} text-right tabular-nums`}>{inv === null ? <span className={DIM}>—</span> : inv.cpus}</td>
      <td className={`${CELL} text-right whitespace-nowrap tabular-nums`}>
        {inv === null ? <span className={DIM}>—</span> : formatBytes(inv.memoryBytes)}
      </td>
      <td className={`${CELL} whitespace-nowrap tabular-nums`}>{inv === null ? <span className={DIM}>—</span> : inv.dockerVersion}</td>
    </tr>
  );
}
