// A horizontal gauge (role="meter"): how much of something is used, as a bar and in words.
import { cx } from './cx.ts';

export type MeterTone = 'calm' | 'high' | 'full';

/** Below 75 % calm, up to 95 % high, above full. */
export function meterTone(percent: number): MeterTone {
  if (percent > 95) return 'full';
  if (percent >= 75) return 'high';
  return 'calm';
}

const FILL: Record<MeterTone, string> = {
  calm: 'bg-indigo-500 dark:bg-indigo-400',
  high: 'bg-amber-500 dark:bg-amber-400',
  full: 'bg-red-500 dark:bg-red-400',
};

export interface MeterProps {
  /** 0–100; values above are shown full. */
  percent: number;
  label: string;
  /** What the bar says in words, e.g. "1.5 of 4 CPUs". */
  valueText: string;
  className?: string;
  testId?: string;
}

export function Meter({ percent, label, valueText, className, testId }: MeterProps) {
  const shown = Math.max(0, Math.min(100, percent));
  const rounded = Math.round(shown);
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={rounded}
      aria-valuetext={valueText}
      data-testid={testId}
      className={cx('h-1.5 w-full overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800', className)}
    >
      <div className={cx('h-full rounded-full transition-[width] duration-300', FILL[meterTone(percent)])} style={{ width: `${shown}%` }} />
    </div>
  );
}
