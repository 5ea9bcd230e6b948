// How a terminal's end is told to the person at it: pure, so the wording is tested without a host.

/** What is known once the exec's connection closed. */
export interface TerminalEndFacts {
  /** The command's exit code, when Docker says it ended. */
  exitCode: number | null;
  /** The replica's state as the control plane sees it now; null when it is gone. */
  replicaState: string | null;
  replica: string;
}

export function terminalEndReason(facts: TerminalEndFacts): string {
  if (facts.replicaState === null) return `${facts.replica} was removed; the terminal closed.`;
  if (facts.replicaState !== 'running') return `${facts.replica} stopped (${facts.replicaState}); the terminal closed.`;
  if (facts.exitCode === null) return 'The terminal closed.';
  return `The command exited with code ${facts.exitCode}.`;
}

/** The command a terminal runs when none is given: an interactive shell every image with a shell has. */
export const DEFAULT_TERMINAL_COMMAND = ['/bin/sh'];

/** Keystrokes typed before the exec is attached wait, up to this many characters (the rest is dropped). */
export const PENDING_INPUT_LIMIT = 65_536;

/** Input waiting for the exec to attach, bounded: what does not fit is dropped, never queued without end. */
export class PendingInput {
  private readonly parts: string[] = [];
  private size = 0;

  push(data: string): boolean {
    if (this.size + data.length > PENDING_INPUT_LIMIT) return false;
    this.parts.push(data);
    this.size += data.length;
    return true;
  }

  drain(): string[] {
    const parts = this.parts.splice(0);
    this.size = 0;
    return parts;
  }
}
