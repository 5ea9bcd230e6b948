// The one close (or dismiss) button: an × in the corner of a dialog, a panel or a note, with its
// words for screen readers. `tone="error"` sits on an error note's red.
import type { Ref } from 'react';
import { cx } from './cx.ts';
import { Icon } from './icons.tsx';

export function CloseButton({
  onClick,
  label = 'Close',
  title,
  tone = 'plain',
  small = false,
  className,
  ref,
}: {
  onClick: () => void;
  /** What it does, for screen readers ("Close details", "Dismiss"). */
  label?: string;
  title?: string;
  tone?: 'plain' | 'error';
  small?: boolean;
  className?: string;
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <button
      ref={ref}
      type="button"
      onClick={onClick}
      title={title}
      className={cx(
        'rounded-md p-1 focus-visible:outline-2 focus-visible:outline-indigo-500',
        tone === 'plain'
          ? 'text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100'
          : 'text-red-700/70 hover:bg-red-100 hover:text-red-900 dark:text-red-300/70 dark:hover:bg-red-900/40',
        className,
      )}
    >
      <Icon name="close" className={small ? 'size-3.5' : 'size-4'} />
      <span className="sr-only">{label}</span>
    </button>
  );
}
