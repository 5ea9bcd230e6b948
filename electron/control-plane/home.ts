// What the `baton` command needs before it talks to anything: the version and where the home is.
// Kept apart from the control plane so the command does not load it to learn them.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const BATON_VERSION = '0.1.0';

export function defaultHome(): string {
  return process.env.BATON_HOME ?? join(homedir(), '.baton');
}
