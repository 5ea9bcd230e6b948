// Tab, Shift+Tab and Enter in the Compose editor, as text edits: YAML forbids tab characters for
// indentation, so Tab inserts spaces (with several lines selected it indents them all), and Enter
// keeps the line's indentation. An edit replaces one range, so the page can apply it as typing
// (and the browser's undo keeps working).

export const INDENT = '  ';

export interface TextEdit {
  /** Replace value[from, to) with `insert`… */
  from: number;
  to: number;
  insert: string;
  /** …then select this. */
  selectionStart: number;
  selectionEnd: number;
}

export function applyTextEdit(value: string, edit: TextEdit): string {
  return value.slice(0, edit.from) + edit.insert + value.slice(edit.to);
}

export function indentEdit(value: string, start: number, end: number, outdent: boolean): TextEdit | null {
  const multiLine = value.slice(start, end).includes('\n');
  if (!outdent && !multiLine) {
    return { from: start, to: end, insert: INDENT, selectionStart: start + INDENT.length, selectionEnd: start + INDENT.length };
  }
  // whole lines: from the start of the first selected line to the end of the last
  const from = value.lastIndexOf('\n', start - 1) + 1;
  const to = end > start && value[end - 1] === '\n' ? end - 1 : end;
  const lineEnd = value.indexOf('\n', to);
  const until = lineEnd === -1 ? value.length : lineEnd;
  const lines = value.slice(from, until).split('\n');
  let firstShift = 0;
  let totalShift = 0;
  const changed = lines.map((line, i) => {
    if (outdent) {
      const removed = line.startsWith(INDENT) ? INDENT.length : line.startsWith(' ') ? 1 : 0;
      if (i === 0) firstShift = -Math.min(removed, start - from);
      totalShift -= removed;
      return line.slice(removed);
    }
    if (i === 0) firstShift = INDENT.length;
    totalShift += INDENT.length;
    return INDENT + line;
  });
  if (totalShift === 0) return null;
  return {
    from,
    to: until,
    insert: changed.join('\n'),
    selectionStart: Math.max(from, start + firstShift),
    selectionEnd: Math.max(from, end + totalShift),
  };
}

/** Enter keeps the current line's indentation, one level more after a line ending in ":". */
export function newlineEdit(value: string, start: number, end: number): TextEdit {
  const line = value.slice(value.lastIndexOf('\n', start - 1) + 1, start);
  const indent = /^ */.exec(line)![0] + (/:\s*$/.test(line) ? INDENT : '');
  const insert = '\n' + indent;
  return { from: start, to: end, insert, selectionStart: start + insert.length, selectionEnd: start + insert.length };
}
