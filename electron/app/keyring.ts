// The system keyring as the desktop app uses it, through Electron's safeStorage (passed in, so
// this runs under Node in tests): whether it is a real keyring, and the KeyProvider that wraps
// the control plane's data key with it. On Linux without a keyring daemon, safeStorage falls back
// to 'basic_text', a key hard-coded in Chromium: no protection, so Baton treats it as no keyring
// and keeps the plain 0600 key file instead (as `baton serve` does).
import type { KeyProvider } from '../control-plane/secrets/data-key.ts';

/** Electron's safeStorage, as far as Baton uses it (main passes the real one). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'gnome_libsecret', 'kwallet6', …, 'basic_text' (no keyring), 'unknown' (before ready). */
  getSelectedStorageBackend(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** A keyring that protects something: encryption available, and on Linux a real backend. */
export function hasRealKeyring(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = safeStorage.getSelectedStorageBackend();
  // 'unknown' is what it says before the app is ready: not a keyring we can count on
  return backend !== 'basic_text' && backend !== 'unknown';
}

/** The data key's wrapper, or null where there is no real keyring (the key file is then plain, 0600). */
export function keyringKeyProvider(safeStorage: SafeStorageLike, platform: NodeJS.Platform): KeyProvider | null {
  if (!hasRealKeyring(safeStorage, platform)) return null;
  const name = platform === 'linux' ? `the system keyring (${safeStorage.getSelectedStorageBackend()})` : 'the system keychain';
  return {
    name,
    // safeStorage seals strings: the key travels as base64
    wrap: (key) => safeStorage.encryptString(key.toString('base64')),
    unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
  };
}
