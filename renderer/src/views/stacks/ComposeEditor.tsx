// The Compose file editor: CodeMirror 6 with YAML (highlighting, indentation, undo), the control
// plane's problems as inline diagnostics at their line and column (underlined, the message on
// hover, marked in a gutter of their own), Tab indenting (Esc then Tab moves focus on: the editor
// is no keyboard trap). Its colours are the app's stylesheet (styles.css, .cm-* and .tok-*);
// CodeMirror's own base rules go into a constructed stylesheet, as the page's policy wants.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, RangeSetBuilder, type Extension, type RangeSet } from '@codemirror/state';
import { drawSelection, EditorView, gutter, GutterMarker, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import { useEffect, useImperativeHandle, useRef, type ReactNode, type Ref } from 'react';
import { cx } from '../../ui/cx.ts';
import { adoptStyles } from '../terminal/adopted-styles.ts';
import type { DiagnosticRange } from './editor-diagnostics.ts';

export interface ComposeEditorHandle {
  /** Scrolls a line (1-based) into view; with `focus`, puts the caret at its column. */
  revealLine(line: number, column?: number, focus?: boolean): void;
  focus(): void;
}

export interface ComposeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /**
   * The problems to show in the text. A new array replaces those shown; between two, the editor
   * keeps them on their text as it is edited.
   */
  diagnostics: readonly DiagnosticRange[];
  disabled?: boolean;
  /** Shown over the empty editor (what to do first). */
  empty?: ReactNode;
  className?: string;
  ref?: Ref<ComposeEditorHandle>;
}

/** The gutter's mark of a line with problems: its worst severity, its messages as the title. */
class ProblemMarker extends GutterMarker {
  constructor(
    readonly severity: 'error' | 'warning',
    readonly line: number,
    readonly messages: string,
  ) {
    super();
  }

  override eq(other: GutterMarker): boolean {
    return other instanceof ProblemMarker && other.severity === this.severity && other.line === this.line && other.messages === this.messages;
  }

  override toDOM(): Node {
    const mark = document.createElement('div');
    mark.className = `cm-baton-problem cm-baton-problem-${this.severity}`;
    mark.dataset['testid'] = this.severity === 'error' ? 'problem-line' : 'warning-line';
    mark.dataset['line'] = String(this.line);
    mark.title = this.messages;
    mark.setAttribute('aria-label', `${this.severity === 'error' ? 'Problem' : 'Warning'} on line ${this.line}: ${this.messages}`);
    return mark;
  }
}

function problemMarkers(state: EditorState): RangeSet<GutterMarker> {
  const lines = new Map<number, { from: number; severity: 'error' | 'warning'; messages: string[] }>();
  forEachDiagnostic(state, (d, from) => {
    const line = state.doc.lineAt(from);
    const severity = d.severity === 'error' ? 'error' : 'warning';
    const seen = lines.get(line.number);
    if (seen === undefined) lines.set(line.number, { from: line.from, severity, messages: [d.message] });
    else {
      if (severity === 'error') seen.severity = 'error';
      seen.messages.push(d.message);
    }
  });
  const builder = new RangeSetBuilder<GutterMarker>();
  for (const [number, mark] of [...lines].sort((a, b) => a[0] - b[0])) builder.add(mark.from, mark.from, new ProblemMarker(mark.severity, number, mark.messages.join('\n')));
  return builder.finish();
}

const problemGutter = gutter({ class: 'cm-baton-problem-gutter', markers: (view) => problemMarkers(view.state) });

function toDiagnostics(ranges: readonly DiagnosticRange[], length: number): Diagnostic[] {
  return ranges.map((r) => ({
    from: Math.min(r.from, length),
    to: Math.min(r.to, length),
    severity: r.severity,
    message: r.message, // it starts with the path already ("services.web.deploy.replicas: …")
  }));
}

/**
 * Text typed over a selection goes into the document as a change of its own, not through the
 * browser's editing: Chromium, replacing a selection across lines of highlighted text, keeps the
 * tokens' colours as inline style attributes, which the page's policy refuses (and reports).
 * A caret with nothing selected, and IME composition, go CodeMirror's usual way.
 */
/** The page's own selection inside the editor, as document positions; null when it is a caret or elsewhere. */
function domSelection(view: EditorView): { from: number; to: number } | null {
  const sel = (view.root as Document | ShadowRoot & { getSelection?: () => Selection | null }).getSelection?.() ?? document.getSelection();
  if (!sel || sel.isCollapsed || !sel.anchorNode || !sel.focusNode) return null;
  if (!view.contentDOM.contains(sel.anchorNode) || !view.contentDOM.contains(sel.focusNode)) return null;
  try {
    const a = view.posAtDOM(sel.anchorNode, sel.anchorOffset);
    const b = view.posAtDOM(sel.focusNode, sel.focusOffset);
    return a === b ? null : { from: Math.min(a, b), to: Math.max(a, b) };
  } catch {
    return null; // a node CodeMirror does not map: let it edit its usual way
  }
}

