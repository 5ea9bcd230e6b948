// `npm run bench -- ui`: the topology with 50 hosts and 1,000 replicas, in Debian's Chromium,
// fed by a synthetic event stream through the real contract and the real WebSocket server.
// Measures: first full picture, event → on screen latency (the frame after the DOM changed),
// frame rate while dragging a service across the hosts with events arriving meanwhile, and
// that an idle page asks nothing (no polling). The peer, in the same run, on the same data and
// server: the same picture drawn the common way, with React Flow and one node per replica.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { listenOnWebSocket } from '../electron/server/ws-server.ts';
import { ROOT, ensureBuilt, launchChromium } from '../test/e2e/harness.ts';
import { buildPeer } from './ui/peer-build.ts';
import { markdownTable, percentile } from './stats.ts';
import { intOption, parseBenchArgs } from './args.ts';
import { SyntheticCluster } from './ui/synthetic-cluster.ts';

const LATENCY_SAMPLES = 40;

/** The cluster's size and what is open during the measurement (`npm run bench -- ui --hosts 200 --replicas 5000 --services 50 --charts 1`). */
interface UiSize {
  hosts: number;
  replicas: number;
  services: number;
  /** Services whose details (with their live charts) are open while measuring; 0: none, and no metrics stream. */
  charts: number;
  /** Measure the React Flow peer too (`--no-peer`: Baton alone, for a quick look). */
  withPeer: boolean;
}

function uiSize(): UiSize {
  const args = parseBenchArgs(process.argv.slice(2));
  const size = {
    hosts: intOption(args, 'hosts', 50, 1),
    replicas: intOption(args, 'replicas', 1000, 1),
    services: intOption(args, 'services', 20, 1),
    charts: intOption(args, 'charts', 1, 0),
    withPeer: !args.options.has('no-peer'),
  };
  if (size.services > size.replicas) throw new Error(`--services ${size.services} is more than --replicas ${size.replicas}: each service needs a replica`);
  return size;
}

interface UiFigures {
  firstPictureMs: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  dragFps: number;
  dragWorstFrameMs: number;
  dragSlowFramesPct: number; // frames that took over 20 ms
  idleRequests: number;
  /** JS heap in use after a garbage collection, once the drag and its events are over. */
  heapMb: number;
  /** DOM nodes in the page at that point. */
  domNodes: number;
  dropReachedControlPlane: boolean;
  /** Charts open while measuring, and how far their newest point moved meanwhile (s); null for the peer. */
  charts: { open: number; advancedSeconds: number } | null;
}

interface Surface {
  name: string;
  /** Page URL (query added) and the selectors the measurements need. */
  url: string;
  replicaSelector: string; // elements with data-replica and data-health
  dragHandle: string; // what to grab: svc-01's node
  dropTarget: (host: string) => string; // a host group
  /** Opens the live charts of this many services (Baton only); returns how many are drawn. */
  openCharts?: (page: Page, count: number) => Promise<number>;
}

// In the page: resolve with the time of the first frame after the replica shows `health`.
const ARM_WAITER = `(([name, health]) => {
  const w = window;
  w.__seen = new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => resolve(Date.now()));
    const match = () => { const el = document.querySelector('[data-replica="' + name + '"]'); return el && el.getAttribute('data-health') === health; };
    if (match()) return done();
    const observer = new MutationObserver(() => { if (match()) { observer.disconnect(); done(); } });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-health'] });
  });
})`;

const NEWEST_CHART_POINT = `Math.min(...[...document.querySelectorAll('[data-testid="metrics-charts"]')].map((e) => Number(e.getAttribute('data-newest') || 0)))`;

/** Where the main thread's time went over a phase (Chromium's Performance.getMetrics), in ms. */
interface TimeSplit {
  script: number;
  style: number;
  layout: number;
  task: number;
}

async function timeSplit(cdp: CDPSession): Promise<TimeSplit> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string): number => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { script: get('ScriptDuration'), style: get('RecalcStyleDuration'), layout: get('LayoutDuration'), task: get('TaskDuration') };
}

function splitText(a: TimeSplit, b: TimeSplit, seconds: number): string {
  const per = (x: number): string => `${(x / seconds).toFixed(0)} ms/s`;
  return `script ${per(b.script - a.script)}, style ${per(b.style - a.style)}, layout ${per(b.layout - a.layout)}, all tasks ${per(b.task - a.task)}`;
}

