// The tray and the window's close, carried out with fakes for Electron's Tray, Menu and window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundTray, type TrayLike, type WindowLike } from '../../electron/app/background-tray.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import type { ControlPlane } from '../../electron/control-plane/index.ts';

function fakes(opts: { noTray?: boolean } = {}) {
  const calls = { notified: 0, quit: 0, shown: 0, saved: [] as boolean[], tooltips: [] as string[], menus: [] as { label?: string; checked?: boolean }[][] };
  const tray: TrayLike = {
    setContextMenu: () => undefined,
    setToolTip: (t) => void calls.tooltips.push(t),
    on: () => undefined,
    isDestroyed: () => false,
  };
  let visible = true;
  const win: WindowLike & { hidden: boolean } = { hidden: false, isDestroyed: () => false, isVisible: () => visible, hide: () => ((win.hidden = true), (visible = false)) };
  const listeners: ((e: { kind: string }) => void)[] = [];
  const plane = {
    dispatch: async () => ({ result: [{ state: 'ready' }, { state: 'unreachable' }] }),
    subscribe: (l: (e: { kind: string }) => void) => (listeners.push(l), () => undefined),
  } as unknown as ControlPlane;
  const bg = new BackgroundTray(
    {
      platform: 'linux',
      makeTray: () => {
        if (opts.noTray) throw new Error('no tray on this system');
        return tray;
      },
      menu: (template) => void calls.menus.push(template as { label?: string; checked?: boolean }[]),
      notify: () => void calls.notified++,
      window: () => win,
      show: () => void calls.shown++,
      quit: () => void calls.quit++,
      saveKeepRunning: async (on) => void calls.saved.push(on),
      log: silentLogger(),
    },
    true,
  );
  return { bg, calls, win, plane, listeners };
}

test('with its own control plane and a tray, closing the window hides it, says so once, and healing goes on', async () => {
  const { bg, calls, win, plane } = fakes();
  bg.start(plane);
  await new Promise((r) => setImmediate(r));
  assert.match(calls.tooltips.at(-1) ?? '', /1 of 2 hosts ready/);
  let prevented = 0;
  bg.onClose({ preventDefault: () => void prevented++ }, win);
  bg.onClose({ preventDefault: () => void prevented++ }, win);
  assert.equal(prevented, 2);
  assert.ok(win.hidden);
  assert.equal(calls.notified, 1, 'said once a run');
  assert.equal(calls.quit, 0);
  assert.equal(calls.menus.at(-1)?.[0]?.label, 'Open Baton', 'the menu follows the hidden window');
  // quitting: the window may close
  bg.quitting = true;
  bg.onClose({ preventDefault: () => void prevented++ }, win);
  assert.equal(prevented, 2);
});

test('the setting off, or no tray on the system: closing the window quits', () => {
  const off = fakes();
  off.bg.start(off.plane);
  const toggle = off.calls.menus.at(-1)!.find((i) => i.label === 'Keep running when the window closes') as { click: (item: { checked: boolean }) => void };
  toggle.click({ checked: false });
  assert.deepEqual(off.calls.saved, [false]);
  off.bg.onClose({ preventDefault: () => assert.fail('kept') }, off.win);
  assert.equal(off.calls.quit, 1);

  const none = fakes({ noTray: true });
  none.bg.start(none.plane);
  none.bg.onClose({ preventDefault: () => assert.fail('kept without a tray') }, none.win);
  assert.equal(none.calls.quit, 1);
});
