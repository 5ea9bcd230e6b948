// The desktop app's keyring: when safeStorage counts as one, and the data key wrapped with it,
// end to end through ControlPlane.start (a fake safeStorage with real sealing stands in for
// Electron's, whose binary these tests never need).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRealKeyring, keyringKeyProvider } from '../../electron/app/keyring.ts';
import { fakeSafeStorage } from './fixtures/fake-safe-storage.ts';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';

test('a real keyring: encryption available, and on Linux a backend other than basic_text', () => {
  assert.equal(hasRealKeyring(fakeSafeStorage({ available: false }), 'darwin'), false);
  assert.equal(hasRealKeyring(fakeSafeStorage({ available: false }), 'linux'), false);
  assert.equal(hasRealKeyring(fakeSafeStorage({ backend: 'basic_text' }), 'linux'), false, 'a hard-coded key is no keyring');
  assert.equal(hasRealKeyring(fakeSafeStorage({ backend: 'unknown' }), 'linux'), false);
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) assert.equal(hasRealKeyring(fakeSafeStorage({ backend }), 'linux'), true, backend);
  const mac = fakeSafeStorage();
  assert.equal(hasRealKeyring(mac, 'darwin'), true);
  assert.equal(hasRealKeyring(mac, 'win32'), true);
  assert.equal(mac.backendAsked, 0, 'the backend is a Linux-only question');
});

test('no provider without a real keyring; with one, the data key round-trips through safeStorage', () => {
  assert.equal(keyringKeyProvider(fakeSafeStorage({ backend: 'basic_text' }), 'linux'), null);
  assert.equal(keyringKeyProvider(fakeSafeStorage({ available: false }), 'win32'), null);
  const provider = keyringKeyProvider(fakeSafeStorage({ backend: 'kwallet6' }), 'linux')!;
  assert.equal(provider.name, 'the system keyring (kwallet6)');
  const key = randomBytes(32);
  const wrapped = provider.wrap(key);
  assert.equal(wrapped.indexOf(key), -1, 'the wrapped key does not hold the key');
  assert.ok(!wrapped.toString('latin1').includes(key.toString('base64')));
  assert.deepEqual(provider.unwrap(wrapped), key);
  assert.throws(() => keyringKeyProvider(fakeSafeStorage(), 'linux')!.unwrap(wrapped), 'another keyring does not open it');
});

test('the app\'s control plane keeps its data key wrapped by the keyring; baton serve on that home says what to do', async () => {
  const home = mkdtempSync(join(tmpdir(), 'baton-keyring-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-keyring-user-'));
  const safeStorage = fakeSafeStorage();
  const keyProvider = keyringKeyProvider(safeStorage, 'linux')!;
  const plane = await ControlPlane.start({ home, userHome, logger: silentLogger(), keyProvider });
  await plane.stop();
  assert.ok(existsSync(join(home, 'data.key.sealed')));
  assert.equal(statSync(join(home, 'data.key.sealed')).mode & 0o777, 0o600);
  assert.ok(!existsSync(join(home, 'data.key')), 'no plain key file in the app\'s home');

  // the same keyring opens it at the next start; another user's keyring does not
  const again = await ControlPlane.start({ home, userHome, logger: silentLogger(), keyProvider });
  await again.stop();
  await assert.rejects(ControlPlane.start({ home, userHome, logger: silentLogger(), keyProvider: keyringKeyProvider(fakeSafeStorage(), 'linux')! }), /can't be opened by the system keyring \(gnome_libsecret\)/);

  await assert.rejects(ControlPlane.start({ home, userHome, logger: silentLogger() }), /desktop app's home.*baton serve cannot open.*BATON_HOME=/s);
  assert.ok(!existsSync(join(home, 'data.key')));
});
