// What a terminal sends its exec stream, cut to the contract's bounds: a long paste goes as several
// inputs, never one the control plane would refuse. Pure, so it is tested without a browser.
import { EXEC_INPUT_MAX_CHARS } from '../../../../shared/terminal-limits.ts';

export function inputPieces(data: string, max = EXEC_INPUT_MAX_CHARS): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < data.length; ) {
    let end = Math.min(at + max, data.length);
    // never split a surrogate pair
    if (end < data.length && /[\uD800-\uDBFF]/.test(data[end - 1]!)) end--;
    pieces.push(data.slice(at, end));
    at = end;
  }
  return pieces;
}

/** Ctrl+Shift+C / Ctrl+Shift+V: the terminal's copy and paste (Ctrl+C goes to the program). */
export function clipboardKey(event: { ctrlKey: boolean; shiftKey: boolean; key: string; type: string }): 'copy' | 'paste' | null {
  if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return null;
  const key = event.key.toLowerCase();
  return key === 'c' ? 'copy' : key === 'v' ? 'paste' : null;
}
