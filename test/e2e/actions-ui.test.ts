// What a person does from the details, end to end: the real renderer in Chromium against a real
// `baton serve` on the lab. A replica restarted from its details comes back (the same container,
// healthy again); a secret made from a file chosen in the app never comes back to the page; a
// host drained from its details in the hosts view loses its replicas to the others and is
// activated again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { dockerCli, labUp, type LabHost } from '../lab/lab.ts';
import { clearSystemContainers } from '../integration/helpers.ts';
import { IMAGES } from '../lab/layout.ts';
import { ROOT, cleanup, ensureBuilt, eventually, stepWithEvidence, launchChromium, openPage, screenshot, startServe, type Served } from './harness.ts';

const STACK = `name: acts
services:
  web:
    image: baton-test/web:1
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 3
`;

let served: Served;
let browser: Browser;
let page: Page;
let hosts: LabHost[];
/** Every WebSocket frame the page received, as text. */
const frames: string[] = [];

function baton(args: string[]): string {
  const result = spawnSync(process.execPath, [`${ROOT}/bin/baton.mjs`, ...args], { cwd: ROOT, env: { ...process.env, BATON_HOME: served.home, HOME: served.userHome }, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`baton ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const ps = () => JSON.parse(baton(['ps', 'acts/web', '--json'])) as { id: string; name: string; host: string; health: string; state: string }[];
const hostList = () => JSON.parse(baton(['host', 'ls', '--json'])) as { name: string; availability?: string }[];

async function go(view: string): Promise<void> {
  await page.evaluate((v) => {
    window.location.hash = `/${v}`;
  }, view);
}

describe('actions from the details', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    const lab = await labUp();
    hosts = lab.hosts.slice(0, 3);
    ensureBuilt();
    process.env['BATON_INGRESS_IMAGE'] = IMAGES.haproxy;
    served = await startServe();
    for (const [i, host] of hosts.entries()) baton(['host', 'add', `root@${host.address}`, '--name', `lab-${i + 1}`, '-i', lab.keys.root, '--trust-new-host-key']);
    const file = join(served.userHome, 'acts.yaml');
    writeFileSync(file, STACK);
    baton(['apply', '-f', file]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    ({ page } = await openPage(context, served.url));
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));
    await page.reload(); // the page's connection again, now with every frame it receives recorded
    await go('topology');
    await eventually('3 healthy acts/web replicas', async () => ((await page.locator('[data-testid="replica"][data-service="acts/web"][data-health="healthy"]').count()) === 3 ? true : undefined), 120_000);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (served) cleanup(served);
    await Promise.all(
      hosts.map(async (h) => {
        const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=acts'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
      }),
    );
    await clearSystemContainers();
    // the lab keeps its images on every host: web:2 back on lab-3 if the push did not bring it
    const [from, to] = [hosts[0]!, hosts[2]!];
    if (!(await dockerCli(to, ['image', 'inspect', 'baton-test/web:2'])).stdout.includes('sha256:')) {
      spawnSync('sh', ['-c', `docker -H unix://${from.dockerSocket} save baton-test/web:2 | docker -H unix://${to.dockerSocket} load`], { stdio: 'ignore' });
    }
  });

  const step = stepWithEvidence(() => ({ page, served }));

  it('restarts a replica from its details, confirmed first; the same container comes back healthy', () =>
    step('replica-restart', async () => {
      const chip = page.locator('[data-testid="replica"][data-service="acts/web"]').first();
      const name = (await chip.getAttribute('data-replica'))!;
      const before = ps().find((r) => r.name === name)!;
      const host = hosts[Number(before.host.slice(-1)) - 1]!;
      const startedBefore = (await dockerCli(host, ['inspect', '-f', '{{.State.StartedAt}}', before.id])).stdout.trim();
      await chip.click();
      const details = page.getByTestId('details');
      await details.getByRole('heading', { name }).waitFor({ timeout: 15_000 });
      const actions = details.getByTestId('replica-actions');
      await actions.locator('[data-action="restart"]').click();
      const dialog = page.getByRole('dialog', { name: `Restart ${name}?` });
      await dialog.getByText(/same container is restarted on lab-\d: it is drained out of the ingress first/).waitFor();
      await screenshot(page, 'replica-restart-confirm');
      await dialog.getByTestId('confirm-action').click();
      await actions.getByTestId('replica-actions-done').getByText(/Restarted in place on lab-\d/).waitFor({ timeout: 30_000 });
      // the same container, started again by Docker, healthy again, in the topology too
      const startedAfter = (await dockerCli(host, ['inspect', '-f', '{{.State.StartedAt}}', before.id])).stdout.trim();
      assert.notEqual(startedAfter, startedBefore, 'Docker started it again');
      await eventually('it healthy again', async () => (ps().find((r) => r.id === before.id)?.health === 'healthy' ? true : undefined), 30_000, async () => JSON.stringify(ps()));
      await page.locator(`[data-testid="replica"][data-replica="${name}"][data-health="healthy"]`).waitFor({ timeout: 30_000 });
      assert.equal(ps().length, 3, 'nothing replaced it, nothing added');
      await details.getByText(/restarted in place on lab-\d \(asked for\)/).waitFor({ timeout: 15_000 });
      await screenshot(page, 'replica-restarted');
    }));

  it('creates a secret from a file chosen in the app; its value is nowhere in the page or in any frame it received', () =>
    step('secret-create', async () => {
      const value = `e2e-secret-${Date.now()}-do-not-show`;
      const encoded = Buffer.from(value).toString('base64');
      await go('secrets');
      await page.getByTestId('new-secret').click();
      const dialog = page.getByRole('dialog', { name: 'New secret' });
      await dialog.getByTestId('secret-file').setInputFiles({ name: 'e2e-token.txt', mimeType: 'text/plain', buffer: Buffer.from(value) });
      assert.equal(await dialog.getByLabel('Name').inputValue(), 'e2e-token', 'named after its file');
      await dialog.getByTestId('create-secret').click();
      await page.getByTestId('secrets-notice').getByText(/e2e-token was created \(v1\)/).waitFor({ timeout: 15_000 });
      const row = page.locator('[data-testid="secret-row"][data-secret="e2e-token"]');
      await row.waitFor({ timeout: 15_000 });
      assert.match((await row.textContent()) ?? '', /Baton's store.*no service.*v1/);
      // rotated from another file: the version goes up, and still no value comes back
      const next = `${value}-rotated`;
      await row.getByTestId('rotate-file').setInputFiles({ name: 'next.txt', mimeType: 'text/plain', buffer: Buffer.from(next) });
      await page.getByTestId('secrets-notice').getByText(/e2e-token is at v2/).waitFor({ timeout: 15_000 });
      await row.getByText('v2').waitFor({ timeout: 15_000 });
      // the control plane has it (by name), the page and its connection never saw it
      assert.ok((JSON.parse(baton(['secret', 'ls', '--json'])) as { name: string }[]).some((x) => x.name === 'e2e-token'));
      await screenshot(page, 'secrets');
      const html = await page.content();
      const text = await page.evaluate(() => document.body.innerText);
      for (const secret of [value, encoded, next, Buffer.from(next).toString('base64')]) {
        assert.ok(!html.includes(secret) && !text.includes(secret), 'not in the page');
        assert.ok(!frames.some((f) => f.includes(secret)), 'not in any WebSocket frame the page received');
      }
      assert.ok(frames.length > 10 && frames.some((f) => f.includes('e2e-token')), `frames were recorded (${frames.length}), and they name the secret`);
    }));

  it('pushes an image from the images view to the host that lacks it, with a bar per host', () =>
    step('image-push', async () => {
      const lacking = hosts[2]!;
      await dockerCli(lacking, ['rmi', 'baton-test/web:2']);
      await go('images');
      const onLab3 = page.locator('[data-testid="image-host"][data-host="lab-3"]');
      await onLab3.waitFor({ timeout: 15_000 });
      await eventually('lab-3 listed without web:2', async () => ((await onLab3.locator('[data-image="baton-test/web:2"]').count()) === 0 ? true : undefined), 15_000);
      await page.getByTestId('push-image').selectOption('baton-test/web:2');
      await page.getByTestId('push').click();
      const progress = page.getByTestId('push-progress');
      await progress.and(page.locator('[data-outcome="done"]')).waitFor({ timeout: 60_000 });
      assert.equal(await progress.locator('[data-testid="push-bar"][data-host="lab-3"]').getAttribute('data-state'), 'done');
      assert.equal(await progress.locator('[data-testid="push-bar"][data-host="lab-3"] [role="progressbar"]').getAttribute('aria-valuenow'), '100');
      assert.equal(await progress.locator('[data-testid="push-bar"][data-host="lab-2"]').getAttribute('data-state'), 'present', 'a host that had it is sent nothing');
      assert.match((await progress.textContent()) ?? '', /baton-test\/web:2 from lab-[12]: done\./);
      assert.ok((await dockerCli(lacking, ['image', 'inspect', 'baton-test/web:2'])).stdout.includes('sha256:'), 'lab-3 has it again');
      await onLab3.locator('[data-image="baton-test/web:2"]').waitFor({ timeout: 15_000 });
      await screenshot(page, 'images-pushed');
    }));

  it("drains a host from its details in the hosts view, and activates it again", () =>
    step('host-drain', async () => {
      await go('hosts');
      const row = page.locator('[data-testid="host-row"][data-host="lab-2"]');
      await row.click();
      const details = page.getByTestId('host-details');
      await details.getByRole('heading', { name: 'lab-2' }).waitFor({ timeout: 15_000 });
      await details.getByTestId('host-actions').locator('[data-action="drain"]').click();
      // live from the event stream: the badge and the buttons follow the host's new availability
      await details.getByTestId('host-drained').waitFor({ timeout: 15_000 });
      await details.getByTestId('host-actions').locator('[data-action="activate"]').waitFor();
      assert.equal(hostList().find((h) => h.name === 'lab-2')?.availability, 'drain');
      await eventually('no acts/web replica left on lab-2, 3 healthy elsewhere', async () => {
        const r = ps();
        return r.length === 3 && r.every((x) => x.host !== 'lab-2' && x.health === 'healthy') ? true : undefined;
      }, 90_000, async () => JSON.stringify(ps()));
      await details.getByText(/lab-2 drained/).first().waitFor({ timeout: 15_000 });
      await screenshot(page, 'host-drained');
      await details.getByTestId('host-actions').locator('[data-action="activate"]').click();
      await details.getByTestId('host-drained').waitFor({ state: 'detached', timeout: 15_000 });
      await details.getByTestId('host-actions').locator('[data-action="drain"]').waitFor();
      assert.notEqual(hostList().find((h) => h.name === 'lab-2')?.availability, 'drain');
      // removal asks first, and Cancel changes nothing
      await details.getByTestId('host-actions').locator('[data-action="remove"]').click();
      const dialog = page.getByRole('dialog', { name: 'Remove lab-2?' });
      await dialog.getByText(/Baton forgets lab-2/).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.ok(hostList().some((h) => h.name === 'lab-2'), 'still in the cluster');
    }));
});
