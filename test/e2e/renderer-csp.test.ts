// The built page's Content-Security-Policy where the desktop app loads it: from a file:// URL,
// which gets no response headers (so session.webRequest's header policy never reaches it). The
// policy is the meta tag the build writes from electron/window/content-security-policy.ts, and
// real Chromium enforces it: the app's own script and styles load, injected inline code, eval and
// connections elsewhere are refused and reported as violations. Needs no lab host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RENDERER_META_CSP } from '../../electron/window/content-security-policy.ts';
import { CHROMIUM, ROOT, ensureBuilt } from './harness.ts';

const INDEX = join(ROOT, 'dist', 'renderer', 'index.html');

interface Violation {
  directive: string;
  blocked: string;
}

let browser: Browser;
let page: Page;

const violations = (): Promise<Violation[]> => page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);

async function settle(): Promise<void> {
  // violation events are queued as tasks: let them run
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
}

before(async () => {
  ensureBuilt();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // --allow-file-access-from-files: what Electron grants file:// pages by default (module
    // scripts from file://); plain Chromium refuses them as cross-origin. CSP is untouched by it.
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'],
  });
  page = await browser.newPage();
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    (window as unknown as { __violations: Violation[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  });
  await page.goto(pathToFileURL(INDEX).href);
  await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, undefined, { timeout: 15_000 });
});

after(async () => {
  await browser?.close();
});

test('the built index.html carries the policy from content-security-policy.ts, before any script', () => {
  const html = readFileSync(INDEX, 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(meta, 'dist/renderer/index.html has a CSP meta tag');
  assert.equal(meta[1], RENDERER_META_CSP);
  assert.ok(meta.index < html.indexOf('<script'));
  assert.doesNotMatch(meta[1], /unsafe-/);
});

test('from file://, the app itself runs under it: its script ran and its styles applied, with no violation', async () => {
  assert.deepEqual(await violations(), []);
  assert.ok(page.url().startsWith('file://'));
  const styled = await page.evaluate(() => getComputedStyle(document.body).margin);
  assert.equal(styled, '0px', 'the stylesheet (Tailwind preflight) applied');
});

test('an inline script injected into the page is blocked and reported', async () => {
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.head.appendChild(script);
  });
  await settle();
  assert.equal(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected ?? null), null, 'the inline script did not run');
  assert.ok((await violations()).some((v) => v.directive === 'script-src-elem' && v.blocked === 'inline'), JSON.stringify(await violations()));
});

test('an inline event handler and an inline style are blocked and reported', async () => {
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<img src="data:," onload="window.__handler = true"><style>body { color: rgb(1, 2, 3) }</style>');
  });
  await settle();
  assert.equal(await page.evaluate(() => (window as unknown as { __handler?: boolean }).__handler ?? null), null);
  const seen = await violations();
  assert.ok(seen.some((v) => v.directive === 'script-src-attr' && v.blocked === 'inline'), JSON.stringify(seen));
  assert.ok(seen.some((v) => v.directive === 'style-src-elem' && v.blocked === 'inline'), JSON.stringify(seen));
});

test('eval and new Function are refused, and reported', async () => {
  // from a task of the page's own (DevTools' evaluate may eval; page code may not). Written as
  // text: tsx would wrap a named helper in a function the page does not have.
  const outcome = await page.evaluate<string[]>(`new Promise((resolve) => setTimeout(() => {
    const attempt = (f) => { try { f(); return 'ran'; } catch (err) { return err.name; } };
    resolve([attempt(() => eval('1 + 1')), attempt(() => new Function('return 1')())]);
  }, 0))`);
  assert.deepEqual(outcome, ['EvalError', 'EvalError']);
  await settle();
  assert.ok((await violations()).some((v) => v.directive === 'script-src' && v.blocked === 'eval'), JSON.stringify(await violations()));
});

test('connections go nowhere but the loopback WebSocket of an attached serve', async () => {
  const fetched = await page.evaluate(() =>
    fetch('http://127.0.0.1:9/steal').then(
      () => 'sent',
      (err: Error) => err.name,
    ),
  );
  assert.equal(fetched, 'TypeError');
  await settle();
  assert.ok((await violations()).some((v) => v.directive === 'connect-src' && v.blocked.startsWith('http://127.0.0.1:9')), JSON.stringify(await violations()));
});
