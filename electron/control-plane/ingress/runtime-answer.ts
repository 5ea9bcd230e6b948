// What HAProxy's Runtime API answered: its refusal told from its answer (the rules are in
// runtime-api.ts's opening comment), shared by one-command exchanges and held-open sessions.
import type { Duplex } from 'node:stream';

export type DuplexOpener = () => Promise<Duplex>;

/** HAProxy refused a command, or the exchange failed; names the command, never more than it. */
export class RuntimeApiError extends Error {
  constructor(readonly command: string, readonly answer: string, message: string) {
    super(message);
    this.name = 'RuntimeApiError';
  }
}

const SEVERITY = /^\[([0-7])\]: /;

/** The answer without the severity command's own empty answer and the level prefix; or the refusal. */
export function readAnswer(command: string, raw: string): string {
  // `set severity-output` answers with an empty line of its own, first.
  const answer = raw.startsWith('\n') ? raw.slice(1) : raw;
  const first = answer.split('\n', 1)[0] ?? '';
  const level = SEVERITY.exec(first);
  const message = level === null ? first : first.slice(level[0].length);
  const refused =
    (level !== null && Number(level[1]) <= 3) || // emerg … err
    message.startsWith('Unknown command') ||
    (level !== null && Number(level[1]) === 4 && /^Invalid |problem converting/.test(message));
  if (refused) throw new RuntimeApiError(command, answer, `HAProxy refused "${command}": ${message.replace(/[:,]? but maybe one of the following.*$/, '').trim()}`);
  return level === null ? answer : message + answer.slice(first.length);
}

