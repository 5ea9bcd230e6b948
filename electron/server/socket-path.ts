import { join } from 'node:path';

/** The local socket of the control plane serving this home. */
export function socketPathFor(home: string): string {
  return join(home, 'baton.sock');
}
