// What a view shows when it has nothing yet: what goes here, and the next step to take.
import type { ReactNode } from 'react';
import { cx } from './cx.ts';

const ICON_TONES = {
  /** the usual: something to do here */
  plain: 'bg-zinc-100 text-zinc-500 dark:bg-zinc-800/80 dark:text-zinc-400',
  /** nothing to do but wait */
  muted: 'bg-zinc-100 text-zinc-400 dark:bg-zinc-800/80 dark:text-zinc-500',
  /** a view's first step, the one the app starts with */
  accent: 'bg-indigo-50 text-indigo-600 dark:bg-indigo-500/10 dark:text-indigo-300',
} as const;

export function EmptyState({
  icon,
  title,
  children,
  actions,
  more,
  tone = 'plain',
  wide = false,
  className,
}: {
  icon: ReactNode;
  title: string;
  /** What goes here, in a sentence or two. */
  children?: ReactNode;
  /** The next steps, as buttons in a row. */
  actions?: ReactNode;
  /** Anything else below, the whole width (a card, a command to copy). */
  more?: ReactNode;
  tone?: keyof typeof ICON_TONES;
  /** The first step of a view that is otherwise empty: wider, with a larger title. */
  wide?: boolean;
  className?: string;
}) {
  return (
    <div className={cx('mx-auto flex flex-col items-center px-6 py-14 text-center', wide ? 'max-w-xl' : 'max-w-md', className)}>
      <div className={cx('flex size-12 items-center justify-center rounded-xl', ICON_TONES[tone])}>{icon}</div>
      <h2 className={cx('mt-4 font-semibold tracking-tight', wide ? 'text-lg' : 'text-base')}>{title}</h2>
      {children !== undefined && <div className="mt-1.5 max-w-md text-[13px] leading-relaxed text-zinc-600 dark:text-zinc-400">{children}</div>}
      {actions !== undefined && <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{actions}</div>}
      {more !== undefined && <div className="mt-7 w-full">{more}</div>}
    </div>
  );
}
