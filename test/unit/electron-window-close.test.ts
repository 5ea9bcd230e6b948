// What closing the window does, decided without Electron: hidden to the tray while Baton runs its
// own control plane (so healing goes on), unless the setting is off or there is no tray; always
// closed while quitting; the tray's menu, its tooltip and the setting in settings.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItem, MenuItemConstructorOptions } from 'electron';
import { openSettingsStore } from '../../electron/app/settings-store.ts';
import { changesTrayHosts, decideOnClose, hostCounts, keepRunningSetting, KEPT_RUNNING_NOTICE, shouldNotify, trayTooltip, withKeepRunning, type CloseInput } from '../../electron/app/window-close.ts';
import { parseDesktopSettings, withAttachToken } from '../../electron/window/launch-mode.ts';
import { buildTrayMenuTemplate } from '../../electron/window/tray-menu.ts';
import { fakeSafeStorage } from './fixtures/fake-safe-storage.ts';

const base: CloseInput = { platform: 'linux', quitting: false, embedded: true, keepRunning: true, trayShown: true };

test('closing the window hides it while the embedded control plane runs and the setting is on', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) assert.equal(decideOnClose({ ...base, platform }), 'hide', platform);
});

test('the setting off: closing quits on Linux and Windows, and closes the window on macOS (the app stays in the Dock)', () => {
  assert.equal(decideOnClose({ ...base, keepRunning: false }), 'quit');
  assert.equal(decideOnClose({ ...base, platform: 'win32', keepRunning: false }), 'quit');
  assert.equal(decideOnClose({ ...base, platform: 'darwin', keepRunning: false }), 'close');
});

test('no tray icon: a hidden window could not be found again, so closing quits (macOS has the Dock)', () => {
  assert.equal(decideOnClose({ ...base, trayShown: false }), 'quit');
  assert.equal(decideOnClose({ ...base, platform: 'win32', trayShown: false }), 'quit');
  assert.equal(decideOnClose({ ...base, platform: 'darwin', trayShown: false }), 'hide');
});

test('quitting (the tray\'s Quit, the menu\'s) always lets the window close; attached, nothing is kept', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) assert.equal(decideOnClose({ ...base, platform, quitting: true }), 'close', platform);
  assert.equal(decideOnClose({ ...base, embedded: false }), 'quit', 'the remote baton serve heals without this app');
  assert.equal(decideOnClose({ ...base, platform: 'darwin', embedded: false }), 'close');
});

test('the notice is shown the first time the window hides only, and says healing goes on', () => {
  assert.equal(shouldNotify('hide', false), true);
  assert.equal(shouldNotify('hide', true), false);
  assert.equal(shouldNotify('quit', false), false);
  assert.match(KEPT_RUNNING_NOTICE.body, /Healing goes on without the window/);
  assert.match(KEPT_RUNNING_NOTICE.body, /Quit there stops it/);
  assert.match(trayTooltip(null), /healing goes on without the window$/);
  assert.match(trayTooltip({ ready: 2, total: 3 }), /2 of 3 hosts ready$/);
  assert.match(trayTooltip({ ready: 1, total: 1 }), /1 of 1 host ready$/);
  assert.deepEqual(hostCounts([{ name: 'a', state: 'ready' }, { name: 'b', state: 'unreachable' }, { name: 'c', state: 'ready' }]), { ready: 2, total: 3 });
  assert.deepEqual(hostCounts([]), { ready: 0, total: 0 });
  assert.equal(hostCounts({ error: 'x' }), null);
  assert.equal(changesTrayHosts('host.state'), true);
  assert.equal(changesTrayHosts('replica.started'), false);
});

test('the tray menu: show the window, the setting as a checkbox, and Quit, each doing its action', () => {
  const done: string[] = [];
  const template = buildTrayMenuTemplate(
    { windowVisible: false, keepRunning: true },
    { show: () => done.push('show'), setKeepRunning: (on) => done.push(`keep ${on}`), quit: () => done.push('quit') },
  );
  const items = template.filter((i) => i.type !== 'separator');
  assert.deepEqual(items.map((i) => i.label), ['Open Baton', 'Keep running when the window closes', 'Quit Baton (stops healing)']);
  const setting = items[1]!;
  assert.equal(setting.type, 'checkbox');
  assert.equal(setting.checked, true);
  const click = (item: MenuItemConstructorOptions, checked = false): void => item.click!({ checked } as MenuItem, undefined, {} as never);
  click(items[0]!);
  click(setting, false);
  click(items[2]!);
  assert.deepEqual(done, ['show', 'keep false', 'quit']);
  assert.equal(buildTrayMenuTemplate({ windowVisible: true, keepRunning: false }, { show() {}, setKeepRunning() {}, quit() {} })[2]!.checked, false);
});

test('the setting in settings.json: on unless false; written with every other key kept', () => {
  assert.equal(keepRunningSetting(null), true);
  assert.equal(keepRunningSetting('not json'), true);
  assert.equal(keepRunningSetting('{"keepRunningInTray": "no"}'), true);
  assert.equal(keepRunningSetting('{"keepRunningInTray": false}'), false);
  const withToken = withAttachToken(null, 'ws://127.0.0.1:7420/', 'c2VhbGVk')!;
  const off = withKeepRunning(withToken, false)!;
  assert.equal(keepRunningSetting(off), false);
  assert.deepEqual(parseDesktopSettings(off).attachTokens, { 'ws://127.0.0.1:7420/': { sealed: 'c2VhbGVk' } }, 'the attach token is kept');
  assert.equal(withKeepRunning('[1]', true), null);
  assert.equal(withKeepRunning('{broken', true), null);
  assert.equal(keepRunningSetting(withKeepRunning('', true)), true);
});

test('the settings store saves the setting into the file as it is then, 0600; a file it can\'t read as an object is left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-settings-'));
  const path = join(dir, 'settings.json');
  const warnings: string[] = [];
  const store = openSettingsStore({ path, safeStorage: fakeSafeStorage(), platform: 'linux', log: { warn: (_o: object, m: string) => void warnings.push(m) } as never });
  writeFileSync(path, '{"theme":"dark"}');
  assert.equal(await store.setKeepRunning(false), true);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { theme: 'dark', keepRunningInTray: false });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(keepRunningSetting(await store.read()), false);
  writeFileSync(path, '[]');
  assert.equal(await store.setKeepRunning(true), false);
  assert.equal(readFileSync(path, 'utf8'), '[]');
  assert.match(warnings.join('\n'), /not a JSON object/);
});
