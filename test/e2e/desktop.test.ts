// The desktop app end to end: the real renderer in Debian's Chromium, over the WebSocket
// transport, against a real `baton serve` driving the lab's hosts. One story, in order, as a
// person would live it: add a host (confirming its fingerprint), apply a stack, drag to scale,
// slide back, kill a replica and watch it come back; and what goes wrong on the way (a host
// that refuses, an invalid stack, the control plane going away).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { dockerCli, labUp, type LabHost } from '../lab/lab.ts';
import { ROOT, cleanup, ensureBuilt, eventually, stepWithEvidence, launchChromium, openPage, screenshot, startServe, type PageWatch, type Served } from './harness.ts';


const STACK = `name: shop
services:
  web:
    image: baton-test/web:1
    ports:
      - "18080:8080"
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 1s
      timeout: 2s
      retries: 2
    deploy:
      replicas: 2
      resources:
        reservations:
          cpus: "0.1"
          memory: 32M
  ticker:
    image: baton-test/web:1
    command: ["sh", "-c", "i=0; while true; do echo tick $$i; i=$$((i+1)); sleep 0.5; done"]
    deploy:
      replicas: 1
`;

// Line 6 says replicas is "two": a type error the parser reports at that line.
// Two replicas, one host allowed, at most one per host: one runs, one can't be placed.
const heavyStack = (hostname: string): string => `name: heavy
services:
  batch:
    image: baton-test/web:1
    deploy:
      replicas: 2
      placement:
        constraints: ["node.hostname == ${hostname}"]
        max_replicas_per_node: 1
`;

const INVALID_STACK = `name: broken
services:
  api:
    image: baton-test/web:1
    deploy:
      replicas: two
`;

let served: Served;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let hosts: LabHost[];
let KEY: string;

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

/** The id this control plane stamps on its containers (leftovers of other runs on a reused lab carry another). */
function clusterId(): string {
  const db = new Database(join(served.home, 'baton.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT value FROM settings WHERE key = 'cluster_id'").get() as { value: string } | undefined;
    if (!row) throw new Error('the control plane has no cluster id yet');
    return row.value;
  } finally {
    db.close();
  }
}

/** This cluster's containers of shop/web on every lab host, with their health as Docker sees it. */
async function webContainers(): Promise<{ host: string; name: string; status: string }[]> {
  const cluster = clusterId();
  const all = await Promise.all(
    hosts.map(async (host) => {
      const out = await dockerCli(host, ['ps', '--filter', `label=baton.cluster=${cluster}`, '--filter', 'label=baton.stack=shop', '--filter', 'label=baton.service=web', '--format', '{{.Names}}\t{{.Status}}']);
      return out.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, status] = line.split('\t');
          return { host: host.name, name: name!, status: status! };
        });
    }),
  );
  return all.flat();
}

async function healthyWebContainers(): Promise<number> {
  return (await webContainers()).filter((c) => c.status.includes('(healthy)')).length;
}

function chips(service = 'shop/web'): Locator {
  return page.locator(`[data-testid="replica"][data-service="${service}"]`);
}

async function go(view: string): Promise<void> {
  await page.evaluate((v) => {
    window.location.hash = `/${v}`;
  }, view);
}

