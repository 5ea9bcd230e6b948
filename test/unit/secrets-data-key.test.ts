// Where the data key lives: a 0600 file headless, wrapped by a keyring (a KeyProvider) in the
// desktop app; and what each does on a home the other made. The keyring is a stand-in with real
// sealing: one "user's" keyring opens what it wrapped, another's does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { KEY_FILE, SEALED_KEY_FILE, loadDataKey, type KeyProvider } from '../../electron/control-plane/secrets/data-key.ts';
import { sealedFor } from '../../electron/control-plane/secrets/secret-box.ts';
import { fakeKeyring } from './fixtures/fake-keyring.ts';

const home = (): string => mkdtempSync(join(tmpdir(), 'baton-key-'));
const mode = (file: string): number => statSync(file).mode & 0o777;
const PLACE = sealedFor.hostPassphrase('web-1');

test('headless: data.key is created 0600, reused, tightened if loosened, and refused when damaged', () => {
  const dir = home();
  const first = loadDataKey(dir);
  assert.equal(first.file, join(dir, KEY_FILE));
  assert.equal(first.wrapped, false);
  assert.equal(mode(first.file), 0o600);
  const sealed = first.box.seal('v', PLACE);
  chmodSync(first.file, 0o644);
  assert.equal(loadDataKey(dir).box.open(sealed, PLACE), 'v');
  assert.equal(mode(first.file), 0o600);
  assert.ok(!existsSync(join(dir, SEALED_KEY_FILE)));

  const bad = home();
  writeFileSync(join(bad, KEY_FILE), 'short\n');
  assert.throws(() => loadDataKey(bad), /damaged.*backup/);
});

test('with a keyring: a new home gets data.key.sealed (0600) and no plain key file; the same keyring opens it again', () => {
  const dir = home();
  const keyring = fakeKeyring();
  const first = loadDataKey(dir, keyring);
  assert.equal(first.file, join(dir, SEALED_KEY_FILE));
  assert.equal(first.wrapped, true);
  assert.equal(mode(first.file), 0o600);
  assert.ok(!existsSync(join(dir, KEY_FILE)), 'no plain key file next to the wrapped one');
  const sealed = first.box.seal('app secret', PLACE);
  assert.equal(loadDataKey(dir, keyring).box.open(sealed, PLACE), 'app secret');
});

test('with a keyring: another user\'s (or a reset) keyring is told what happened and what to do', () => {
  const dir = home();
  loadDataKey(dir, fakeKeyring());
  assert.throws(
    () => loadDataKey(dir, fakeKeyring('the system keyring (gnome_libsecret)')),
    (err: unknown) =>
      err instanceof BatonError &&
      err.code === 'UNAVAILABLE' &&
      err.message.includes(join(dir, SEALED_KEY_FILE)) &&
      err.message.includes("can't be opened by the system keyring (gnome_libsecret)") &&
      /Unlock or restore that keyring/.test(err.message),
  );
});

test('baton serve on a home whose key the app wrapped stops and says why and what to do', () => {
  const dir = home();
  loadDataKey(dir, fakeKeyring());
  assert.throws(
    () => loadDataKey(dir),
    (err: unknown) =>
      err instanceof BatonError &&
      err.code === 'UNAVAILABLE' &&
      err.message.includes(join(dir, SEALED_KEY_FILE)) &&
      /desktop app's home/.test(err.message) &&
      /baton serve cannot open/.test(err.message) &&
      /BATON_HOME=/.test(err.message),
  );
  assert.ok(!existsSync(join(dir, KEY_FILE)), 'no new key was made beside it (that would orphan every sealed value)');
});

test('the app on a home that has a plain key file (baton serve made it) uses it as it is: both keep working', () => {
  const dir = home();
  const served = loadDataKey(dir);
  const before = readFileSync(served.file, 'utf8');
  const app = loadDataKey(dir, fakeKeyring());
  assert.equal(app.file, join(dir, KEY_FILE));
  assert.equal(app.wrapped, false);
  assert.ok(!existsSync(join(dir, SEALED_KEY_FILE)));
  assert.equal(readFileSync(served.file, 'utf8'), before);
  assert.equal(loadDataKey(dir).box.open(app.box.seal('shared', PLACE), PLACE), 'shared');
});

test('a keyring that does not give back what it wrapped writes nothing', () => {
  const dir = home();
  const broken: KeyProvider = { name: 'a broken keyring', wrap: (key) => Buffer.from(key), unwrap: () => randomBytes(32) };
  assert.throws(() => loadDataKey(dir, broken), /did not give back the data key/);
  assert.ok(!existsSync(join(dir, SEALED_KEY_FILE)));
  assert.ok(!existsSync(join(dir, KEY_FILE)));
});
