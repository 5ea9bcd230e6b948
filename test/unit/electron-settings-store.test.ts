// The desktop app's settings.json, without Electron: read once, the attach token remembered sealed
// by the keyring (a fake safeStorage with real sealing), written whole, and left alone when it is
// not a JSON object or there is no real keyring; then read back as the next start reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSettingsStore } from '../../electron/app/settings-store.ts';
import { parseDesktopSettings, resolveLaunchMode } from '../../electron/window/launch-mode.ts';
import { fakeSafeStorage } from './fixtures/fake-safe-storage.ts';

const URL = 'ws://127.0.0.1:7420/'; // as the launch mode normalizes it
const TOKEN = 'attach-token-0123456789abcdef';

function setup(safeStorage = fakeSafeStorage()) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-settings-'));
  const warnings: string[] = [];
  const log = { warn: (...args: unknown[]) => void warnings.push(String(args.at(-1))) };
  const path = join(dir, 'settings.json');
  return { dir, path, warnings, store: openSettingsStore({ path, safeStorage, platform: 'linux', log }) };
}

test('no file reads as null; a file as its text', async () => {
  const { path, store } = setup();
  assert.equal(await store.read(), null);
  writeFileSync(path, '{"theme":"dark"}');
  assert.equal(await store.read(), '{"theme":"dark"}');
});

test('a remembered token is sealed, written whole with the other settings kept, and opens at the next start', async () => {
  const safeStorage = fakeSafeStorage();
  const { dir, path, store } = setup(safeStorage);
  writeFileSync(path, '{"theme":"dark"}');
  assert.equal(await store.remember(URL, TOKEN, await store.read()), 'saved');

  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes(TOKEN), 'the token is not in the file in clear');
  assert.equal((JSON.parse(text) as { theme: string }).theme, 'dark');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['settings.json'], 'no temp file left behind');

  // the next start: the same keyring opens it, another one does not
  const next = openSettingsStore({ path, safeStorage, platform: 'linux', log: { warn: () => {} } });
  const mode = resolveLaunchMode({ argv: ['electron', '.', '--attach', URL], env: {}, homedir: dir, settings: parseDesktopSettings(await next.read()), unseal: (s) => next.unseal(s) });
  assert.deepEqual(mode, { kind: 'attach', url: URL, token: TOKEN, remember: false });
  const sealed = parseDesktopSettings(text).attachTokens![URL]!.sealed;
  assert.equal(setup().store.unseal(sealed), null, "another keyring's token does not open");
  assert.equal(next.unseal('not base64 of anything'), null);
});

test('without a real keyring nothing is written, and nothing unseals', async () => {
  const { dir, store, warnings } = setup(fakeSafeStorage({ backend: 'basic_text' }));
  assert.equal(await store.remember(URL, TOKEN, null), 'no-keyring');
  assert.deepEqual(readdirSync(dir), []);
  assert.match(warnings.join('\n'), /no system keyring: the attach token is not saved/);
  assert.equal(store.unseal(fakeSafeStorage().encryptString(TOKEN).toString('base64')), null);
});

test('a settings.json that is not a JSON object is left as it is', async () => {
  const { path, store, warnings } = setup();
  writeFileSync(path, '[1, 2]');
  assert.equal(await store.remember(URL, TOKEN, await store.read()), 'not-an-object');
  assert.equal(readFileSync(path, 'utf8'), '[1, 2]');
  assert.match(warnings.join('\n'), /not a JSON object; left as it is/);
});
