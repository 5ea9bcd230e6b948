// What the browser tests stand on: the built renderer, a real `baton serve --ws --ui` (its own
// BATON_HOME and HOME, so no state or ~/.ssh of the person running the tests leaks in), and
// Debian's Chromium driven by playwright-core. Screenshots of every view go to SCREENSHOTS, and
// of a failing step to test-results/e2e.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
/**
 * Where each run keeps its screenshots of every view: test-results/screenshots (not tracked).
 * `BATON_SCREENSHOTS=docs/screenshots npm test -- e2e` refreshes the ones the README shows.
 */
export const SCREENSHOTS = resolve(ROOT, process.env['BATON_SCREENSHOTS'] ?? join('test-results', 'screenshots'));
export const CHROMIUM = process.env['BATON_CHROMIUM'] ?? '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build` unless dist/renderer is newer than every source it is made from: renderer/,
 * shared/, the page's policy (electron/window/) and the build's own config.
 */
export function ensureBuilt(): void {
  const index = join(ROOT, 'dist', 'renderer', 'index.html');
  let built = 0;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newestMtime(join(ROOT, 'renderer')),
    newestMtime(join(ROOT, 'shared')),
    newestMtime(join(ROOT, 'electron', 'window')),
    statSync(join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (built > sources) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'build', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed: the browser tests need the built renderer');
}

export interface Served {
  /** The page to open: the UI with its WebSocket address and token. */
  url: string;
  port: number;
  home: string;
  userHome: string;
  process: ChildProcess;
  /** Output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `baton serve --ws 127.0.0.1:PORT --ui` as its own process. `port` 0 picks a free one;
 * pass the previous port to restart on the same address (the page reconnects by itself).
 */
export async function startServe(options: { home?: string; userHome?: string; port?: number } = {}): Promise<Served> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'baton-e2e-home-'));
  const userHome = options.userHome ?? mkdtempSync(join(tmpdir(), 'baton-e2e-user-'));
  const tokenFile = join(home, 'ws-token');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'baton.mjs'), 'serve', '--ws', `127.0.0.1:${options.port ?? 0}`, '--ui', '--token-file', tokenFile], {
    cwd: ROOT,
    env: { ...process.env, BATON_HOME: home, HOME: userHome, BATON_LOG_LEVEL: process.env['BATON_LOG_LEVEL'] ?? 'warn', SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baton serve did not start in 30 s:\n${output}`)), 30_000);
    const check = (): void => {
      const m = /UI on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`baton serve exited (${code}):\n${output}`));
    });
  });
  const token = readFileSync(tokenFile, 'utf8').trim();
  const ws = `ws://127.0.0.1:${port}/api`;
  return {
    url: `http://127.0.0.1:${port}/?ws=${encodeURIComponent(ws)}&token=${encodeURIComponent(token)}`,
    port,
    home,
    userHome,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function cleanup(served: Served): void {
  rmSync(served.home, { recursive: true, force: true });
  rmSync(served.userHome, { recursive: true, force: true });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox: the tests run as root in CI. No background traffic: the machine is offline.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface PageWatch {
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Uncaught errors and console errors. */
  errors: string[];
}

/** A page that records CSP violations and errors, so a test can assert there were none. */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { cspViolations: [], errors: [] };
  await page.exposeBinding('__batonReportCsp', (_source, text: string) => {
    watch.cspViolations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __batonReportCsp(text: string): void }).__batonReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('pageerror', (err) => watch.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { page, watch };
}

/** Saves a screenshot of the page as SCREENSHOTS/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/** On failure: the page as it was, and the control plane's output, in test-results/. */
/**
 * A step of a browser test that leaves evidence when it fails (keepFailureEvidence); `current`
 * gives the page and serve as they are when the step runs (a suite reassigns them).
 */
export function stepWithEvidence(current: () => { page: Page | undefined; served: Served | undefined }) {
  return async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const { page, served } = current();
      await keepFailureEvidence(page, served, name);
      throw err;
    }
  };
}

export async function keepFailureEvidence(page: Page | undefined, served: Served | undefined, name: string): Promise<void> {
  const dir = join(ROOT, 'test-results', 'e2e');
  mkdirSync(dir, { recursive: true });
  if (page && !page.isClosed()) await page.screenshot({ path: join(dir, `${name}.png`) }).catch(() => undefined);
  if (served) writeFileSync(join(dir, `${name}.serve.log`), served.output());
}

/** Polls `probe` until it returns a value that isn't undefined (or throws at the deadline with the last seen state). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = describe ? await describe().catch((e: unknown) => `(could not describe: ${String(e)})`) : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}${state ? `\n${state}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
