// Keyboard helpers shared by the shell's shortcuts and the views.

const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'email', 'number', 'password', 'url', 'tel', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether a key press aimed at `target` is someone typing (shortcuts must leave it alone). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type.toLowerCase());
  return target instanceof HTMLElement && target.isContentEditable;
}