/** With BATON_UI_PROFILE=DIR: a CPU profile of a phase, kept in DIR, and its costliest functions logged. */
async function profiled<T>(cdp: CDPSession, name: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const dir = process.env['BATON_UI_PROFILE'];
  if (dir === undefined || dir === '') return fn();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await fn();
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 1;
  for (const [id, count] of counts) {
    const n = byId.get(id)!;
    const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + count);
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18);
  log(`${name}: costliest functions (self time, of ${total} samples):`);
  for (const [where, count] of top) log(`    ${((100 * count) / total).toFixed(1).padStart(5)} %  ${where}`);
  return result;
}

async function measure(page: Page, cluster: SyntheticCluster, surface: Surface, size: UiSize, log: (line: string) => void): Promise<UiFigures> {
  const REPLICAS = size.replicas;
  const perf = await page.context().newCDPSession(page);
  await perf.send('Performance.enable');
  const loadStart = Date.now();
  await page.goto(surface.url);
  await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector as string).length >= (n as number), [surface.replicaSelector, REPLICAS] as const, { timeout: 60_000, polling: 50 });
  const firstPictureMs = Date.now() - loadStart;
  log(`${surface.name}: first full picture in ${firstPictureMs} ms`);
  let chartsOpen = 0;
  let chartsFrom = 0;
  if (surface.openCharts !== undefined && size.charts > 0) {
    chartsOpen = await surface.openCharts(page, size.charts);
    if (chartsOpen < size.charts) log(`${surface.name}: ${size.charts} charts asked for, ${chartsOpen} open (one service's details at a time)`);
    // (polled from here: a string predicate is eval in the page, which its CSP refuses)
    for (const deadline = Date.now() + 30_000; ((await page.evaluate(NEWEST_CHART_POINT)) as number) <= 0; ) {
      if (Date.now() > deadline) throw new Error(`${surface.name}: the charts got no point in 30 s`);
      await page.waitForTimeout(100);
    }
    chartsFrom = (await page.evaluate(NEWEST_CHART_POINT)) as number;
    log(`${surface.name}: ${chartsOpen} services' charts open, live`);
  }
  await page.waitForTimeout(1000);

  // event → screen
  const onScreen = new Set(await page.$$eval(surface.replicaSelector, (els) => els.map((e) => e.getAttribute('data-replica')!)));
  const candidates = cluster.replicas.map((r, i) => ({ name: r.name, i })).filter((r) => onScreen.has(r.name));
  const latencies: number[] = [];
  const latencyStart = Date.now();
  const beforeEvents = await timeSplit(perf);
  await profiled(perf, `${surface.name.replace(/\W+/g, '-')}-events`, log, async () => {
    for (let k = 0; k < LATENCY_SAMPLES; k++) {
      const { name, i } = candidates[(k * 37) % candidates.length]!;
      const next = cluster.replicas[i]!.health === 'healthy' ? 'unhealthy' : 'healthy';
      await page.evaluate(`${ARM_WAITER}(${JSON.stringify([name, next])})`);
      const sent = Date.now();
      cluster.flip(i);
      const shown = (await page.evaluate('window.__seen')) as number;
      latencies.push(shown - sent);
      await page.waitForTimeout(120);
    }
  });
  log(`${surface.name}: main thread while events arrive: ${splitText(beforeEvents, await timeSplit(perf), (Date.now() - latencyStart) / 1000)}`);
  log(`${surface.name}: event → screen p50 ${percentile(latencies, 50).toFixed(0)} ms`);

  // no polling: an idle page asks nothing
  await page.waitForTimeout(500);
  const before = [...cluster.calls.values()].reduce((a, b) => a + b, 0);
  await page.waitForTimeout(3000);
  const idleRequests = [...cluster.calls.values()].reduce((a, b) => a + b, 0) - before;

  // drag svc-01 over the hosts for ~4 s while 10 events a second arrive
  // (opening a service's charts may have scrolled the services list to it)
  await page.locator(surface.dragHandle).first().scrollIntoViewIfNeeded();
  const handle = (await page.locator(surface.dragHandle).first().boundingBox())!;
  const targets = [];
  for (const h of cluster.hosts) {
    const box = await page.locator(surface.dropTarget(h.name)).first().boundingBox();
    if (box && box.y + box.height / 2 < (page.viewportSize()?.height ?? 900) - 10 && box.y > 0) targets.push(box);
  }
  if (targets.length === 0) throw new Error(`${surface.name}: no host group on screen to drag over`);
  const path: { x: number; y: number }[] = [];
  for (let lap = 0; lap < 3; lap++) {
    for (const t of targets) path.push({ x: t.x + t.width / 2 + ((lap % 3) - 1) * 12, y: t.y + t.height / 2 });
  }
  // (a string, not a function: tsx's name helpers don't exist in the page)
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    const tick = (t) => { if (!window.__recording) return; window.__frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const churn = setInterval(() => cluster.flip(Math.floor(Math.random() * cluster.replicas.length)), 100);
  const scaleCallsBefore = cluster.calls.get('service.scale') ?? 0;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 10, handle.y + handle.height / 2 + 10, { steps: 3 });
  // ~5 s of dragging, at most one move per frame; a slow page gets fewer moves, not a longer test
  const dragStart = Date.now();
  const beforeDrag = await timeSplit(perf);
  await profiled(perf, `${surface.name.replace(/\W+/g, '-')}-drag`, log, async () => {
    for (let i = 0; Date.now() - dragStart < 5000; i++) {
      const p = path[i % path.length]!;
      await page.mouse.move(p.x, p.y);
      await page.waitForTimeout(14);
    }
  });
  log(`${surface.name}: main thread while dragging: ${splitText(beforeDrag, await timeSplit(perf), (Date.now() - dragStart) / 1000)}`);
  const frames = (await page.evaluate('window.__recording = false, window.__frames')) as number[];
  const heldAtRelease = (await page.evaluate(`document.querySelector('[data-dragging]') !== null`)) as boolean;
  await page.mouse.up();
  clearInterval(churn);
  await page.waitForTimeout(500);
  const dropReachedControlPlane = (cluster.calls.get('service.scale') ?? 0) > scaleCallsBefore;
  // memory once everything has settled: the heap after a full collection, and the DOM's size
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const domNodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
  await cdp.detach();
  const chartsTo = chartsOpen > 0 ? ((await page.evaluate(NEWEST_CHART_POINT)) as number) : 0;
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
  const seconds = (frames.at(-1)! - frames[0]!) / 1000;
  const figures: UiFigures = {
    firstPictureMs,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    dragFps: (frames.length - 1) / seconds,
    dragWorstFrameMs: Math.max(...gaps),
    dragSlowFramesPct: (100 * gaps.filter((g) => g > 20).length) / gaps.length,
    idleRequests,
    heapMb: heap.usedSize / 2 ** 20,
    domNodes,
    dropReachedControlPlane,
    charts: surface.openCharts === undefined ? null : { open: chartsOpen, advancedSeconds: chartsTo - chartsFrom },
  };
  log(`${surface.name}: drag ${figures.dragFps.toFixed(1)} fps over ${seconds.toFixed(1)} s, worst frame ${figures.dragWorstFrameMs.toFixed(0)} ms; drop reached the control plane: ${dropReachedControlPlane}${heldAtRelease ? '' : ' (the drag was no longer held when the mouse was released)'}`);
  return figures;
}

