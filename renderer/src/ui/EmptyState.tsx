// What a view shows when it has nothing yet: what goes here, and the next step to take.
import type { ReactNode } from 'react';
import { cx } from './cx.ts';

export function EmptyState({
  icon,
  title,
  children,
  actions,
  className,
}: {
  icon: ReactNode;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cx('mx-auto flex max-w-md flex-col items-center px-6 py-14 text-center', className)}>
      <div className="flex size-12 items-center justify-center rounded-xl bg-zinc-100 text-zinc-500 dark:bg-zinc-800/80 dark:text-zinc-400">
        {icon}
      </div>
      <h2 className="mt-4 text-base font-semibold tracking-tight">{title}</h2>
      {children !== undefined && <div className="mt-1.5 text-[13px] leading-relaxed text-zinc-600 dark:text-zinc-400">{children}</div>}
      {actions !== undefined && <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{actions}</div>}
    </div>
  );
}
