import type { HostState } from '../../../../shared/api.ts';
import { cx } from '../../ui/cx.ts';

const STYLES: Record<HostState, { label: string; badge: string; dot: string }> = {
  ready: {
    label: 'Ready',
    badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/20',
    dot: 'bg-emerald-500',
  },
  connecting: {
    label: 'Connecting',
    badge: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/20',
    dot: 'bg-amber-500 animate-pulse',
  },
  unreachable: {
    label: 'Unreachable',
    badge: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/25',
    dot: 'bg-red-500',
  },
  draining: {
    label: 'Draining',
    badge: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/20',
    dot: 'bg-sky-500',
  },
};

export function HostStateBadge({ state }: { state: HostState }) {
  const style = STYLES[state];
  return (
    <span className={cx('inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', style.badge)}>
      <span className={cx('size-1.5 rounded-full', style.dot)} />
      {style.label}
    </span>
  );
}