/** Baton's charts: a service's details, opened from its node on the topology. */
async function openServiceCharts(page: Page, count: number): Promise<number> {
  const service = page.locator('[data-testid="service-node"][data-service="stack-2/svc-02"]').first();
  await service.click();
  await page.locator('[data-testid="metrics-charts"]').first().waitFor({ timeout: 30_000 });
  return Math.min(count, 1);
}

export async function benchUi(): Promise<string> {
  const size = uiSize();
  const { hosts: HOSTS, replicas: REPLICAS, services: SERVICES } = size;
  const log = (line: string): void => {
    process.stderr.write(`  ${line}\n`);
  };
  ensureBuilt();
  const peerDir = await buildPeer();
  const results: UiFigures[] = [];
  const browser = await launchChromium();
  const chromiumVersion = browser.version();
  try {
    for (const which of size.withPeer ? (['baton', 'peer'] as const) : (['baton'] as const)) {
      // a fresh cluster and server per surface: the same data, no state carried over
      const cluster = new SyntheticCluster({ hosts: HOSTS, services: SERVICES, replicas: REPLICAS, metrics: size.charts > 0 });
      const token = randomBytes(24).toString('base64url');
      const staticDir = which === 'baton' ? join(ROOT, 'dist', 'renderer') : peerDir;
      const endpoint = await listenOnWebSocket(cluster, { host: '127.0.0.1', port: 0, token, staticDir });
      const query = `?ws=${encodeURIComponent(endpoint.url)}&token=${encodeURIComponent(token)}`;
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      try {
        const surface: Surface =
          which === 'baton'
            ? {
                name: 'baton',
                url: `http://127.0.0.1:${endpoint.port}/${query}#/topology`,
                replicaSelector: '[data-testid="replica"]',
                dragHandle: '[data-testid="service-node"][data-service="stack-1/svc-01"]',
                dropTarget: (h) => `[data-testid="host-group"][data-host="${h}"]`,
                openCharts: openServiceCharts,
              }
            : {
                name: 'react flow',
                url: `http://127.0.0.1:${endpoint.port}/${query}`,
                replicaSelector: '[data-replica]',
                dragHandle: '[data-peer-service="stack-1/svc-01"]',
                dropTarget: (h) => `[data-peer-host="${h}"]`,
              };
        results.push(await measure(page, cluster, surface, size, log));
      } finally {
        await context.close();
        await endpoint.close();
      }
    }
  } finally {
    await browser.close();
  }
  const ours = results[0]!;
  const peer = results[1] ?? ours;
  const r = (p: number, o: number, higherIsBetter = false): string => (o > 0 && p > 0 ? `${(higherIsBetter ? o / p : p / o).toFixed(1)}×` : '–');
  const rows = [
    ['frame rate while dragging a service over the hosts (10 events/s arriving)', `${ours.dragFps.toFixed(1)} fps`, `${peer.dragFps.toFixed(1)} fps`, r(peer.dragFps, ours.dragFps, true), '≥ 50 fps'],
    ['  worst frame while dragging', `${ours.dragWorstFrameMs.toFixed(0)} ms`, `${peer.dragWorstFrameMs.toFixed(0)} ms`, r(peer.dragWorstFrameMs, ours.dragWorstFrameMs), ''],
    ['  frames over 20 ms while dragging', `${ours.dragSlowFramesPct.toFixed(1)} %`, `${peer.dragSlowFramesPct.toFixed(1)} %`, '', ''],
    ['event → on screen, p50', `${ours.latencyP50Ms.toFixed(0)} ms`, `${peer.latencyP50Ms.toFixed(0)} ms`, r(peer.latencyP50Ms, ours.latencyP50Ms), '< 100 ms'],
    ['event → on screen, p95', `${ours.latencyP95Ms.toFixed(0)} ms`, `${peer.latencyP95Ms.toFixed(0)} ms`, r(peer.latencyP95Ms, ours.latencyP95Ms), '< 100 ms'],
    [`first full picture (page load → ${REPLICAS.toLocaleString('en')} replicas drawn)`, `${ours.firstPictureMs} ms`, `${peer.firstPictureMs} ms`, r(peer.firstPictureMs, ours.firstPictureMs), ''],
    ['requests while idle for 3 s (polling)', String(ours.idleRequests), String(peer.idleRequests), '', '0'],
    ['JS heap in use after GC', `${ours.heapMb.toFixed(1)} MiB`, `${peer.heapMb.toFixed(1)} MiB`, r(peer.heapMb, ours.heapMb), ''],
    ['DOM elements', String(ours.domNodes), String(peer.domNodes), r(peer.domNodes, ours.domNodes), ''],
    ...(ours.charts !== null && ours.charts.open > 0 ? [[`a service's live charts open meanwhile: newest point moved`, `${ours.charts.advancedSeconds} s`, '(no charts)', '', 'follows the stream']] : []),
  ];
  const verdict = ours.dragFps >= 50 && ours.latencyP95Ms < 100 && ours.idleRequests === 0 && ours.dropReachedControlPlane ? 'meets the target' : 'MISSES the target';
  return [
    `ui: topology with ${HOSTS} hosts, ${REPLICAS} replicas in ${SERVICES} services, Chromium ${chromiumVersion}, 1600×1000, synthetic events through the real WebSocket contract`,
    markdownTable(['measure', 'baton', 'peer: React Flow, a node per replica', 'peer/baton', 'target'], rows),
    `baton ${verdict}; the drop at the end of the drag ${ours.dropReachedControlPlane ? 'reached' : 'did NOT reach'} the control plane as service.scale`,
  ].join('\n');
}
