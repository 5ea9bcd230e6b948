// Where the data key that seals the store's secrets lives, in BATON_HOME:
//   data.key         the key itself, base64, mode 0600: headless `baton serve`, and any home that
//                    already has one (the desktop app leaves it as it is, so a home shared with
//                    `baton serve` keeps working for both);
//   data.key.sealed  the key wrapped by the desktop app's system keyring (Electron safeStorage),
//                    mode 0600: a new home made by the app where a real keyring is available.
//                    Only that user's keyring opens it: `baton serve` on such a home stops and says so.
// The control plane never imports Electron: the app passes the keyring in as a KeyProvider.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../../../shared/errors.ts';
import { DATA_KEY_BYTES, SecretBox } from './secret-box.ts';

export const KEY_FILE = 'data.key';
export const SEALED_KEY_FILE = 'data.key.sealed';

/** Wraps the data key with something only this user can undo (the OS keyring). */
export interface KeyProvider {
  /** For messages: "the system keyring (gnome_libsecret)". */
  readonly name: string;
  wrap(key: Buffer): Buffer;
  /** Throws when this keyring can't open it (another user or machine, a reset keyring). */
  unwrap(wrapped: Buffer): Buffer;
}

export interface DataKey {
  box: SecretBox;
  /** The file the key came from. */
  file: string;
  /** True when that file is wrapped by the keyring; false for a plain 0600 key file. */
  wrapped: boolean;
}

export function loadDataKey(home: string, provider?: KeyProvider): DataKey {
  const plain = join(home, KEY_FILE);
  const sealed = join(home, SEALED_KEY_FILE);
  if (provider !== undefined && existsSync(sealed)) return { box: SecretBox.fromKey(unwrapKeyFile(sealed, provider)), file: sealed, wrapped: true };
  if (existsSync(plain)) return { box: SecretBox.fromKey(readKeyFile(plain)), file: plain, wrapped: false };
  if (existsSync(sealed)) {
    throw new BatonError(
      'UNAVAILABLE',
      `${home} is the Baton desktop app's home: its data key (${sealed}) is sealed by that user's system keyring, which baton serve cannot open, ` +
        'so the host passphrases and stack environment values stored there cannot be read here. ' +
        `Run the desktop app on this home instead, or give baton serve a home of its own (e.g. BATON_HOME=${join(home, '..', '.baton-server')} baton serve) and add the hosts there.`,
      { file: sealed },
    );
  }
  const key = randomBytes(DATA_KEY_BYTES);
  if (provider === undefined) {
    writeFileSync(plain, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return { box: SecretBox.fromKey(key), file: plain, wrapped: false };
  }
  const wrapped = provider.wrap(key);
  // a keyring that can't give back what it wrapped would lose every secret sealed from now on
  if (!provider.unwrap(wrapped).equals(key)) throw new Error(`${provider.name} did not give back the data key it wrapped; nothing was written.`);
  writeFileSync(sealed, wrapped.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { box: SecretBox.fromKey(key), file: sealed, wrapped: true };
}

function readKeyFile(file: string): Buffer {
  tighten(file);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== DATA_KEY_BYTES) {
    throw new BatonError('UNAVAILABLE', `The key file ${file} is damaged (expected ${DATA_KEY_BYTES} bytes of base64). Restore it from a backup; sealed secrets cannot be read without it.`, { file });
  }
  return key;
}

function unwrapKeyFile(file: string, provider: KeyProvider): Buffer {
  tighten(file);
  let key: Buffer;
  try {
    key = provider.unwrap(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  } catch {
    throw new BatonError(
      'UNAVAILABLE',
      `The data key in ${file} can't be opened by ${provider.name}: was the keyring reset or locked, or is this another user or machine? ` +
        'Unlock or restore that keyring and start Baton again; without it the sealed host passphrases and stack environment values cannot be read.',
      { file },
    );
  }
  if (key.length !== DATA_KEY_BYTES) throw new BatonError('UNAVAILABLE', `The data key in ${file} is damaged (expected ${DATA_KEY_BYTES} bytes). Restore it from a backup.`, { file });
  return key;
}

// someone loosened it: tighten rather than refuse, the key itself is still only ours
function tighten(file: string): void {
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