/** Drags from the centre of one element to the centre of another with real pointer events. */
async function drag(from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  assert.ok(a && b, 'both ends of the drag are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  // several steps, as a hand would: drop targets react to pointermove, not to teleports
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function expectCount(locator: Locator, n: number, what: string, timeoutMs = 60_000): Promise<void> {
  await eventually(`${what} (${n})`, async () => ((await locator.count()) === n ? true : undefined), timeoutMs, async () => `saw ${await locator.count()}`);
}

async function expectWebConverged(n: number): Promise<void> {
  await eventually(`${n} healthy shop/web containers in docker ps on the hosts`, async () => ((await healthyWebContainers()) === n && (await webContainers()).length === n ? true : undefined), 90_000, async () => JSON.stringify(await webContainers()));
  await expectCount(page.locator('[data-testid="replica"][data-service="shop/web"][data-health="healthy"]'), n, 'healthy shop/web chips in the topology');
  await expectCount(chips(), n, 'shop/web chips in the topology');
  await expectCount(page.locator('[data-testid="scale-pending"][data-service="shop/web"]'), 0, 'no pending marker on shop/web');
}

describe('the desktop app in Chromium', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    const lab = await labUp();
    hosts = lab.hosts.slice(0, 3);
    KEY = lab.keys.root;
    ensureBuilt();
    served = await startServe();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    ({ page, watch } = await openPage(context, served.url));
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (served) cleanup(served);
  });

  // Every step leaves evidence when it fails.
  const step = stepWithEvidence(() => ({ page, served }));

  it('is served under a strict Content-Security-Policy that Chromium enforces', () =>
    step('csp', async () => {
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp ?? '', /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
      // an injected inline script does not run, and Chromium reports the violation
      const ran = await page.evaluate(async () => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.append(script);
        await new Promise((r) => setTimeout(r, 100));
        return (window as unknown as { __injected?: boolean }).__injected === true;
      });
      assert.equal(ran, false, 'an inline script ran');
      // (eval is refused by the same policy, but Playwright's evaluate runs outside it, so it is not checked from here)
      await eventually('the violation report', async () => (watch.cspViolations.some((v) => v.startsWith('script-src')) ? true : undefined), 5_000);
      // forget what we caused on purpose: the violation and Chromium's console line about it
      watch.cspViolations.length = 0;
      const ours = watch.errors.filter((e) => /Executing inline script violates/.test(e));
      assert.equal(ours.length, 1, `Chromium logged: ${watch.errors.join(' | ')}`);
      watch.errors.splice(0, watch.errors.length, ...watch.errors.filter((e) => !ours.includes(e)));
    }));

  it('tells a new user what to do first', () =>
    step('empty', async () => {
      await go('topology');
      await page.getByText(/add a host/i).first().waitFor();
      await screenshot(page, 'topology-empty');
    }));

  it('adds a host with the wizard, after showing its host key fingerprint to confirm', () =>
    step('add-host', async () => {
      // the person's ~/.ssh/config names the host: the wizard offers the alias, and picking it
      // brings its key; the control plane applies HostName and User
      mkdirSync(join(served.userHome, '.ssh'), { recursive: true, mode: 0o700 });
      writeFileSync(join(served.userHome, '.ssh', 'config'), `Host lab-one\n  HostName ${hosts[0]!.address}\n  User root\n  IdentityFile ${KEY}\n`, { mode: 0o600 });
      await go('hosts');
      await page.getByTestId('add-host').first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a host' });
      await dialog.getByLabel('Address').fill('lab-o');
      const suggestion = dialog.getByRole('button', { name: /lab-one/ });
      await suggestion.waitFor({ timeout: 15_000 });
      assert.match((await suggestion.textContent()) ?? '', new RegExp(`root@${hosts[0]!.address.replaceAll('.', '\\.')}`));
      await suggestion.click();
      assert.equal(await dialog.getByLabel('Address').inputValue(), 'lab-one');
      assert.equal(await dialog.getByRole('textbox', { name: 'Key file' }).inputValue(), KEY);
      await dialog.getByLabel('Name').fill('lab-1');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      const fingerprint = dialog.getByTestId('host-key-fingerprint');
      await fingerprint.waitFor({ timeout: 30_000 });
      assert.equal((await fingerprint.textContent())?.trim(), hosts[0]!.hostKeyFingerprint);
      await screenshot(page, 'add-host-fingerprint');
      await dialog.getByRole('button', { name: 'Trust and add' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      const row = page.locator('[data-testid="host-row"][data-host="lab-1"]');
      await row.getByText(/ready/i).first().waitFor({ timeout: 30_000 });
      await row.getByText(`root@${hosts[0]!.address}`).waitFor();
    }));

  it('shows the real cause when a host refuses the connection', () =>
    step('host-refused', async () => {
      await page.getByTestId('add-host').first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a host' });
      await dialog.getByLabel('Address').fill(`root@${hosts[1]!.address}:2`);
      await dialog.getByLabel('Name').fill('nowhere');
      await dialog.getByRole('radio', { name: 'Key file' }).check();
      await dialog.getByRole('textbox', { name: 'Key file' }).fill(KEY);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      const alert = dialog.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      assert.match((await alert.textContent()) ?? '', /refused/i);
      await screenshot(page, 'add-host-refused');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.locator('[data-testid="host-row"][data-host="nowhere"]').count(), 0, 'a refused host was added');
    }));

  it('shows every host with its state and reservations', () =>
    step('hosts', async () => {
      // the other two hosts through the CLI, on the same control plane: the page updates by itself
      for (const [i, host] of hosts.slice(1).entries()) baton(['host', 'add', `root@${host.address}`, '--name', `lab-${i + 2}`, '-i', KEY, '--trust-new-host-key']);
      for (const name of ['lab-1', 'lab-2', 'lab-3']) await page.locator(`[data-testid="host-row"][data-host="${name}"]`).getByText(/ready/i).first().waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="host-row"][data-host="lab-1"] [data-testid="cpu-bar"]').waitFor();
      await screenshot(page, 'hosts');
    }));

  it('shows an invalid stack\'s errors at their line and applies nothing', () =>
    step('stack-invalid', async () => {
      await go('stacks');
      // opened from a file, as a person would pick it
      await page.getByLabel('Open a Compose file').first().setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(INVALID_STACK) });
      await eventually('the opened file in the editor', async () => ((await page.locator('[data-testid="compose-editor"] .cm-content .cm-line').allTextContents()).join('\n') === INVALID_STACK ? true : undefined), 10_000);
      await page.getByText('broken.yaml').first().waitFor();
      await page.getByRole('button', { name: 'Plan' }).click();
      const problem = page.locator('[data-testid="spec-problem"][data-line="6"]');
      await problem.waitFor({ timeout: 15_000 });
      assert.match((await problem.textContent()) ?? '', /replicas/);
      await page.locator('[data-testid="problem-line"][data-line="6"]').waitFor();
      await page.getByRole('button', { name: 'Apply' }).click();
      await problem.waitFor();
      await screenshot(page, 'stack-errors');
      assert.equal(JSON.parse(baton(['stacks', '--json'])).length, 0, 'an invalid stack was stored');
    }));

  it('plans and applies a stack with 2 replicas', () =>
    step('stack-apply', async () => {
      await page.getByLabel('Compose file', { exact: true }).fill(STACK);
      await page.getByRole('button', { name: 'Plan' }).click();
      await page.locator('[data-testid="plan-row"][data-service="web"][data-action="create"]').waitFor({ timeout: 15_000 });
      // the plan says where the service's port answers from
      const port = page.locator('[data-testid="plan-row"][data-service="web"] [data-testid="plan-port"][data-reach="ingress"]');
      assert.equal((await port.textContent())?.trim(), '18080 on every host (ingress) → 8080/tcp');
      await screenshot(page, 'stack-plan');
      assert.equal(JSON.parse(baton(['stacks', '--json'])).length, 0, 'plan applied something');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('[data-testid="stack-row"][data-stack="shop"]').waitFor({ timeout: 15_000 });
      await go('topology');
      await expectWebConverged(2);
      await screenshot(page, 'topology');
    }));

  it('drags the service onto hosts to scale it to 5, and the hosts run 5 healthy replicas', () =>
    step('drag-to-scale', async () => {
      const service = page.locator('[data-testid="service-node"][data-service="shop/web"]');
      for (const [i, target] of ['lab-2', 'lab-3', 'lab-3'].entries()) {
        await drag(service, page.locator(`[data-testid="host-group"][data-host="${target}"]`));
        await expectCount(chips(), 3 + i, 'shop/web replicas after a drop', 30_000);
      }
      await expectWebConverged(5);
      // the drops asked for those hosts: the replicas went there
      const onLab3 = await page.locator('[data-testid="host-group"][data-host="lab-3"] [data-testid="replica"][data-service="shop/web"]').count();
      assert.ok(onLab3 >= 2, `lab-3 runs ${onLab3} shop/web replicas after two drops onto it`);
      await screenshot(page, 'topology-scaled');
    }));

  it('shows the details of a selected replica and of a selected service', () =>
    step('details', async () => {
      const chip = page.locator('[data-testid="host-group"][data-host="lab-3"] [data-testid="replica"][data-service="shop/web"]').first();
      const name = (await chip.getAttribute('data-replica'))!;
      await chip.click();
      const details = page.getByTestId('details');
      await details.getByRole('heading', { name }).waitFor({ timeout: 15_000 });
      // the labels are the container's own, read from its host
      await details.getByText('baton.service=web').waitFor({ timeout: 15_000 });
      await details.getByText('baton.stack=shop').waitFor();
      await details.getByText('Recent events').waitFor();
      await screenshot(page, 'details-replica');
      // a terminal in it: `hostname` answers with the container's own
      const id = (await dockerCli(hosts[2]!, ['ps', '-q', '--no-trunc', '--filter', `name=^${name}$`])).stdout.trim();
      const expected = (await dockerCli(hosts[2]!, ['inspect', '-f', '{{.Config.Hostname}}', id])).stdout.trim();
      await details.getByRole('button', { name: 'Terminal' }).click();
      const terminal = page.getByTestId('terminal');
      await terminal.waitFor({ timeout: 10_000 });
      await eventually('a prompt', async () => ((await terminal.locator('.xterm-rows').textContent())?.includes('#') ? true : undefined), 15_000);
      await page.keyboard.type('hostname');
      await page.keyboard.press('Enter');
      await eventually(
        'the hostname on screen',
        async () => {
          const rows = await terminal.locator('.xterm-rows > div').allTextContents();
          return rows.some((r) => r.trim() === expected) ? true : undefined;
        },
        15_000,
        async () => JSON.stringify(await terminal.locator('.xterm-rows > div').allTextContents()),
      );
      await screenshot(page, 'terminal');
      await page.keyboard.press('Control+D');
      await page.getByRole('dialog').getByText(/exited with code 0/).first().waitFor({ timeout: 10_000 });
      await page.getByRole('dialog').getByRole('button', { name: /close/i }).first().click();
      await terminal.waitFor({ state: 'detached', timeout: 5_000 });
      await page.locator('[data-testid="service-node"][data-service="shop/web"] [data-select="service"]').click();
      await details.getByText('baton-test/web:1').first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'detached', timeout: 5_000 });
    }));

  it('drags the count handle down by one', () =>
    step('count-handle', async () => {
      const handle = page.locator('[data-testid="count-handle"][data-service="shop/web"]');
      assert.equal(await handle.getAttribute('data-count'), '5');
      const box = (await handle.boundingBox())!;
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x - 8, y, { steps: 3 });
      await page.mouse.move(x - 21, y, { steps: 6 }); // one step of 14 px to the left: 5 → 4
      await page.mouse.up();
      await expectWebConverged(4);
      assert.equal(await handle.getAttribute('data-count'), '4');
    }));

  it('scales back to 3 with the slider', () =>
    step('slider', async () => {
      const slider = page.locator('[data-testid="scale-slider"][data-service="shop/web"]').first();
      await slider.fill('3');
      await expectWebConverged(3);
    }));

  it('shows a replica killed with docker kill come back', () =>
    step('kill', async () => {
      const chip = chips().first();
      const name = (await chip.getAttribute('data-replica'))!;
      const hostName = (await chip.getAttribute('data-host'))!;
      const labHost = hosts[Number(hostName.replace('lab-', '')) - 1]!;
      // record every state the chip of that replica shows from now on
      // (a string, not a function: tsx's name helpers don't exist in the page)
      await page.evaluate(`(() => {
        const seen = [];
        window.__seen = seen;
        const record = () => {
          const el = document.querySelector('[data-testid="replica"][data-replica="${name}"]');
          const state = el ? el.getAttribute('data-state') + '/' + el.getAttribute('data-health') : 'gone';
          if (seen[seen.length - 1] !== state) seen.push(state);
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-health'] });
        record();
      })()`);
      const killed = await dockerCli(labHost, ['kill', name]);
      assert.equal(killed.code, 0, killed.stderr);
      await eventually('the killed replica shown as down', async () => ((await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)).some((s) => !s.startsWith('running')) ? true : undefined), 30_000, async () => JSON.stringify(await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)));
      await expectWebConverged(3);
      const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
      assert.equal(seen[0], 'running/healthy', `states seen: ${seen.join(' → ')}`);
      assert.ok(['running/healthy', 'gone'].includes(seen.at(-1)!), `states seen: ${seen.join(' → ')}`);
    }));

  it('drags a replica out of its host to remove it', () =>
    step('drag-out', async () => {
      const chip = chips().first();
      const name = (await chip.getAttribute('data-replica'))!;
      const a = await chip.boundingBox();
      assert.ok(a);
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(a.x + 10, a.y + 10, { steps: 3 });
      const zone = page.getByTestId('remove-zone');
      await zone.waitFor();
      const z = (await zone.boundingBox())!;
      await page.mouse.move(z.x + z.width / 2, z.y + z.height / 2, { steps: 10 });
      await page.mouse.up();
      await expectWebConverged(2);
      assert.equal(await page.locator(`[data-testid="replica"][data-replica="${name}"]`).count(), 0, 'the dragged replica is still shown');
      assert.ok(!(await webContainers()).some((c) => c.name === name), 'the dragged replica still runs');
    }));

  it('says why a replica can\'t be placed, and shows a refused action\'s error where it was asked', () =>
    step('refused', async () => {
      // a service the hosts can take only half of: the pending marker says why, in the scheduler's words
      const file = join(served.userHome, 'heavy.yaml');
      writeFileSync(file, heavyStack(hosts[0]!.hostname));
      baton(['apply', '-f', file]);
      const pending = page.locator('[data-testid="scale-pending"][data-service="heavy/batch"]');
      await pending.waitFor({ timeout: 30_000 });
      await eventually('the reason heavy/batch is not placed', async () => (/max 1 per host/.test((await pending.textContent()) ?? '') ? true : undefined), 30_000, async () => (await pending.textContent()) ?? '');
      await screenshot(page, 'topology-pending');

      // A second window whose event stream is held back (the control plane's answers still
      // arrive), so it keeps showing a service that the CLI removes meanwhile: its scale request
      // is refused by the control plane, and the error shows at that service's controls.
      let holding = false;
      let release = (): void => undefined;
      const lagging = await context.newPage();
      await lagging.routeWebSocket(/\/api$/, (ws) => {
        const server = ws.connectToServer();
        const held: string[] = [];
        // A picture of the cluster asked for just before the hold (an event came in) would show
        // the removal as surely as an event: its answer is held too.
        const snapshotIds = new Set<number>();
        ws.onMessage((m) => {
          const text = typeof m === 'string' ? m : m.toString();
          const asked = (() => {
            try {
              return JSON.parse(text) as { id?: number; method?: string };
            } catch {
              return {};
            }
          })();
          if (asked.method === 'cluster.snapshot' && typeof asked.id === 'number') snapshotIds.add(asked.id);
          server.send(m);
        });
        server.onMessage((m) => {
          const text = typeof m === 'string' ? m : m.toString();
          const answerId = /^\{"id":(\d+),/.exec(text)?.[1];
          const isSnapshot = answerId !== undefined && snapshotIds.has(Number(answerId));
          if (holding && (text.startsWith('{"event"') || isSnapshot)) held.push(text);
          else ws.send(text);
        });
        release = () => {
          holding = false;
          for (const text of held.splice(0)) ws.send(text);
        };
      });
      try {
        await lagging.goto(served.url);
        await lagging.evaluate(() => {
          window.location.hash = '/topology';
        });
        const add = lagging.getByRole('button', { name: 'Add a replica of heavy/batch' });
        await add.waitFor({ timeout: 30_000 });
        holding = true;
        baton(['rm', 'heavy']);
        await add.click();
        const alert = lagging.getByRole('alert').filter({ hasText: 'heavy/batch' });
        await alert.waitFor({ timeout: 15_000 });
        const text = (await alert.textContent()) ?? '';
        assert.match(text, /Could not scale heavy\/batch to 3/);
        assert.match(text, /baton ls/, 'the error says what to do');
        assert.match(text, /NOT_FOUND/);
        await screenshot(lagging, 'scale-refused');
        // the held events arrive: the removed service leaves the screen, its error with it
        release();
        await expectCount(lagging.locator('[data-testid="service-node"][data-service="heavy/batch"]'), 0, 'heavy/batch nodes in the lagging window once its events arrive');
        assert.equal(await alert.count(), 0, 'the error of a removed service is still shown');
      } finally {
        await lagging.close();
      }
      await expectCount(page.locator('[data-testid="service-node"][data-service="heavy/batch"]'), 0, 'heavy/batch nodes after baton rm');
    }));

  it('follows the logs of a replica, from its details, and of a service', () =>
    step('logs', async () => {
      await go('topology');
      const ticker = chips('shop/ticker').first();
      const name = (await ticker.getAttribute('data-replica'))!;
      await ticker.click();
      await page.getByTestId('details').getByRole('link', { name: 'Logs' }).click();
      await eventually('the logs view on that replica', async () => ((await page.getByLabel('Logs of').inputValue()) === `replica:${name}` ? true : undefined), 15_000);
      await eventually('ticker lines of that replica', async () => ((await page.getByTestId('log-line').filter({ hasText: /tick \d+/ }).count()) >= 2 ? true : undefined), 30_000);
      await page.getByLabel('Logs of').selectOption({ label: 'shop/ticker' });
      await eventually('ticker lines', async () => ((await page.getByTestId('log-line').filter({ hasText: /tick \d+/ }).count()) >= 3 ? true : undefined), 30_000);
      await screenshot(page, 'logs');
    }));

  it('keeps an events timeline, reached and explained by keyboard', () =>
    step('events', async () => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: /keyboard shortcuts/i });
      await help.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached', timeout: 5_000 });
      await page.keyboard.press('g');
      await page.keyboard.press('e');
      await page.waitForURL(/#\/events$/, { timeout: 5_000 });
      await page.getByText(/scaled/).first().waitFor();
      await screenshot(page, 'events');
      // one line an event, alike runs folded: a filter by kind leaves only that kind's lines
      const kinds = page.getByLabel('Filter by kind');
      const groups = (await kinds.locator('option').allTextContents()).filter((o) => o !== 'any');
      assert.ok(groups.includes('replica'), `the kinds to filter by name the replicas' events: ${groups.join(', ')}`);
      await kinds.selectOption('replica');
      await eventually('only replica events listed', async () => {
        const listed = await page.getByTestId('event-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind') ?? ''));
        return listed.length > 0 && listed.every((k) => k.startsWith('replica.')) ? true : undefined;
      }, 5_000);
      await kinds.selectOption('');
    }));

  it('shows a lost control plane, disables its controls, and reconnects by itself', () =>
    step('reconnect', async () => {
      await go('topology');
      const slider = page.locator('[data-testid="scale-slider"][data-service="shop/web"]').first();
      await slider.waitFor();
      const port = served.port;
      await served.stop();
      await page.getByText(/reconnect/i).first().waitFor({ timeout: 15_000 });
      await eventually('the slider disabled', async () => ((await slider.isDisabled()) ? true : undefined), 10_000);
      await page.getByTestId('stale-picture').waitFor({ timeout: 10_000 });
      await screenshot(page, 'connection-lost');
      served = await startServe({ home: served.home, userHome: served.userHome, port });
      await eventually('the slider enabled again', async () => ((await slider.isEnabled()) ? true : undefined), 30_000);
      await page.getByTestId('stale-picture').waitFor({ state: 'detached', timeout: 10_000 });
      await expectWebConverged(2);
    }));

  it('asks a person opening the served UI to sign in with the token, and keeps it for the tab', () =>
    step('sign-in', async () => {
      const plain = await context.newPage();
      try {
        await plain.goto(`http://127.0.0.1:${served.port}/#/topology`);
        const token = plain.getByLabel('Token');
        await token.waitFor({ timeout: 15_000 });
        await plain.getByText(/Sign in to the control plane/).waitFor();
        await screenshot(plain, 'sign-in');
        // a wrong token is refused by the server, and the form asks again
        await token.fill('not-the-token');
        await plain.getByRole('button', { name: 'Sign in' }).click();
        await plain.getByText(/That token is not this baton serve's/).waitFor({ timeout: 15_000 });
        await eventually('the form back after a refused token', async () => ((await token.isVisible()) ? true : undefined), 15_000);
        await token.fill(readFileSync(join(served.home, 'ws-token'), 'utf8'));
        await plain.getByRole('button', { name: 'Sign in' }).click();
        await plain.locator('[data-testid="service-node"][data-service="shop/web"]').waitFor({ timeout: 15_000 });
        assert.doesNotMatch(plain.url(), /token/, 'the token is in the address bar');
        // a reload in the same tab stays signed in
        await plain.reload();
        await plain.locator('[data-testid="service-node"][data-service="shop/web"]').waitFor({ timeout: 15_000 });
        assert.equal(await token.count(), 0);
      } finally {
        await plain.close();
      }
    }));

  it('has a dark theme', () =>
    step('dark', async () => {
      await page.emulateMedia({ colorScheme: 'dark' });
      await go('topology');
      await expectWebConverged(2);
      await screenshot(page, 'topology-dark');
    }));

  it('reported no CSP violations and no errors along the way', () => {
    assert.deepEqual(watch.cspViolations, []);
    // a stopped control plane makes the browser log failed WebSocket connections; nothing else is expected
    assert.deepEqual(watch.errors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(e)), []);
  });
});
