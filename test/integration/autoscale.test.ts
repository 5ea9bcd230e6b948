// Auto-scaling on real lab hosts: a service at its minimum of 2 behind the ingress, a step of load
// at a fixed rate (wrk) well above what 2 replicas carry at the target, then the load removed.
// The rate comes from the hosts' ingresses, the decision from the autoscaler on each metrics
// frame, the new replicas from the reconciler: the whole loop, with every request counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, ReplicaStatus } from '../../shared/api.ts';
import { AutoscaleDecision, AutoscaleStatus } from '../../shared/autoscale.ts';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import { describeLoad, startLoad } from '../lab/load.ts';
import { call, startTestPlane, until, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
const events: BatonEvent[] = [];
let unsubscribe: () => void = () => {};
/** When the step's load stopped sending: its result comes a drain later (wrk's timeout + 1 s). */
let loadEndedAt = 0;

const TARGET_RPS = 40;
const STACK = `name: burst
services:
  web:
    image: baton-test/web:1
    ports: ["8086:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 2
    x-baton:
      autoscale:
        min: 2
        max: 6
        rps: ${TARGET_RPS}
        scale_down_window: 10s
`;

const url = () => `http://${lab.hosts[0]!.address}:8086/`;
const serving = async () => ((await call(t.plane, 'replica.list', { service: 'burst/web' })) as ReplicaStatus[]).filter((r) => r.pool === 'serving').length;
const status = async () => AutoscaleStatus.parse(await call(t.plane, 'autoscale.status', { service: 'burst/web' }));
const autoscaled = (since: number) =>
  events.filter((e) => e.kind === 'service.scaled' && e.service === 'web' && Date.parse(e.time) >= since && e.data?.autoscale !== undefined).map((e) => ({ at: Date.parse(e.time), decision: AutoscaleDecision.parse(e.data!.autoscale) }));

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  unsubscribe = t.plane.subscribe((e) => events.push(e));
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  await call(t.plane, 'stack.apply', { source: STACK, file: '/stacks/burst/compose.yaml' });
  await until('2 replicas serving', serving, (n) => n === 2, 90_000, { retryErrors: true, pollMs: 250 });
  // idle: the autoscaler holds at the minimum (0 requests/s asks for fewer than min)
  await until('an idle evaluation at the minimum', status, (s) => s.last !== null && s.last.kind === 'hold' && s.replicas === 2, 20_000, { retryErrors: true, pollMs: 500 });
});

after(async () => {
  unsubscribe();
  await t?.plane.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=burst'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

test('a step of load: scaled up from the ingress request rate, the new replicas serve, no request fails', async () => {
  const rate = TARGET_RPS * 6; // 3× what 2 replicas carry at the target: 6 wanted
  const step = Date.now();
  const running = startLoad({ url: url(), connections: 12, threads: 2, durationS: 30, timeoutS: 3, rate });
  loadEndedAt = step + 30_000;
  await until('6 replicas serving', serving, (n) => n === 6, 45_000, { retryErrors: true, pollMs: 250 });
  const servingAt = Date.now();
  const result = await running.result;
  assert.equal(result.failed, 0, describeLoad(result));
  assert.ok(result.requests > rate * 20, `the load ran at its rate: ${describeLoad(result)}`);

  const ups = autoscaled(step);
  assert.ok(ups.length >= 1, 'the autoscaler scaled');
  const first = ups[0]!;
  // the decision says what it saw: requests/s per ready replica against the target
  const rps = first.decision.metrics.find((m) => m.metric === 'rps');
  assert.ok(rps, 'the decision carries its rps reading');
  assert.equal(rps.target, TARGET_RPS);
  // the first second of the step may be only partly loaded: above the target beyond the tolerance is what it takes
  assert.ok(rps.average > TARGET_RPS * 1.1, `the average it saw (${rps.average}) is above the target beyond the tolerance`);
  assert.equal(first.decision.current, 2);
  assert.ok(first.decision.desired > 2, JSON.stringify(first.decision));
  // at most doubling per step, and only up under a steady step, on to 6 (what the rate asks for)
  assert.ok(ups.every((u) => u.decision.desired > u.decision.current && u.decision.desired <= 2 * u.decision.current), JSON.stringify(ups.map((u) => u.decision)));
  assert.equal(ups.at(-1)!.decision.desired, 6);
  // generous bounds for a shared CI machine; the benchmark measures the figures
  assert.ok(first.at - step < 15_000, `first decision ${first.at - step} ms after the step`);
  assert.ok(servingAt - step < 45_000, `6 serving ${servingAt - step} ms after the step`);
});

test('the load removed: back to the minimum after the scale-down window, halving at most per step', async () => {
  const stopped = loadEndedAt;
  await until('back to 2 replicas', status, (s) => s.replicas === 2, 60_000, { retryErrors: true, pollMs: 500 });
  const downs = autoscaled(stopped);
  assert.ok(downs.length >= 1, 'scaled down');
  assert.ok(downs.every((d) => d.decision.desired < d.decision.current && d.decision.desired >= Math.ceil(d.decision.current / 2)), JSON.stringify(downs.map((d) => d.decision)));
  // not before the window: the first scale-down waits out 10 s of lower recommendations
  assert.ok(downs[0]!.at - stopped >= 5_000, `first scale-down ${downs[0]!.at - stopped} ms after the load stopped`);
  const s = await status();
  assert.ok(s.decisions.some((d) => d.kind === 'hold' && d.heldBy === 'scale_down_window'), 'a decision held by the window is on record');
  await until('2 containers', async () => (await Promise.all(lab.hosts.map((h) => dockerCli(h, ['ps', '-q', '--filter', 'label=baton.stack=burst'])))).flatMap((o) => o.stdout.split('\n').filter(Boolean)).length, (n) => n === 2, 30_000, { retryErrors: true, pollMs: 500 });
});
