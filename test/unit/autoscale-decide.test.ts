// The autoscaler's decision without hosts: the formula, the tolerance, the windows, the rate
// limits, replicas not yet ready, stale metrics and the bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideScale, type ReplicaLoad, type ScaleInput } from '../../electron/control-plane/autoscale/decide-scale.ts';
import type { AutoscalePolicy } from '../../shared/stack.ts';

const policy = (p: Partial<AutoscalePolicy> = {}): AutoscalePolicy => ({ min: 1, max: 20, cpuPercent: null, requestsPerSecond: 50, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 300_000, ...p });
const serving = (rps: number, cpu: number | null = null): ReplicaLoad => ({ ready: true, staleReason: null, cpuPercentOfCore: cpu, requestsPerSec: rps });
const starting: ReplicaLoad = { ready: false, staleReason: null, cpuPercentOfCore: null, requestsPerSec: null };
const input = (p: Partial<ScaleInput>): ScaleInput => ({ policy: policy(), current: 2, cpuReservationCores: null, replicas: [serving(50), serving(50)], history: [], nowMs: 1_000_000, ...p });

test('at the target, and within the tolerance, nothing changes', () => {
  assert.deepEqual([decideScale(input({})).kind, decideScale(input({})).desired], ['hold', 2]);
  const near = decideScale(input({ replicas: [serving(54), serving(54)] })); // ratio 1.08
  assert.equal(near.kind, 'hold');
  assert.equal(near.recommended, 2);
  assert.match(near.reason, /within the tolerance/);
  const over = decideScale(input({ replicas: [serving(56), serving(56)] })); // ratio 1.12: ceil(2.24) = 3
  assert.deepEqual([over.kind, over.desired], ['scale', 3]);
});

test('desired = ceil(ready × average / target), at most doubling per step', () => {
  // 400 rps over 2 replicas at 50 each: 8 asked for, 4 now (doubling), 8 next
  const first = decideScale(input({ replicas: [serving(200), serving(200)] }));
  assert.deepEqual([first.kind, first.recommended, first.desired, first.heldBy], ['scale', 8, 4, 'rate']);
  assert.equal(first.metrics[0]!.ratio, 4);
  // the new two still start: the ready two carry the load, so 8 is asked again, not 16
  const second = decideScale(input({ current: 4, replicas: [serving(200), serving(200), starting, starting], history: [{ atMs: 999_000, replicas: 8 }] }));
  assert.deepEqual([second.recommended, second.desired, second.heldBy], [8, 8, null]);
  assert.equal(second.ready, 2);
  // once they serve, the load spreads and the count stays
  const settled = decideScale(input({ current: 8, replicas: Array.from({ length: 8 }, () => serving(50)), history: [{ atMs: 999_000, replicas: 8 }] }));
  assert.deepEqual([settled.kind, settled.desired], ['hold', 8]);
});

test('scale-down waits out the window at the highest recommendation in it, then halves at most', () => {
  const quiet = Array.from({ length: 8 }, () => serving(5));
  const busyRecently = [{ atMs: 1_000_000 - 200_000, replicas: 8 }, { atMs: 1_000_000 - 10_000, replicas: 1 }];
  const held = decideScale(input({ current: 8, replicas: quiet, history: busyRecently }));
  assert.deepEqual([held.kind, held.desired, held.recommended, held.heldBy], ['hold', 8, 1, 'scale_down_window']);
  assert.match(held.reason, /held at 8 by the scale-down window/);
  // the busy second left the window: down, but to half at most
  const later = decideScale(input({ current: 8, replicas: quiet, history: busyRecently, nowMs: 1_000_000 + 150_000 }));
  assert.deepEqual([later.kind, later.desired, later.heldBy], ['scale', 4, 'rate']);
  // with no window it goes at once (to half)
  const noWindow = decideScale(input({ policy: policy({ scaleDownWindowMs: 0 }), current: 8, replicas: quiet }));
  assert.deepEqual([noWindow.desired, noWindow.heldBy], [4, 'rate']);
});

