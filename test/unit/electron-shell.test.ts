// What the Electron main process delegates, without Electron: the session's policy, the page it
// loads, and the deadline on stopping the control plane at quit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopInTime } from '../../electron/app/stop-in-time.ts';
import { rendererPage } from '../../electron/window/renderer-page.ts';
import { hardenSession, type SessionLike } from '../../electron/window/session-hardening.ts';
import { contentSecurityPolicy } from '../../electron/window/content-security-policy.ts';
import { isPermissionGranted } from '../../electron/window/permissions.ts';

test('the session: every response carries the policy, headers kept; permissions as permissions.ts says', () => {
  let onHeaders: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0] | null = null;
  let request: ((contents: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  let check: ((contents: unknown, permission: string) => boolean) | null = null;
  hardenSession(
    {
      webRequest: { onHeadersReceived: (l) => void (onHeaders = l) },
      setPermissionRequestHandler: (h) => void (request = h),
      setPermissionCheckHandler: (h) => void (check = h),
    },
    { loopbackWebSocket: true, devServer: false },
  );
  let headers: Record<string, string | string[]> = {};
  onHeaders!({ responseHeaders: { 'X-Kept': 'yes', 'Content-Security-Policy': 'default-src *' } }, (r) => (headers = r.responseHeaders));
  assert.deepEqual(headers, { 'X-Kept': 'yes', 'Content-Security-Policy': [contentSecurityPolicy({ loopbackWebSocket: true, devServer: false })] });
  for (const permission of ['clipboard-sanitized-write', 'camera', 'geolocation', 'notifications']) {
    let granted: boolean | null = null;
    request!(null, permission, (g) => (granted = g));
    assert.equal(granted, isPermissionGranted(permission), permission);
    assert.equal(check!(null, permission), isPermissionGranted(permission), permission);
  }
  assert.equal(check!(null, 'camera'), false);
});

test('the page: the built file, or the dev server; an attached window names its server, never its token', () => {
  const built = rendererPage({ kind: 'embedded', home: '/h' }, { builtIndex: '/opt/Baton/renderer/index.html' });
  assert.deepEqual(built, { loadUrl: 'file:///opt/Baton/renderer/index.html', appUrl: 'file:///opt/Baton/renderer/index.html' });
  const attached = rendererPage({ kind: 'attach', url: 'ws://127.0.0.1:7420/', token: 'secret-token', remember: false }, { builtIndex: '/x/index.html', devServerUrl: 'http://localhost:5173/' });
  assert.equal(attached.appUrl, 'http://localhost:5173/');
  assert.equal(attached.loadUrl, 'http://localhost:5173/?attach=ws%3A%2F%2F127.0.0.1%3A7420%2F');
  assert.ok(!attached.loadUrl.includes('secret-token'));
});

test('stopping at quit: in time, late, or failed, it settles and says so, never rejecting', async () => {
  const said: string[] = [];
  const log = { warn: (m: string) => said.push(`warn ${m}`), error: (_o: { err: unknown }, m: string) => said.push(`error ${m}`) };
  assert.equal(await stopInTime(async () => {}, 1000, log), 'stopped');
  const t0 = Date.now();
  assert.equal(await stopInTime(() => new Promise(() => {}), 50, log), 'late');
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(await stopInTime(async () => { throw new Error('db locked'); }, 1000, log), 'failed');
  assert.deepEqual(said, ['warn the control plane did not stop in time; quitting anyway', 'error stopping the control plane failed']);
});
