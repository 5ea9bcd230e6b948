// The app's rollout controls end to end: the real renderer in Chromium against a real `baton
// serve` on the lab. A rollout to v2 started from a service's details, its progress bar watched to
// the end while wrk sees no failed request; meanwhile the topology shows the service's published
// port, the requests/s of the ingress the traffic comes in through, and each old replica drawn
// apart while it drains; a roll back from the history; a revision whose replicas exit at once
// rolls back by itself, and the panel says so with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { dockerCli, labUp, type LabHost } from '../lab/lab.ts';
import { clearSystemContainers } from '../integration/helpers.ts';
import { IMAGES } from '../lab/layout.ts';
import { describeLoad, startLoad } from '../lab/load.ts';
import { ROOT, cleanup, ensureBuilt, eventually, stepWithEvidence, launchChromium, openPage, screenshot, startServe, type Served } from './harness.ts';

const STACK = `name: roll
services:
  web:
    image: baton-test/web:1
    ports: ["18090:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 2s
    deploy:
      replicas: 3
      update_config:
        parallelism: 1
        order: start-first
        monitor: 2s
        failure_action: rollback
`;

interface DrainSeen {
  replica: string;
  /** Its chip's draining frame is dashed. */
  dashed: boolean;
  /** A chip serving at that moment had such a frame too (so it would not be told apart). */
  servingMarked: boolean;
}

// In the page: each time a chip's data-pool becomes "draining", how it and a serving chip look.
const WATCH_DRAINING = `(() => {
  const w = window;
  w.__draining = [];
  const look = (chip) => {
    const mark = chip.querySelector('[data-pool-mark="draining"]');
    const serving = document.querySelector('[data-testid="replica"][data-pool="serving"]');
    w.__draining.push({
      replica: chip.getAttribute('data-replica'),
      dashed: mark !== null && getComputedStyle(mark).borderTopStyle === 'dashed',
      servingMarked: serving !== null && serving.querySelector('[data-pool-mark]') !== null,
    });
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (el instanceof HTMLElement && el.dataset.testid === 'replica' && el.dataset.pool === 'draining' && r.oldValue !== 'draining') look(el);
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-pool'] });
})()`;

let served: Served;
let browser: Browser;
let page: Page;
let hosts: LabHost[];

