// How the CLI says an error on standard error: the message, then what to do about it (the error's
// hint) on a line of its own, so a person reads the action apart from the diagnosis.
import type { ErrorBody } from '../../../shared/errors.ts';

export function errorText(body: Pick<ErrorBody, 'message' | 'hint'>): string {
  const hint = body.hint?.trim();
  return `error: ${body.message}\n${hint ? `hint: ${hint}\n` : ''}`;
}
