// The stack editor end to end: CodeMirror in Debian's Chromium under the page's strict policy,
// against a real `baton serve` with one lab host. The example it offers uses an image that host
// has; a stack typed with a mistake shows the parser's problem at its line, in the text and in the
// gutter; fixed by keystrokes, it plans; and the app's shortcuts keep working around the editor.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { labUp, type LabHost } from '../lab/lab.ts';
import { ROOT, cleanup, ensureBuilt, eventually, launchChromium, openPage, screenshot, startServe, stepWithEvidence, type PageWatch, type Served } from './harness.ts';

// line 6: replicas is "two", a type error the parser reports there
const MISTAKE = `name: typed
services:
  api:
    image: baton-test/web:1
    deploy:
      replicas: two
      resources:
        reservations:
          cpus: "0.1"
          memory: 32M
`;

let served: Served;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let host: LabHost;

function baton(args: string[]): string {
  const result = spawnSync(process.execPath, [`${ROOT}/bin/baton.mjs`, ...args], {
    cwd: ROOT,
    env: { ...process.env, BATON_HOME: served.home, HOME: served.userHome },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`baton ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const editor = () => page.getByTestId('compose-editor');
const content = () => page.getByLabel('Compose file', { exact: true });

/** The editor's document as its lines show it (all of it is in view: it is short). */
async function editorText(): Promise<string> {
  return (await editor().locator('.cm-content .cm-line').allTextContents()).join('\n');
}

describe('the stack editor in Chromium', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    const lab = await labUp();
    host = lab.hosts[0]!;
    ensureBuilt();
    served = await startServe();
    baton(['host', 'add', `root@${host.address}`, '--name', 'lab-1', '-i', lab.keys.root, '--trust-new-host-key']);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    ({ page, watch } = await openPage(context, served.url));
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (served) cleanup(served);
  });

  const step = stepWithEvidence(() => ({ page, served }));

  it('opens as a code editor under the strict policy: its styles adopted, nothing refused', () =>
    step('editor-csp', async () => {
      await page.evaluate(() => (window.location.hash = '/stacks'));
      await content().waitFor({ timeout: 15_000 });
      assert.equal(await content().getAttribute('contenteditable'), 'true');
      // CodeMirror's base theme applied (its rules live in a constructed stylesheet, not a <style>)
      assert.equal(await editor().locator('.cm-editor').evaluate((e) => getComputedStyle(e).display), 'flex');
      assert.ok((await page.evaluate(() => document.adoptedStyleSheets.length)) >= 1);
      assert.equal(await page.locator('style').count(), 0, 'no inline <style> in the page');
      assert.deepEqual(watch.cspViolations, []);
    }));

  it('offers an example made from an image the host has, and says so; it plans', () =>
    step('editor-example', async () => {
      const note = page.getByTestId('example-note');
      await eventually('the example note naming the host\'s image', async () => (/baton-test\/web:1, which lab-1 has/.test((await note.textContent()) ?? '') ? true : undefined), 30_000, async () => `note: ${await note.textContent()}`);
      await editor().getByRole('button', { name: 'Insert an example' }).click();
      await eventually('the example in the editor', async () => ((await editorText()).includes('image: baton-test/web:1') ? true : undefined), 10_000);
      assert.match(await editorText(), /^# The example uses baton-test\/web:1, which lab-1 has/);
      // highlighted as YAML: keys are property names
      assert.ok((await editor().locator('.tok-propertyName').count()) >= 5);
      await page.getByRole('button', { name: 'Plan' }).click();
      await page.locator('[data-testid="plan-row"][data-service="web"][data-action="create"]').waitFor({ timeout: 15_000 });
      assert.equal(await editor().locator('[data-testid="problem-line"]').count(), 0);
    }));

  it('shows the parser\'s problem of a typed stack at its line, in the text and the gutter', () =>
    step('editor-problem', async () => {
      await page.getByRole('button', { name: 'Clear' }).click();
      await eventually('an empty editor', async () => ((await editorText()) === '' ? true : undefined), 5_000);
      await content().focus();
      await page.keyboard.insertText('name: first\nservices:\n  web:\n    image: "x"\n');
      // typed over a selection of highlighted lines: the browser's own editing would write style
      // attributes the policy refuses; the editor makes it a change of its own
      await page.keyboard.press('Control+a');
      await page.keyboard.insertText(MISTAKE);
      assert.equal(await editorText(), MISTAKE);
      assert.deepEqual(watch.cspViolations, []);
      await page.getByRole('button', { name: 'Plan' }).click();
      const marker = editor().locator('[data-testid="problem-line"][data-line="6"]');
      await marker.waitFor({ timeout: 15_000 });
      assert.equal(await editor().locator('[data-testid="problem-line"]').count(), 1);
      assert.match((await marker.getAttribute('title')) ?? '', /replicas/);
      // underlined in the text on line 6, on its value
      // (one range, though highlighting may split it into several spans)
      const range = editor().locator('.cm-lintRange-error');
      const lines = await range.evaluateAll((els) => els.map((el) => [...document.querySelectorAll('.cm-content .cm-line')].indexOf(el.closest('.cm-line')!) + 1));
      assert.ok(lines.length >= 1);
      assert.deepEqual([...new Set(lines)], [6]);
      assert.match((await range.allTextContents()).join(''), /two$/);
      // the message on hover, and in the list beside the editor with its line
      await range.last().hover();
      const tooltip = page.locator('.cm-tooltip-lint');
      await tooltip.waitFor({ timeout: 5_000 });
      assert.match((await tooltip.textContent()) ?? '', /replicas/);
      await page.locator('[data-testid="spec-problem"][data-line="6"]').waitFor();
      await screenshot(page, 'stack-editor-problem');
      assert.equal(JSON.parse(baton(['stacks', '--json'])).length, 0, 'a plan stored something');
    }));

  it('fixed by keystrokes, the mark goes and the plan comes', () =>
    step('editor-fix', async () => {
      // the caret to the end of line 6, "two" rubbed out, "1" typed
      await editor().locator('.cm-content .cm-line').nth(5).click();
      await page.keyboard.press('End');
      for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('1');
      assert.equal((await editorText()).split('\n')[5], '      replicas: 1');
      await page.getByRole('button', { name: 'Plan' }).click();
      await page.locator('[data-testid="plan-row"][data-service="api"][data-action="create"]').waitFor({ timeout: 15_000 });
      assert.equal(await editor().locator('[data-testid="problem-line"]').count(), 0);
      assert.equal(await editor().locator('.cm-lintRange-error').count(), 0);
      await screenshot(page, 'stack-editor-plan');
    }));

  it('keeps the app\'s shortcuts: keys typed in the editor stay text (and undo), outside it they navigate', () =>
    step('editor-shortcuts', async () => {
      await editor().locator('.cm-content .cm-line').nth(0).click();
      await page.keyboard.press('End');
      await page.keyboard.type('gt?');
      assert.equal((await editorText()).split('\n')[0], 'name: typedgt?');
      assert.match(page.url(), /#\/stacks$/);
      assert.equal(await page.getByRole('dialog').count(), 0, 'the shortcuts list opened while typing');
      await page.keyboard.press('Control+z');
      assert.equal((await editorText()).split('\n')[0], 'name: typed');
      // Esc then Tab leaves the editor (no keyboard trap)
      await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      assert.equal(await content().evaluate((el) => el === document.activeElement), false, 'focus left the editor');
      assert.equal((await editorText()).split('\n')[0], 'name: typed', 'Tab after Esc inserted nothing');
      // outside any field, ? opens the shortcuts and g t goes to the topology
      await page.locator('#deploy-heading').click();
      await page.keyboard.press('?');
      await page.getByRole('dialog').waitFor({ timeout: 5_000 });
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 5_000 });
      await page.keyboard.press('g');
      await page.keyboard.press('t');
      await eventually('the topology', async () => (/#\/topology$/.test(page.url()) ? true : undefined), 5_000);
      // and back: the draft is as it was left
      await page.keyboard.press('g');
      await page.keyboard.press('s');
      await content().waitFor();
      assert.equal(await editorText(), MISTAKE.replace('replicas: two', 'replicas: 1'));
      assert.deepEqual(watch.cspViolations, []);
      assert.deepEqual(watch.errors, []);
    }));
});