function baton(args: string[]): string {
  const result = spawnSync(process.execPath, [`${ROOT}/bin/baton.mjs`, ...args], { cwd: ROOT, env: { ...process.env, BATON_HOME: served.home, HOME: served.userHome }, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`baton ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const rolloutStatus = () => JSON.parse(baton(['rollout', 'status', 'roll/web', '--json'])) as { revision: number; phase: string; updated: number; old: number; healthy: number };

describe('rollouts from the app', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    const lab = await labUp();
    hosts = lab.hosts.slice(0, 3);
    ensureBuilt();
    // the lab's hosts are offline: their ingress is the HAProxy image the lab built
    process.env['BATON_INGRESS_IMAGE'] = IMAGES.haproxy;
    served = await startServe();
    for (const [i, host] of hosts.entries()) baton(['host', 'add', `root@${host.address}`, '--name', `lab-${i + 1}`, '-i', lab.keys.root, '--trust-new-host-key']);
    const file = join(served.userHome, 'roll.yaml');
    writeFileSync(file, STACK);
    baton(['apply', '-f', file]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    ({ page } = await openPage(context, served.url));
    await page.evaluate(() => {
      window.location.hash = '/topology';
    });
    await eventually('3 healthy roll/web replicas', async () => ((await page.locator('[data-testid="replica"][data-service="roll/web"][data-health="healthy"]').count()) === 3 ? true : undefined), 120_000);
    // the ingress takes its published port once the first replica joins its pool
    await eventually('roll/web answering on its published port', async () => ((await fetch(`http://${hosts[0]!.address}:18090/`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined), 60_000);
    await page.locator('[data-testid="service-node"][data-service="roll/web"] [data-select="service"]').click();
    await page.locator('[data-testid="rollout"]').waitFor();
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    if (served) cleanup(served);
    // the serve is gone, its containers are not: its replicas and its ingress on every host (which
    // hold their ports and take CPU from the suites after this one)
    await Promise.all(
      hosts.map(async (h) => {
        const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=roll'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
      }),
    );
    await clearSystemContainers();
  });

  const step = stepWithEvidence(() => ({ page, served }));

  const progress = () => page.locator('[data-testid="rollout-progress"]');
  const phase = async () => (await progress().getAttribute('data-phase')) ?? '';

  async function newRevision(fill: { image?: string; env?: string }): Promise<void> {
    await page.getByRole('button', { name: 'New revision…' }).click();
    const form = page.getByRole('form', { name: 'New revision' });
    if (fill.image !== undefined) await form.getByLabel('Image').fill(fill.image);
    if (fill.env !== undefined) await form.getByLabel(/Environment/).fill(fill.env);
    await form.getByRole('button', { name: 'Plan' }).click();
    await page.locator('[data-testid="rollout-plan"]').waitFor({ timeout: 30_000 });
  }

  it('rolls out v2 from the details, plan first, the bar to the end, 0 failed requests; the topology shows the traffic', () =>
    step('rollout-v2', async () => {
      const port = page.locator('[data-testid="service-node"][data-service="roll/web"] [data-testid="service-port"]');
      assert.equal(await port.textContent(), ':18090 → 8080/tcp', 'the published port on the service node');
      // each chip that turns draining: whether it is drawn apart (its dashed frame) while it is
      await page.evaluate(WATCH_DRAINING);
      await newRevision({ image: 'baton-test/web:2' });
      assert.match((await page.locator('[data-testid="rollout-plan"]').textContent()) ?? '', /1 to update[\s\S]*baton-test\/web:1 → baton-test\/web:2/);
      await screenshot(page, 'rollout-plan');
      const load = startLoad({ url: `http://${hosts[0]!.address}:18090/`, connections: 4, threads: 1, durationS: 30, timeoutS: 3 });
      // the traffic comes in through lab-1's ingress: its rate shows on lab-1 (the stream's figure, once a second)
      const ingress = page.locator('[data-testid="host-group"][data-host="lab-1"] [data-testid="host-ingress"]');
      const ingressRate = eventually('a rate on lab-1\'s ingress', async () => {
        const perSec = Number((await ingress.getAttribute('data-per-sec', { timeout: 1000 }).catch(() => null)) ?? 0);
        return perSec > 0 ? { perSec, text: (await ingress.textContent()) ?? '' } : undefined;
      }, 25_000, async () => (await page.locator('[data-testid="host-group"][data-host="lab-1"]').textContent()) ?? '');
      await new Promise((r) => setTimeout(r, 1000));
      await page.getByRole('form', { name: 'New revision' }).getByRole('button', { name: 'Apply' }).click();
      await eventually('the bar rolling', async () => (['rolling', 'completed'].includes(await phase()) ? true : undefined), 30_000);
      if ((await phase()) === 'rolling') await screenshot(page, 'rollout-progress');
      await eventually('the bar completed', async () => ((await phase()) === 'completed' ? true : undefined), 180_000, async () => (await progress().textContent()) ?? '');
      assert.match((await page.locator('[data-testid="rollout-counts"]').textContent()) ?? '', /3 of 3 replicas on revision 2/);
      const result = await load.result;
      assert.equal(result.failed, 0, describeLoad(result));
      assert.ok(result.requests > 0, describeLoad(result));
      const rate = await ingressRate;
      assert.match(rate.text, /^[\d.]+k? req\/s$/, `lab-1's ingress says its rate: ${rate.text}`);
      const drained = await page.evaluate(() => (window as unknown as { __draining: DrainSeen[] }).__draining);
      assert.ok(drained.length > 0, 'an old replica was seen draining');
      for (const d of drained) assert.ok(d.dashed && !d.servingMarked, `${d.replica} drawn apart while it drained: ${JSON.stringify(d)}`);
      const s = rolloutStatus();
      assert.deepEqual([s.revision, s.phase, s.updated, s.old], [2, 'completed', 3, 0]);
      await screenshot(page, 'rollout-completed');
    }));

  it('diffs two revisions and rolls back to one from the history', () =>
    step('rollback-history', async () => {
      const history = page.locator('[data-testid="rollout-history"]');
      await history.locator('[data-testid="revision-2"]').getByRole('button', { name: 'diff' }).click();
      const diff = page.locator('[data-testid="revision-diff"]');
      await diff.waitFor();
      assert.match((await diff.textContent()) ?? '', /- image: baton-test\/web:1[\s\S]*\+ image: baton-test\/web:2/);
      await screenshot(page, 'rollout-diff');
      await history.getByRole('button', { name: 'Roll roll/web back to revision 1' }).click();
      await eventually('back on revision 1', async () => {
        const s = rolloutStatus();
        return s.revision === 1 && s.phase === 'rolled-back' && s.old === 0 && s.updated === 3 ? true : undefined;
      }, 180_000, async () => JSON.stringify(rolloutStatus()));
      await eventually('the bar says rolled back', async () => ((await phase()) === 'rolled-back' ? true : undefined), 30_000);
      assert.equal(await page.locator('[data-testid="rollout-auto-rollback"]').count(), 0, 'a rollback by hand shown as one by itself');
    }));

  it('shows a refused edit where it was asked, and nothing applied', () =>
    step('refused', async () => {
      await page.getByRole('button', { name: 'New revision…' }).click();
      const form = page.getByRole('form', { name: 'New revision' });
      await form.getByLabel(/Environment/).fill('NOT A VARIABLE');
      await form.getByRole('button', { name: 'Plan' }).click();
      await form.getByRole('alert').waitFor();
      assert.match((await form.getByRole('alert').textContent()) ?? '', /NAME=value/);
      await form.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(rolloutStatus().revision, 1);
    }));

  it('a revision whose replicas fail rolls back by itself, and the panel says why', () =>
    step('auto-rollback', async () => {
      // baton-test/web answers /health with 404 under FAIL_HEALTH=1: every new replica fails its
      // health check, so the rollout undoes itself.
      await newRevision({ env: 'FAIL_HEALTH=1' });
      await page.getByRole('form', { name: 'New revision' }).getByRole('button', { name: 'Apply' }).click();
      const note = page.locator('[data-testid="rollout-auto-rollback"]');
      await note.waitFor({ timeout: 180_000 });
      assert.match((await note.textContent()) ?? '', /Rolled back by itself from revision \d+ to \d+: .+/);
      await eventually('back to the last good revision', async () => (rolloutStatus().phase === 'rolled-back' ? true : undefined), 180_000, async () => JSON.stringify(rolloutStatus()));
      await screenshot(page, 'rollout-auto-rollback');
    }));
});