test('a scale-down window keeps a steady but noisy load from flapping', () => {
  // 400 rps over 8 replicas, measured with ±15 % noise every second for 3 minutes
  let current = 8;
  const history: { atMs: number; replicas: number }[] = [];
  let changes = 0;
  let rnd = 7;
  const noise = () => ((rnd = (rnd * 48271) % 2147483647) / 2147483647 - 0.5) * 0.3;
  for (let s = 0; s < 180; s++) {
    const nowMs = 1_000_000 + s * 1000;
    const replicas = Array.from({ length: current }, () => serving((400 / current) * (1 + noise())));
    const d = decideScale(input({ current, replicas, history, nowMs }));
    if (d.recommended !== null) history.push({ atMs: nowMs, replicas: d.recommended });
    if (d.desired !== current) changes++;
    current = d.desired;
  }
  assert.ok(changes <= 1, `${changes} changes under steady load`);
  assert.ok(current >= 8, `ends at ${current}`);
});

test('a scale-up window waits for the load to last', () => {
  const p = policy({ scaleUpWindowMs: 30_000 });
  const spike = decideScale(input({ policy: p, replicas: [serving(200), serving(200)], history: [{ atMs: 990_000, replicas: 2 }] }));
  assert.deepEqual([spike.kind, spike.desired, spike.heldBy], ['hold', 2, 'scale_up_window']);
  const lasting = decideScale(input({ policy: p, replicas: [serving(200), serving(200)], history: [{ atMs: 960_000, replicas: 2 }, { atMs: 990_000, replicas: 6 }] }));
  assert.deepEqual([lasting.kind, lasting.desired, lasting.heldBy], ['scale', 4, 'rate']); // min(6, 8) = 6, doubling caps at 4
});

test('replicas that are not ready are left out of the average and block a scale-down', () => {
  const d = decideScale(input({ current: 4, policy: policy({ scaleDownWindowMs: 0 }), replicas: [serving(10), serving(10), starting, starting] }));
  assert.equal(d.ready, 2);
  assert.equal(d.metrics[0]!.average, 10);
  assert.deepEqual([d.kind, d.desired, d.heldBy], ['hold', 4, 'starting']);
  const none = decideScale(input({ replicas: [starting, starting] }));
  assert.deepEqual([none.kind, none.desired], ['no-data', 2]);
});

test('stale metrics give no decision at all', () => {
  const d = decideScale(input({ replicas: [serving(500), { ...serving(0), staleReason: 'host web-2 is unreachable' }] }));
  assert.deepEqual([d.kind, d.desired, d.recommended], ['stale', 2, null]);
  assert.match(d.reason, /1 of 2 replicas have no fresh metrics \(host web-2 is unreachable\)/);
});

test('cpu is a share of the reservation when there is one; the larger of cpu and rps wins', () => {
  // 70 % of a 0.5 CPU reservation is 35 % of one core; replicas at 70 % of a core are at ratio 2
  const cpu = decideScale(input({ policy: policy({ requestsPerSecond: null, cpuPercent: 70 }), cpuReservationCores: 0.5, replicas: [serving(0, 70), serving(0, 70)] }));
  assert.equal(cpu.metrics[0]!.average, 140);
  assert.deepEqual([cpu.recommended, cpu.desired], [4, 4]);
  const both = decideScale(input({ policy: policy({ cpuPercent: 70 }), replicas: [serving(80, 35), serving(80, 35)] }));
  assert.deepEqual(both.metrics.map((m) => [m.metric, m.recommended]), [['cpu', 1], ['rps', 4]]);
  assert.equal(both.desired, 4);
});

test('bounded by min and max; a count outside them is brought back first', () => {
  const capped = decideScale(input({ policy: policy({ max: 3 }), replicas: [serving(200), serving(200)] }));
  assert.deepEqual([capped.desired, capped.heldBy], [3, 'max']);
  const floor = decideScale(input({ policy: policy({ min: 2, scaleDownWindowMs: 0 }), replicas: [serving(0), serving(0)] }));
  assert.deepEqual([floor.kind, floor.desired], ['hold', 2]);
  const out = decideScale(input({ policy: policy({ min: 3 }), current: 1, replicas: [serving(0)] }));
  assert.deepEqual([out.kind, out.desired, out.heldBy], ['scale', 3, 'min']);
  assert.match(out.reason, /outside the autoscale range \[3, 20\]/);
});
