// The desktop app's settings.json: read once at start, and the attach token remembered sealed by
// the system keyring. Written whole (a temp file renamed over it), so a crash mid-write never
// leaves half a file; left as it is when it is not a JSON object a person could have written.
// Electron's safeStorage is passed in (it needs the app), so this runs under Node in tests.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Logger } from '../control-plane/log.ts';
import { withAttachToken } from '../window/launch-mode.ts';
import { hasRealKeyring, type SafeStorageLike } from './keyring.ts';
import { withKeepRunning } from './window-close.ts';

export interface SettingsStoreOptions {
  /** settings.json, in the app's userData folder. */
  path: string;
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  log: Pick<Logger, 'warn'>;
}

/** What became of a token to remember: saved, or why not (each said in the log too). */
export type RememberOutcome = 'saved' | 'no-keyring' | 'not-an-object';

export interface SettingsStore {
  /** The file's text, or null when there is none (or it can't be read). */
  read(): Promise<string | null>;
  /** A token sealed by `remember`, opened; null without a real keyring or when it doesn't open (another keyring's). */
  unseal(sealed: string): string | null;
  /** Seals the attach token for `url` into the settings (`current`: the text read at start). */
  remember(url: string, token: string, current: string | null): Promise<RememberOutcome>;
  /** Saves the keep-running-in-the-tray setting (window-close.ts) into the file as it is now; false when it is not a JSON object (left alone). */
  setKeepRunning(on: boolean): Promise<boolean>;
}

export function openSettingsStore({ path, safeStorage, platform, log }: SettingsStoreOptions): SettingsStore {
  // Asked each time: the backend is known only once the app is ready.
  const keyring = (): boolean => hasRealKeyring(safeStorage, platform);
  const read = async (): Promise<string | null> => {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return null;
    }
  };
  const write = async (next: string): Promise<void> => {
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, next, { mode: 0o600 });
    await rename(temp, path);
  };
  return {
    read,
    unseal(sealed) {
      try {
        return keyring() ? safeStorage.decryptString(Buffer.from(sealed, 'base64')) : null;
      } catch {
        return null;
      }
    },
    async remember(url, token, current) {
      if (!keyring()) {
        // without one the token would sit in the file in clear (basic_text is a key known to all)
        log.warn({ url }, 'no system keyring: the attach token is not saved; set BATON_TOKEN at each start');
        return 'no-keyring';
      }
      const next = withAttachToken(current, url, safeStorage.encryptString(token).toString('base64'));
      if (next === null) {
        log.warn({ file: path }, 'settings.json is not a JSON object; left as it is, the attach token is not saved');
        return 'not-an-object';
      }
      await write(next);
      return 'saved';
    },
    async setKeepRunning(on) {
      const next = withKeepRunning(await read(), on);
      if (next === null) {
        log.warn({ file: path }, 'settings.json is not a JSON object; left as it is, the tray setting is not saved');
        return false;
      }
      await write(next);
      return true;
    },
  };
}
