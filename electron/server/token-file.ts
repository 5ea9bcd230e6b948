// The WebSocket token file. The token is the whole of the WebSocket's security, so a file others
// may read, or a token short enough to guess, is refused rather than served with.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { BatonError } from '../../shared/errors.ts';

export const MIN_TOKEN_LENGTH = 32;
/** A sign-in message has to fit the few KiB a client may send before it is signed in. */
export const MAX_TOKEN_LENGTH = 1024;

const REGENERATE = (file: string): string =>
  `regenerate it: delete ${file} and Baton makes a new one (mode 0600) at the next start, or write your own with: (umask 077; openssl rand -base64 32 > ${file})`;

/** Creates the file (0600, a random 43-character token) when missing, then reads and checks it. */
export function loadToken(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  const stat = statSync(file);
  if (!stat.isFile()) throw new BatonError('INVALID_INPUT', `The token file ${file} is not a file: give --token-file a file.`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new BatonError(
      'INVALID_INPUT',
      `The token file ${file} may be read or changed by other users (mode ${mode}): run chmod 600 ${file}, and since others may have read it, ${REGENERATE(file)}.`,
    );
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new BatonError('INVALID_INPUT', `The token in ${file} has ${token.length} characters, too few to be secret (at least ${MIN_TOKEN_LENGTH}): ${REGENERATE(file)}.`);
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new BatonError('INVALID_INPUT', `The token in ${file} has ${token.length} characters, more than a client may send to sign in (at most ${MAX_TOKEN_LENGTH}): ${REGENERATE(file)}.`);
  }
  return token;
}
