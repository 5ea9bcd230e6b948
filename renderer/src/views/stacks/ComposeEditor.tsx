// A plain-text editor for Compose files, built on a textarea: line numbers in a gutter, lines with
// problems marked there and behind the text, Tab indents with spaces. Lines never wrap, so line N
// is always at (N-1) × LINE_HEIGHT and the gutter and marks can follow the textarea's scroll.
import { memo, useCallback, useImperativeHandle, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { cx } from '../../ui/cx.ts';
import { countLines, lineStart } from './compose-draft.ts';
import { indentEdit, newlineEdit, type TextEdit } from './editor-edit.ts';

const LINE_HEIGHT = 20; // px; matches leading-5
const PAD_TOP = 8; // px; matches py-2

export interface ComposeEditorHandle {
  /** Scrolls a line (1-based) into view; with `focus`, puts the caret at its column. */
  revealLine(line: number, column?: number, focus?: boolean): void;
  focus(): void;
}

export interface ComposeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Line → severity of the worst problem on it. */
  marks: ReadonlyMap<number, 'error' | 'warning'>;
  disabled?: boolean;
  /** Shown over the empty editor (what to do first). */
  empty?: ReactNode;
  className?: string;
  ref?: Ref<ComposeEditorHandle>;
}

export function ComposeEditor({ value, onChange, marks, disabled = false, empty, className, ref }: ComposeEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const tabLeaves = useRef(false); // after Esc, Tab moves focus on (the editor is no keyboard trap)
  const lines = countLines(value);

  const follow = useCallback(() => {
    const el = area.current;
    if (el === null) return;
    if (gutter.current !== null) gutter.current.style.transform = `translateY(${-el.scrollTop}px)`;
    if (backdrop.current !== null) backdrop.current.style.transform = `translateY(${-el.scrollTop}px)`;
  }, []);
  useLayoutEffect(follow, [follow, value]);

  useImperativeHandle(
    ref,
    () => ({
      revealLine(line: number, column = 1, focus = true) {
        const el = area.current;
        if (el === null) return;
        if (focus) {
          const at = Math.min(el.value.length, lineStart(el.value, line) + Math.max(0, column - 1));
          el.focus({ preventScroll: true });
          el.setSelectionRange(at, at);
        }
        const top = PAD_TOP + (line - 1) * LINE_HEIGHT;
        if (top < el.scrollTop || top + LINE_HEIGHT > el.scrollTop + el.clientHeight) {
          el.scrollTop = Math.max(0, top - el.clientHeight / 3);
        }
        follow();
      },
      focus() {
        area.current?.focus();
      },
    }),
    [follow],
  );

  const apply = (el: HTMLTextAreaElement, edit: TextEdit): void => {
    el.setSelectionRange(edit.from, edit.to);
    // as typing, so the browser's undo history keeps it; a plain state update where that fails
    const typed = edit.insert === '' ? document.execCommand('delete') : document.execCommand('insertText', false, edit.insert);
    if (!typed) onChange(el.value.slice(0, edit.from) + edit.insert + el.value.slice(edit.to));
    el.setSelectionRange(edit.selectionStart, edit.selectionEnd);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    const el = event.currentTarget;
    if (event.key === 'Escape') {
      tabLeaves.current = true;
      return;
    }
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) {
      if (tabLeaves.current) {
        tabLeaves.current = false;
        return;
      }
      event.preventDefault();
      const edit = indentEdit(el.value, el.selectionStart, el.selectionEnd, event.shiftKey);
      if (edit !== null) apply(el, edit);
      return;
    }
    tabLeaves.current = false;
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      apply(el, newlineEdit(el.value, el.selectionStart, el.selectionEnd));
    }
  };

  return (
    <div
      className={cx(
        'relative flex overflow-hidden rounded-lg border border-zinc-200 bg-white font-mono text-[12.5px] leading-5 focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/20',
        'dark:border-zinc-800 dark:bg-zinc-950',
        className,
      )}
    >
      <div className="w-12 shrink-0 overflow-hidden border-r border-zinc-200 bg-zinc-50 select-none dark:border-zinc-800 dark:bg-zinc-900/60">
        <div ref={gutter} className="py-2 will-change-transform">
          <Gutter lines={lines} marks={marks} />
        </div>
      </div>
      <div className="relative min-w-0 flex-1">
        <div className="pointer-events-none absolute inset-0 overflow-hidden" aria-hidden="true">
          <div ref={backdrop} className="relative will-change-transform">
            {[...marks].map(([line, severity]) => (
              <div
                key={line}
                className={cx(
                  'absolute inset-x-0 border-l-2',
                  severity === 'error'
                    ? 'border-red-500 bg-red-500/10 dark:bg-red-500/15'
                    : 'border-amber-500 bg-amber-400/10 dark:bg-amber-400/10',
                )}
                style={{ top: PAD_TOP + (line - 1) * LINE_HEIGHT, height: LINE_HEIGHT }}
              />
            ))}
          </div>
        </div>
        <textarea
          ref={area}
          aria-label="Compose file"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onScroll={follow}
          disabled={disabled}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          className="absolute inset-0 h-full w-full resize-none overflow-auto bg-transparent px-3 py-2 whitespace-pre text-zinc-900 caret-indigo-600 outline-none [tab-size:2] disabled:cursor-not-allowed disabled:opacity-60 dark:text-zinc-100 dark:caret-indigo-400"
        />
        {value === '' && empty !== undefined && (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center p-6 font-sans">{empty}</div>
        )}
      </div>
    </div>
  );
}

const Gutter = memo(function Gutter({ lines, marks }: { lines: number; marks: ReadonlyMap<number, 'error' | 'warning'> }) {
  const numbers: ReactNode[] = [];
  for (let line = 1; line <= lines; line++) {
    const mark = marks.get(line);
    numbers.push(
      <div
        key={line}
        data-testid={mark === 'error' ? 'problem-line' : mark === 'warning' ? 'warning-line' : undefined}
        data-line={mark !== undefined ? line : undefined}
        className={cx(
          'h-5 pr-2.5 text-right text-[11px] tabular-nums',
          mark === 'error'
            ? 'bg-red-500/10 font-semibold text-red-600 dark:text-red-400'
            : mark === 'warning'
              ? 'bg-amber-400/10 font-semibold text-amber-600 dark:text-amber-400'
              : 'text-zinc-400 dark:text-zinc-600',
        )}
      >
        {line}
      </div>,
    );
  }
  return <>{numbers}</>;
});
