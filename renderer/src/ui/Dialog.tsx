// A modal dialog on the native <dialog> element: the page behind it is inert, focus stays inside,
// and Esc asks the owner to close it (the owner decides, so state stays in React). The element
// marked data-autofocus gets the focus when it opens.
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { cx } from './cx.ts';
import { CloseButton } from './CloseButton.tsx';

export interface DialogProps {
  /** The accessible name (aria-label) and the visible title. */
  label: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Shown under the scrolling body, always in view: what went wrong with the last action. */
  notice?: ReactNode;
  footer?: ReactNode;
  className?: string;
}

export function Dialog({ label, description, onClose, children, notice, footer, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first focusable element (the close button); the owner may name a better one
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event): void => {
      event.preventDefault(); // Esc: let the owner close it
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      previous?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-label={label}
      className={cx(
        'm-auto open:flex max-h-[calc(100vh-4rem)] w-[34rem] max-w-[calc(100vw-2rem)] flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl',
        'backdrop:bg-zinc-950/40 backdrop:backdrop-blur-[2px] dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100 dark:backdrop:bg-black/60',
        className,
      )}
      onMouseDown={(event) => {
        if (event.target === ref.current) onClose(); // a click on the backdrop
      }}
    >
      <div className="flex items-start gap-3 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <h2 className="text-[15px] font-semibold tracking-tight">{label}</h2>
          {description !== undefined && <div className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">{description}</div>}
        </div>
        <CloseButton onClick={onClose} className="-mt-0.5 -mr-1" />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
      {notice !== undefined && notice !== null && notice !== false && (
        <div className="max-h-[40%] shrink-0 overflow-y-auto border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">{notice}</div>
      )}
      {footer !== undefined && (
        <div className="flex items-center justify-end gap-2 border-t border-zinc-200 bg-zinc-50/70 px-5 py-3 dark:border-zinc-800 dark:bg-zinc-900/60">
          {footer}
        </div>
      )}
    </dialog>
  );
}
