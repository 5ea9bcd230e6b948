// Form fields with the app's look: a label, the control, a hint or the field's own problem.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type TextareaHTMLAttributes } from 'react';
import { cx } from './cx.ts';

export const INPUT_CLASS =
  'h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] text-zinc-900 shadow-xs placeholder:text-zinc-400 ' +
  'focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 ' +
  'dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-900';

export const INVALID_CLASS = 'border-red-400 focus:border-red-500 focus:ring-red-500/20 dark:border-red-500/70';

interface FieldFrameProps {
  label: string;
  /** Shown after the label, dimmed: "optional". */
  note?: string;
  hint?: ReactNode;
  problem?: string | null | undefined;
  /** Marks the control as wrong without words of its own (the reason is said elsewhere). */
  invalid?: boolean;
  className?: string;
}

function Frame({ id, label, note, hint, problem, className, children }: Omit<FieldFrameProps, 'invalid'> & { id: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 flex items-baseline gap-1.5 text-[13px] font-medium text-zinc-800 dark:text-zinc-200">
        {label}
        {note !== undefined && <span className="text-xs font-normal text-zinc-400 dark:text-zinc-500">{note}</span>}
      </label>
      {children}
      {problem ? (
        <p id={`${id}-problem`} className="mt-1 text-xs text-red-600 dark:text-red-400">
          {problem}
        </p>
      ) : hint !== undefined ? (
        <div id={`${id}-hint`} className="mt-1 text-xs leading-relaxed text-zinc-500 dark:text-zinc-400">
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export type TextFieldProps = FieldFrameProps &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { inputClassName?: string; ref?: Ref<HTMLInputElement> };

export function TextField({ label, note, hint, problem, invalid = false, className, inputClassName, ...input }: TextFieldProps) {
  const id = useId();
  return (
    <Frame id={id} label={label} note={note} hint={hint} problem={problem} className={className}>
      <input
        id={id}
        aria-invalid={problem || invalid ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : hint !== undefined ? `${id}-hint` : undefined}
        className={cx(INPUT_CLASS, problem || invalid ? INVALID_CLASS : '', inputClassName)}
        {...input}
      />
    </Frame>
  );
}

export type TextAreaFieldProps = FieldFrameProps &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'> & { inputClassName?: string; ref?: Ref<HTMLTextAreaElement> };

export function TextAreaField({ label, note, hint, problem, invalid = false, className, inputClassName, ...area }: TextAreaFieldProps) {
  const id = useId();
  return (
    <Frame id={id} label={label} note={note} hint={hint} problem={problem} className={className}>
      <textarea
        id={id}
        aria-invalid={problem || invalid ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : hint !== undefined ? `${id}-hint` : undefined}
        className={cx(INPUT_CLASS, 'h-auto py-1.5 leading-5', problem || invalid ? INVALID_CLASS : '', inputClassName)}
        {...area}
      />
    </Frame>
  );
}
