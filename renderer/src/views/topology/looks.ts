// Colours of replica chips by how they look (state and health), in both themes. Full class
// strings so Tailwind finds them. Nothing animates: a thousand pulsing dots cost every frame.
import type { ReplicaLook } from './model.ts';

const STRIPES =
  'bg-[repeating-linear-gradient(135deg,var(--color-zinc-200)_0_3px,var(--color-zinc-100)_3px_6px)] dark:bg-[repeating-linear-gradient(135deg,var(--color-zinc-800)_0_3px,var(--color-zinc-900)_3px_6px)]';

/** Labelled chips: a tinted body and a dot. */
export const CHIP_LOOK: Record<ReplicaLook, { body: string; dot: string }> = {
  healthy: {
    body: 'bg-emerald-50 text-emerald-900 ring-emerald-600/25 dark:bg-emerald-500/10 dark:text-emerald-100 dark:ring-emerald-400/25',
    dot: 'bg-emerald-500',
  },
  running: {
    body: 'bg-white text-zinc-800 ring-emerald-600/35 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-emerald-400/30',
    dot: 'bg-white ring-[1.5px] ring-emerald-500 ring-inset dark:bg-zinc-900',
  },
  starting: {
    body: 'bg-amber-50 text-amber-900 ring-amber-500/35 dark:bg-amber-400/10 dark:text-amber-100 dark:ring-amber-400/30',
    dot: 'bg-amber-400',
  },
  unhealthy: {
    body: 'bg-red-50 text-red-900 ring-red-500/40 dark:bg-red-500/15 dark:text-red-100 dark:ring-red-400/35',
    dot: 'bg-red-500',
  },
  stopped: {
    body: 'bg-zinc-100 text-zinc-500 ring-zinc-300 line-through decoration-zinc-400/70 dark:bg-zinc-800/70 dark:text-zinc-400 dark:ring-zinc-700',
    dot: 'bg-red-400/80',
  },
  created: {
    body: 'bg-white text-zinc-500 ring-zinc-300 outline-1 outline-dashed outline-zinc-300 -outline-offset-1 ring-0 dark:bg-zinc-900 dark:text-zinc-400 dark:outline-zinc-600',
    dot: 'bg-zinc-300 dark:bg-zinc-600',
  },
  changing: {
    body: 'bg-sky-50 text-sky-900 ring-sky-500/30 dark:bg-sky-500/10 dark:text-sky-100 dark:ring-sky-400/30',
    dot: 'bg-sky-500',
  },
  unknown: {
    body: `${STRIPES} text-zinc-400 ring-zinc-300 dark:text-zinc-500 dark:ring-zinc-700`,
    dot: 'bg-zinc-400 dark:bg-zinc-600',
  },
};

/** Compact chips: a coloured square. */
export const SQUARE_LOOK: Record<ReplicaLook, string> = {
  healthy: 'bg-emerald-500 dark:bg-emerald-500/90',
  running: 'bg-emerald-100 ring-[1.5px] ring-emerald-500 ring-inset dark:bg-emerald-500/20 dark:ring-emerald-400',
  starting: 'bg-amber-400',
  unhealthy: 'bg-red-500',
  stopped: 'bg-zinc-300 ring-1 ring-red-400 ring-inset dark:bg-zinc-700',
  created: 'bg-white outline-1 outline-dashed outline-zinc-400 -outline-offset-1 dark:bg-zinc-900 dark:outline-zinc-500',
  changing: 'bg-sky-400',
  unknown: `${STRIPES} ring-1 ring-zinc-300 ring-inset dark:ring-zinc-700`,
};

/** The legend, in the order people read it. */
export const LEGEND: ReadonlyArray<{ look: ReplicaLook; label: string }> = [
  { look: 'healthy', label: 'Healthy' },
  { look: 'running', label: 'No check' },
  { look: 'starting', label: 'Starting' },
  { look: 'unhealthy', label: 'Unhealthy' },
  { look: 'stopped', label: 'Exited' },
  { look: 'created', label: 'Created' },
  { look: 'unknown', label: 'Unknown (host unreachable)' },
];
