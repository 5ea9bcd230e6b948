// The list of keyboard shortcuts (`?`). Esc, the close button or a click outside closes it; focus
// goes back where it was.
import { Fragment, useEffect, useRef } from 'react';
import { CloseButton } from '../ui/CloseButton.tsx';
import { Icon } from '../ui/icons.tsx';
import { SHORTCUT_GROUPS } from './shortcuts.ts';

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.focus();
  }, []);

  return (
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-zinc-950/30 p-4 dark:bg-black/50"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onKeyDown={(event) => {
          // One focusable control: keep focus in the dialog.
          if (event.key === 'Tab') {
            event.preventDefault();
            closeRef.current?.focus();
          }
        }}
        className="w-full max-w-lg overflow-hidden rounded-xl border border-zinc-200 bg-white text-zinc-900 shadow-2xl dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <div className="flex items-center gap-2.5 border-b border-zinc-200 px-5 py-3.5 dark:border-zinc-800">
          <Icon name="keyboard" className="size-4 text-zinc-500" />
          <h2 className="text-[15px] font-semibold tracking-tight">Keyboard shortcuts</h2>
          <CloseButton ref={closeRef} onClick={onClose} title="Close (Esc)" className="ml-auto" />
        </div>
        <div className="grid gap-5 px-5 py-4">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title}>
              <h3 className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{group.title}</h3>
              <dl className="grid grid-cols-[1fr_auto] gap-x-6 gap-y-1.5 text-[13px]">
                {group.shortcuts.map((shortcut) => (
                  <Fragment key={shortcut.label}>
                    <dt className="text-zinc-700 dark:text-zinc-300">{shortcut.label}</dt>
                    <dd className="flex items-center justify-end gap-1">
                      {shortcut.keys.map((key, index) => (
                        <Fragment key={key}>
                          {index > 0 && <span className="text-[11px] text-zinc-400">{shortcut.sequence ? 'then' : ''}</span>}
                          <kbd className="min-w-5 rounded border border-zinc-200 bg-zinc-50 px-1.5 py-px text-center font-sans text-[11px] text-zinc-700 shadow-[0_1px_0] shadow-zinc-200 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300 dark:shadow-zinc-950">
                            {key}
                          </kbd>
                        </Fragment>
                      ))}
                    </dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          ))}
          <p className="text-[12px] text-zinc-500">Shortcuts wait while you type in a field.</p>
        </div>
      </div>
    </div>
  );
}
