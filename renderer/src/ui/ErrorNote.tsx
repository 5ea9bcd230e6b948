// An action's error, shown where the action was asked: what went wrong, what to do about it (the
// error's hint, as a line of its own) and its code; a load that failed adds "Try again".
import type { BatonError } from '../../../shared/errors.ts';
import { Button } from './Button.tsx';
import { CloseButton } from './CloseButton.tsx';
import { cx } from './cx.ts';
import { Icon } from './icons.tsx';

/** What to do about an error, apart from its message; nothing when the error has no hint. */
export function ErrorHint({ error, className }: { error: Pick<BatonError, 'hint'> | null; className?: string }) {
  const hint = error?.hint?.trim();
  if (!hint) return null;
  return (
    <p data-testid="error-hint" className={cx('flex gap-1.5 font-medium break-words', className)}>
      <Icon name="arrowRight" className="mt-0.5 size-3.5 shrink-0" />
      <span className="min-w-0">{hint}</span>
    </p>
  );
}

export function ErrorNote({
  error,
  title,
  className,
  onDismiss,
}: {
  error: BatonError;
  title?: string;
  className?: string;
  /** Shows a dismiss button in the note's corner. */
  onDismiss?: () => void;
}) {
  return (
    <div
      role="alert"
      className={cx(
        'relative flex gap-2.5 rounded-md border border-red-200 bg-red-50 px-3 py-2.5 text-[13px] text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200',
        onDismiss !== undefined && 'pr-8',
        className,
      )}
    >
      <Icon name="errorCircle" className="mt-px size-4 shrink-0 text-red-500 dark:text-red-400" />
      <div className="min-w-0">
        {title !== undefined && <p className="font-medium">{title}</p>}
        <p className="break-words">{error.message}</p>
        <ErrorHint error={error} className="mt-1.5" />
        <p className="mt-1 font-mono text-[11px] text-red-700/70 dark:text-red-300/60">{error.code}</p>
      </div>
      {onDismiss !== undefined && <CloseButton onClick={onDismiss} label="Dismiss" title="Dismiss" tone="error" small className="absolute top-1.5 right-1.5" />}
    </div>
  );
}

/** A view's (or a panel's) first load failed: the error, and a button to load again. */
export function LoadFailed({
  error,
  title,
  onRetry,
  retryDisabled = false,
  className,
}: {
  error: BatonError;
  title: string;
  onRetry: () => void;
  retryDisabled?: boolean;
  className?: string;
}) {
  return (
    <div className={cx('flex flex-col items-start gap-3', className)}>
      <ErrorNote error={error} title={title} className="self-stretch" />
      <Button icon="refresh" disabled={retryDisabled} onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