const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const kind = event.inputType;
    if ((kind !== 'insertText' && kind !== 'insertReplacementText') || event.isComposing) return false;
    const text = event.data ?? event.dataTransfer?.getData('text/plain') ?? null;
    if (text === null || view.state.readOnly) return false;
    // The page's selection may be ahead of the editor's: a selection made a moment ago (select
    // all, a drag, a test's fill) reaches CodeMirror's state on the next selectionchange. The
    // browser edits what the page has selected, so that is what is replaced.
    const dom = domSelection(view);
    if (dom !== null) {
      event.preventDefault();
      view.dispatch({ changes: { ...dom, insert: text }, selection: { anchor: dom.from + text.length }, userEvent: 'input.type', scrollIntoView: true });
      return true;
    }
    if (view.state.selection.ranges.every((r) => r.empty)) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true });
    return true;
  },
});

function baseExtensions(onChange: () => (value: string) => void, editable: Compartment, disabled: boolean): Extension[] {
  return [
    lineNumbers(),
    problemGutter,
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    syntaxHighlighting(classHighlighter),
    yaml(),
    EditorState.tabSize.of(2),
    indentUnit.of('  '),
    keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap, indentWithTab]),
    typeOverSelection,
    EditorView.contentAttributes.of({ 'aria-label': 'Compose file', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
    editable.of(editableState(disabled)),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange()(update.state.doc.toString());
    }),
  ];
}

function editableState(disabled: boolean): Extension {
  return [EditorView.editable.of(!disabled), EditorState.readOnly.of(disabled)];
}

/**
 * A CodeMirror view. Its base theme is written by style-mod into a <style> element, which the
 * page's policy refuses; made while adoptStyles holds, that element is a stand-in whose rules go
 * into a constructed stylesheet. style-mod keeps one such element per document for good, so every
 * later editor (and each rule added later) goes the same way. (EditorView.cspNonce is no way
 * here: the policy is a meta tag written into the built page, so its nonce would be one fixed
 * value, known to anyone who has the app.)
 */
function createView(parent: HTMLElement, doc: string, extensions: Extension[]): EditorView {
  const undo = adoptStyles(parent.ownerDocument);
  try {
    return new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
  } finally {
    undo();
  }
}

export function ComposeEditor({ value, onChange, diagnostics, disabled = false, empty, className, ref }: ComposeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latestChange = useRef(onChange);
  latestChange.current = onChange;
  const editable = useRef(new Compartment());
  const first = useRef({ value, disabled });

  useEffect(() => {
    const parent = host.current;
    if (parent === null) return;
    const created = createView(parent, first.current.value, baseExtensions(() => latestChange.current, editable.current, first.current.disabled));
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  // a new value from outside (a file opened, the example, Clear): the document becomes it
  useEffect(() => {
    const v = view.current;
    if (v === null) return;
    const current = v.state.doc.toString();
    if (current !== value) v.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v === null) return;
    v.dispatch(setDiagnostics(v.state, toDiagnostics(diagnostics, v.state.doc.length)));
  }, [diagnostics]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure(editableState(disabled)) });
  }, [disabled]);

  useImperativeHandle(
    ref,
    () => ({
      revealLine(line: number, column = 1, focus = true) {
        const v = view.current;
        if (v === null) return;
        const doc = v.state.doc;
        const at = doc.line(Math.min(Math.max(1, line), doc.lines));
        const pos = Math.min(at.to, at.from + Math.max(0, column - 1));
        v.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'nearest', yMargin: 48 }), ...(focus ? { selection: { anchor: pos } } : {}) });
        if (focus) v.focus();
      },
      focus() {
        view.current?.focus();
      },
    }),
    [],
  );

  return (
    <div
      data-testid="compose-editor"
      className={cx(
        'relative flex overflow-hidden rounded-lg border border-zinc-200 bg-white focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/20',
        'dark:border-zinc-800 dark:bg-zinc-950',
        disabled && 'opacity-60',
        className,
      )}
    >
      <div ref={host} className="baton-code min-w-0 flex-1" />
      {value === '' && empty !== undefined && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center p-6 font-sans">{empty}</div>
      )}
    </div>
  );
}
