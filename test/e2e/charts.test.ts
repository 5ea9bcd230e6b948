// The app's live charts end to end: the real renderer in Chromium against a real `baton serve` on
// the lab, with requests flowing through the ingress. A service's charts open in its details and
// keep getting new points as seconds pass (the newest point moves on, the drawn line changes),
// requests/s shows the load; a replica's and a host's charts fill the same way; the hour is a
// click away; and uPlot's stylesheet came in under the page's CSP.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { dockerCli, labUp, type LabHost } from '../lab/lab.ts';
import { clearSystemContainers } from '../integration/helpers.ts';
import { IMAGES } from '../lab/layout.ts';
import { startLoad, type RunningLoad } from '../lab/load.ts';
import { ROOT, cleanup, ensureBuilt, eventually, stepWithEvidence, launchChromium, openPage, screenshot, startServe, type PageWatch, type Served } from './harness.ts';

const STACK = `name: graph
services:
  web:
    image: baton-test/web:1
    ports: ["18095:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 1s
      timeout: 2s
      retries: 2
    deploy:
      replicas: 2
`;

let served: Served;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let hosts: LabHost[];
let load: RunningLoad | null = null;

function baton(args: string[]): string {
  const result = spawnSync(process.execPath, [`${ROOT}/bin/baton.mjs`, ...args], { cwd: ROOT, env: { ...process.env, BATON_HOME: served.home, HOME: served.userHome }, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`baton ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const charts = (): Locator => page.locator('[data-testid="metrics-charts"]');

async function newest(): Promise<number> {
  return Number((await charts().getAttribute('data-newest')) ?? 0);
}

/** The drawn canvas of one chart, as an image: what a person sees of its line. */
async function drawn(measure: string): Promise<string> {
  return page.locator(`[data-testid="metric-chart"][data-measure="${measure}"] canvas`).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

async function readout(measure: string): Promise<string> {
  return ((await page.locator(`[data-testid="metric-chart"][data-measure="${measure}"] [data-testid="chart-value"]`).textContent()) ?? '').trim();
}

/** The chart's newest point moves on by `seconds` and its line is drawn anew. */
async function assertMoves(measure: string, seconds: number): Promise<void> {
  await eventually('a first point', async () => ((await newest()) > 0 ? true : undefined), 30_000);
  const from = await newest();
  const before = await drawn(measure);
  await eventually(`the newest point ${seconds} s on`, async () => ((await newest()) >= from + seconds ? true : undefined), 30_000, async () => `newest ${await newest()}, from ${from}`);
  assert.notEqual(await drawn(measure), before, `the ${measure} line did not change as points arrived`);
}

describe('live charts in the app', { timeout: 6 * 60_000 }, () => {
  before(async () => {
    const lab = await labUp();
    hosts = lab.hosts.slice(0, 2);
    ensureBuilt();
    process.env['BATON_INGRESS_IMAGE'] = IMAGES.haproxy;
    served = await startServe();
    for (const [i, host] of hosts.entries()) baton(['host', 'add', `root@${host.address}`, '--name', `lab-${i + 1}`, '-i', lab.keys.root, '--trust-new-host-key']);
    const file = join(served.userHome, 'graph.yaml');
    writeFileSync(file, STACK);
    baton(['apply', '-f', file, '--wait']);
    await eventually('graph/web answering on its published port', async () => ((await fetch(`http://${hosts[0]!.address}:18095/`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined), 60_000);
    load = startLoad({ url: `http://${hosts[0]!.address}:18095/`, connections: 2, threads: 1, durationS: 120, timeoutS: 3, rate: 50 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    ({ page, watch } = await openPage(context, served.url));
    await page.evaluate(() => {
      window.location.hash = '/topology';
    });
    await eventually('2 healthy graph/web replicas', async () => ((await page.locator('[data-testid="replica"][data-service="graph/web"][data-health="healthy"]').count()) === 2 ? true : undefined), 60_000);
  });

  after(async () => {
    await load?.result.catch(() => undefined);
    await browser?.close();
    await served?.stop();
    if (served) cleanup(served);
    await Promise.all(
      hosts.map(async (h) => {
        const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=graph'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
      }),
    );
    await clearSystemContainers();
  });

  const step = stepWithEvidence(() => ({ page, served }));

  it("a service's charts get new points as time passes, and show its requests", () =>
    step('charts-service', async () => {
      await page.locator('[data-testid="service-node"][data-service="graph/web"] [data-select="service"]').click();
      await charts().waitFor();
      assert.equal(await charts().getAttribute('data-subject'), 'service');
      assert.equal(await page.locator('[data-testid="metric-chart"]').count(), 4, 'CPU, memory, requests/s and p95');
      await assertMoves('cpu', 4);
      // 50 requests a second through the ingress: the service's requests/s says so
      await eventually('requests/s above 0', async () => {
        const text = await readout('rps');
        return /^[\d.]+\/s$/.test(text) && Number.parseFloat(text) > 0 ? text : undefined;
      }, 30_000, () => readout('rps'));
      await eventually('a p95 response time', async () => (/ms$/.test(await readout('p95')) ? true : undefined), 30_000, () => readout('p95'));
      await screenshot(page, 'charts-service');
    }));

  it('shows the last hour on demand, still live', () =>
    step('charts-hour', async () => {
      await page.getByRole('group', { name: 'Time shown' }).getByRole('button', { name: '1 hour' }).click();
      assert.equal(await page.getByRole('button', { name: '1 hour' }).getAttribute('aria-pressed'), 'true');
      assert.match((await charts().textContent()) ?? '', /Live, last 1 hour/);
      // a flat line (memory) moves less than a pixel in an hour's width in a few seconds: the CPU's, which varies, shows it live
      await assertMoves('cpu', 5);
    }));

  it("a replica's and a host's charts fill the same way", () =>
    step('charts-replica-host', async () => {
      await page.locator('[data-testid="replica"][data-service="graph/web"]').first().click();
      await eventually('the replica charts', async () => ((await charts().getAttribute('data-subject')) === 'replica' ? true : undefined), 30_000);
      await assertMoves('cpu', 3);
      await page.locator('[data-testid="host-group"][data-host="lab-1"] [data-select="host"]').click();
      await eventually('the host charts', async () => ((await charts().getAttribute('data-subject')) === 'host' ? true : undefined), 30_000);
      assert.equal(await page.locator('[data-testid="metric-chart"]').count(), 3, 'CPU and memory against capacity, requests/s');
      await assertMoves('cpu', 3);
      await screenshot(page, 'charts-host');
    }));

  it('came in under the CSP, with no error on the page', () => {
    assert.deepEqual(watch.cspViolations, []);
    assert.deepEqual(watch.errors, []);
  });
});
