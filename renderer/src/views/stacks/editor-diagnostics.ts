// The control plane's problems of a draft as the editor's inline diagnostics: where in the text
// each one goes. Pure (text and problems in, offsets out), so it is tested without an editor.
import type { DraftProblem } from './compose-draft.ts';

export interface DiagnosticRange {
  /** Offsets into the text, from ≤ to; from = to marks a point (an empty line). */
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
  /** Where the problem is in the file's structure ("services.web.deploy.replicas"), "" when none. */
  path: string;
  /** The 1-based line it was reported at, as the text has it (clamped to the text's last line). */
  line: number;
}

interface LineSpan {
  start: number;
  /** The offset of the line's end (its "\n", or the text's end). */
  end: number;
}

/** Line `line` (1-based) of `text`, clamped to the first and last lines. */
function lineSpan(text: string, line: number): { span: LineSpan; line: number } {
  let start = 0;
  let current = 1;
  while (current < line) {
    const next = text.indexOf('\n', start);
    if (next === -1) break;
    start = next + 1;
    current++;
  }
  const newline = text.indexOf('\n', start);
  return { span: { start, end: newline === -1 ? text.length : newline }, line: current };
}

/**
 * Where a problem at `line`:`column` (both 1-based, as the parser reports them; column 0 when it
 * gave none) sits in `text`. With a column: from there to the end of the word or value that starts
 * there (a quoted scalar to its closing quote, else up to a space, a comma or a bracket, and never
 * into a trailing comment). Without one, or a column past the line's end: the line's content, its
 * indentation and trailing spaces left out. A line past the text's end is its last line.
 */
export function problemRange(text: string, line: number, column: number): { from: number; to: number; line: number } {
  const { span, line: at } = lineSpan(text, Math.max(1, line));
  const content = text.slice(span.start, span.end).replace(/\r$/, '');
  const end = span.start + content.length;
  const indent = /^\s*/.exec(content)![0].length;
  const trimmedEnd = span.start + content.replace(/\s+$/, '').length;
  const whole = { from: Math.min(span.start + indent, trimmedEnd), to: trimmedEnd, line: at };
  if (column <= 0) return whole;
  const from = span.start + column - 1;
  if (from >= trimmedEnd) return whole;
  const rest = text.slice(from, end);
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const close = rest.indexOf(quote, 1);
    if (close !== -1) return { from, to: from + close + 1, line: at };
  }
  const token = /^[^\s,[\]{}#]+/.exec(rest);
  if (token === null) return { from, to: Math.min(from + 1, trimmedEnd), line: at };
  // "key: value" at a key's column: the whole pair, so the mark covers what the message is about
  const pair = /^[^\s,[\]{}#]+:[ \t]+[^\s#][^#]*?(?=[ \t]*(#|$))/.exec(rest);
  if (pair !== null && token[0].endsWith(':')) return { from, to: from + pair[0].length, line: at };
  return { from, to: from + token[0].length, line: at };
}

/**
 * The problems that have a place in `text` (line > 0, of this file) as ranges, in the text's order;
 * the others (another file, the cluster) are for the list beside the editor only. `text` is the
 * text the problems were reported for: ranges past its end are clamped to it.
 */
export function diagnosticRanges(text: string, problems: readonly DraftProblem[]): DiagnosticRange[] {
  return problems
    .filter((p) => p.line > 0 && p.otherFile === null)
    .map((p) => {
      const range = problemRange(text, p.line, p.column);
      return { ...range, severity: p.severity, message: p.message, path: p.path };
    })
    .sort((a, b) => a.from - b.from || a.to - b.to);
}

/** Ranges made for another text, fitted into `length` (the editor's document may be shorter by now). */
export function clampRanges(ranges: readonly DiagnosticRange[], length: number): DiagnosticRange[] {
  return ranges.map((r) => ({ ...r, from: Math.min(r.from, length), to: Math.min(r.to, length) }));
}
