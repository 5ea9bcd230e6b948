import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { WebContents } from 'electron';
import { buildAppMenuTemplate } from '../../electron/window/app-menu.ts';
import { contentSecurityPolicy, metaPolicy, RENDERER_META_CSP, withCspMeta } from '../../electron/window/content-security-policy.ts';
import { LaunchError, parseDesktopSettings, resolveLaunchMode, withAttachToken } from '../../electron/window/launch-mode.ts';
import { SecretBox } from '../../electron/control-plane/secrets/secret-box.ts';
import {
  installNavigationGuard,
  isAllowedNavigation,
  isExternalLink,
  isTrustedSender,
} from '../../electron/window/navigation-guard.ts';
import { isPermissionGranted } from '../../electron/window/permissions.ts';
import { buildWindowOptions } from '../../electron/window/window-options.ts';

const APP = 'file:///opt/Baton/resources/app.asar/dist/renderer/index.html';

test('window options: isolated, sandboxed, no Node, web security on, no webview', () => {
  const options = buildWindowOptions({ preloadPath: '/app/dist/electron/preload.cjs' });
  const web = options.webPreferences;
  assert.ok(web);
  assert.equal(web.preload, '/app/dist/electron/preload.cjs');
  assert.equal(web.contextIsolation, true);
  assert.equal(web.sandbox, true);
  assert.equal(web.nodeIntegration, false);
  assert.equal(web.nodeIntegrationInWorker, false);
  assert.equal(web.nodeIntegrationInSubFrames, false);
  assert.equal(web.webSecurity, true);
  assert.equal(web.allowRunningInsecureContent, false);
  assert.equal(web.webviewTag, false);
  assert.equal(web.experimentalFeatures, false);
  assert.equal(options.show, false);
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

test('CSP: default-src none, scripts and styles from the app only, nothing unsafe', () => {
  for (const loopbackWebSocket of [false, true]) {
    const csp = contentSecurityPolicy({ loopbackWebSocket });
    assert.doesNotMatch(csp, /unsafe-/);
    const d = directives(csp);
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('script-src'), ["'self'"]);
    assert.deepEqual(d.get('style-src'), ["'self'"]);
    assert.deepEqual(d.get('img-src'), ["'self'", 'data:']);
    assert.deepEqual(d.get('font-src'), ["'self'"]);
    assert.deepEqual(d.get('base-uri'), ["'none'"]);
  }
});

test('CSP: WebSockets to 127.0.0.1 only when attached to a remote serve', () => {
  assert.deepEqual(directives(contentSecurityPolicy({ loopbackWebSocket: false })).get('connect-src'), ["'self'"]);
  assert.deepEqual(directives(contentSecurityPolicy({ loopbackWebSocket: true })).get('connect-src'), [
    "'self'",
    'ws://127.0.0.1:*',
  ]);
});

test('CSP: the dev server policy is the only one with inline code', () => {
  assert.match(contentSecurityPolicy({ loopbackWebSocket: false, devServer: true }), /'unsafe-inline'/);
  assert.doesNotMatch(RENDERER_META_CSP, /unsafe-/);
});

test('CSP: the built page gets the policy as its first meta tag, from this one definition', async () => {
  const source = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /<meta\s+http-equiv=["']?content-security-policy/i, 'renderer/index.html keeps no policy of its own');
  const html = withCspMeta(source, RENDERER_META_CSP);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(meta, 'the page has a CSP meta tag');
  assert.equal(meta[1], RENDERER_META_CSP);
  assert.ok(meta.index > html.indexOf('<meta charset'), 'after the charset');
  assert.ok(meta.index < html.indexOf('<script'), 'before every script');
  assert.ok(meta.index < html.indexOf('<link'), 'before every link');
  assert.throws(() => withCspMeta(html, RENDERER_META_CSP), /meta tag of its own/);
  assert.throws(() => withCspMeta('<html><script src="x.js"></script><head><meta charset="utf-8"></head></html>', RENDERER_META_CSP), /before <meta charset>/);
});

test('CSP: a meta policy leaves out what only a header can say', () => {
  assert.equal(metaPolicy("default-src 'none'; frame-ancestors 'none'; report-uri /csp; script-src 'self'; sandbox"), "default-src 'none'; script-src 'self'");
  assert.equal(metaPolicy(RENDERER_META_CSP), RENDERER_META_CSP);
});

test('navigation: the app page itself (any query or hash) is allowed', () => {
  assert.equal(isAllowedNavigation(APP, APP), true);
  assert.equal(isAllowedNavigation(`${APP}#/events`, APP), true);
  assert.equal(isAllowedNavigation(`${APP}?attach=ws%3A%2F%2F127.0.0.1%3A7420`, APP), true);
});

test('navigation: everything else is denied', () => {
  for (const url of [
    'https://example.com/',
    'http://127.0.0.1:7420/',
    'file:///etc/passwd',
    'file:///opt/Baton/resources/app.asar/dist/renderer/other.html',
    'file://remote-host/opt/Baton/resources/app.asar/dist/renderer/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
  ]) {
    assert.equal(isAllowedNavigation(url, APP), false, url);
  }
});

test('navigation: on the dev server, the same origin only', () => {
  const dev = 'http://localhost:5173/';
  assert.equal(isAllowedNavigation('http://localhost:5173/#/hosts', dev), true);
  assert.equal(isAllowedNavigation('http://localhost:5174/', dev), false);
  assert.equal(isAllowedNavigation('https://localhost:5173/', dev), false);
  assert.equal(isAllowedNavigation('http://evil.example/', dev), false);
});

test('IPC senders are trusted only when they show the app', () => {
  assert.equal(isTrustedSender(`${APP}#/hosts`, APP), true);
  assert.equal(isTrustedSender('https://evil.example/', APP), false);
  assert.equal(isTrustedSender(undefined, APP), false);
});

test('external links: https only', () => {
  assert.equal(isExternalLink('https://docs.docker.com/'), true);
  assert.equal(isExternalLink('http://example.com/'), false);
  assert.equal(isExternalLink('file:///etc/passwd'), false);
  assert.equal(isExternalLink('smb://host/share'), false);
});

test('the navigation guard cancels navigations away, denies every new window and webview', () => {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const fake = Object.assign(emitter, {
    setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => {
      openHandler = handler;
    },
  });
  const opened: string[] = [];
  installNavigationGuard(fake as unknown as WebContents, APP, { openExternal: (url) => opened.push(url) });

  const navigate = (name: string, url: string): boolean => {
    let prevented = false;
    emitter.emit(name, { url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
    assert.equal(navigate(name, 'https://evil.example/'), true, `${name} away is cancelled`);
    assert.equal(navigate(name, `${APP}#/events`), false, `${name} within the app goes on`);
  }
  assert.equal(navigate('will-attach-webview', APP), true);

  assert.ok(openHandler);
  assert.deepEqual(openHandler({ url: 'https://docs.docker.com/' }), { action: 'deny' });
  assert.deepEqual(openHandler({ url: APP }), { action: 'deny' });
  assert.deepEqual(openHandler({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(opened, ['https://docs.docker.com/'], 'only the https link goes to the system browser');
});

test('permissions: all denied but writing to the clipboard', () => {
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'usb', 'unknown']) {
    assert.equal(isPermissionGranted(permission), false, permission);
  }
  assert.equal(isPermissionGranted('clipboard-sanitized-write'), true);
});

test('menu: developer tools only in development', () => {
  const roles = (dev: boolean): string[] =>
    JSON.stringify(buildAppMenuTemplate({ isMac: false, dev }))
      .match(/"role":"[a-zA-Z]+"/g)!
      .map((m) => m.slice(8, -1));
  assert.ok(roles(true).includes('toggleDevTools'));
  assert.ok(!roles(false).includes('toggleDevTools'));
  assert.ok(roles(false).includes('quit'));
  assert.ok(roles(false).includes('reload'));
});

// A stand-in for the OS keyring with real sealing: one machine's key opens what it sealed, another's does not.
const keyring = SecretBox.fromKey(randomBytes(32));
const otherKeyring = SecretBox.fromKey(randomBytes(32));
const unsealWith = (box: SecretBox) => (sealed: string): string | null => {
  try {
    return box.open(sealed, 'attach-token');
  } catch {
    return null;
  }
};
const unseal = unsealWith(keyring);

test('launch: embedded by default, in BATON_HOME or ~/.baton', () => {
  const base = { argv: ['/usr/bin/baton-desktop'], homedir: '/home/ada', settings: {}, unseal };
  assert.deepEqual(resolveLaunchMode({ ...base, env: {} }), { kind: 'embedded', home: '/home/ada/.baton' });
  assert.deepEqual(resolveLaunchMode({ ...base, env: { BATON_HOME: '/srv/baton' } }), { kind: 'embedded', home: '/srv/baton' });
});

test('launch: --attach with a token from the environment (to remember) or saved sealed', () => {
  const base = { homedir: '/home/ada', settings: {}, unseal };
  assert.deepEqual(
    resolveLaunchMode({ ...base, argv: ['electron', '.', '--attach', 'ws://127.0.0.1:7420'], env: { BATON_TOKEN: 't0k' } }),
    { kind: 'attach', url: 'ws://127.0.0.1:7420/', token: 't0k', remember: true },
  );
  const saved = withAttachToken(null, 'ws://127.0.0.1:7420/', keyring.seal('saved-token', 'attach-token'));
  assert.ok(saved !== null);
  assert.doesNotMatch(saved, /saved-token/, 'the token is in settings.json as plain text');
  const attach = { ...base, argv: ['baton-desktop', '--attach=ws://127.0.0.1:7420'], env: {}, settings: parseDesktopSettings(saved) };
  assert.deepEqual(resolveLaunchMode(attach), { kind: 'attach', url: 'ws://127.0.0.1:7420/', token: 'saved-token', remember: false });
  // BATON_TOKEN wins over the saved one (a server's token was rotated), and is remembered again
  assert.deepEqual(resolveLaunchMode({ ...attach, env: { BATON_TOKEN: 'new' } }), { kind: 'attach', url: 'ws://127.0.0.1:7420/', token: 'new', remember: true });
  // another keyring can't open it: the error says so and what to do, without the sealed value
  assert.throws(
    () => resolveLaunchMode({ ...attach, unseal: unsealWith(otherKeyring) }),
    (err: Error) => err instanceof LaunchError && /keyring/.test(err.message) && /BATON_TOKEN/.test(err.message) && !err.message.includes(JSON.parse(saved).attachTokens['ws://127.0.0.1:7420/'].sealed),
  );
});

test('launch: --attach refuses what the renderer could not reach, and says what to do', () => {
  const attempt = (argv: string[], env: Record<string, string> = { BATON_TOKEN: 't' }) => () =>
    resolveLaunchMode({ argv, env, homedir: '/h', settings: {}, unseal });
  assert.throws(attempt(['x', '--attach']), LaunchError);
  assert.throws(attempt(['x', '--attach', 'ws://10.0.0.5:7420']), /ssh -L/);
  assert.throws(attempt(['x', '--attach', 'http://127.0.0.1:7420']), LaunchError);
  assert.throws(attempt(['x', '--attach', 'ws://127.0.0.1']), LaunchError);
  assert.throws(attempt(['x', '--attach', 'ws://127.0.0.1:7420'], {}), /BATON_TOKEN/);
});

test('settings: saving a token keeps every other key and token, and never overwrites a file it cannot read', () => {
  const before = JSON.stringify({ theme: 'dark', attachTokens: { 'ws://127.0.0.1:1/': { sealed: 'a' } } });
  const after = JSON.parse(withAttachToken(before, 'ws://127.0.0.1:2/', 'b')!);
  assert.deepEqual(after, { theme: 'dark', attachTokens: { 'ws://127.0.0.1:1/': { sealed: 'a' }, 'ws://127.0.0.1:2/': { sealed: 'b' } } });
  assert.deepEqual(JSON.parse(withAttachToken(JSON.stringify(after), 'ws://127.0.0.1:2/', 'c')!).attachTokens['ws://127.0.0.1:2/'], { sealed: 'c' });
  assert.equal(withAttachToken('{not json', 'ws://127.0.0.1:2/', 'b'), null);
  assert.equal(withAttachToken('[1]', 'ws://127.0.0.1:2/', 'b'), null);
  // a plain-text token (not sealed) is not taken
  assert.deepEqual(parseDesktopSettings(JSON.stringify({ attachTokens: { 'ws://127.0.0.1:1/': 'plain' } })), {});
});

test('settings: a missing or broken file means no settings', () => {
  assert.deepEqual(parseDesktopSettings(null), {});
  assert.deepEqual(parseDesktopSettings('{not json'), {});
  assert.deepEqual(parseDesktopSettings('{"attachTokens": 3}'), {});
});
