import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricPoint } from '../../shared/metrics.ts';
import { MinuteAccumulator, summarizeMinute } from '../../electron/control-plane/metrics/minute-summary.ts';
import { Ring } from '../../electron/control-plane/metrics/ring.ts';

test('a ring keeps the newest values, oldest first, and never grows', () => {
  const r = new Ring<number>(3);
  assert.deepEqual(r.toArray(), []);
  assert.equal(r.last(), undefined);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.size, 3);
  assert.equal(r.last(), 5);
  assert.throws(() => new Ring(0));
});

const point = (sec: number, over: Partial<MetricPoint>): MetricPoint => ({
  time: new Date(sec * 1000).toISOString(),
  samples: 1,
  cpuPercent: null,
  cpuPercentMax: null,
  memoryBytes: null,
  memoryBytesMax: null,
  rxBytesPerSec: null,
  txBytesPerSec: null,
  requestsPerSec: null,
  responseMsAvg: null,
  responseMsMax: null,
  responseMsP95: null,
  ...over,
});

test('a minute: means of what was measured, maxima, response time weighted by requests', () => {
  const s = summarizeMinute(0, [point(0, { cpuPercent: 10, memoryBytes: 100, requestsPerSec: 100, responseMsAvg: 2, responseMsP95: 40 }), point(1, { cpuPercent: 30, memoryBytes: 300, requestsPerSec: 300, responseMsAvg: 10, responseMsP95: 25 }), point(2, {})])!;
  assert.equal(s.samples, 3);
  assert.equal(s.cpuPercent, 20, 'a second with no value is left out, not a 0');
  assert.equal(s.cpuPercentMax, 30);
  assert.equal(s.memoryBytesMax, 300);
  assert.equal(s.requestsPerSec, 200);
  assert.equal(s.responseMsAvg, 8, '(2×100 + 10×300) / 400');
  assert.equal(s.responseMsMax, 10);
  assert.equal(s.responseMsP95, 40, "the slowest second's p95");
  assert.equal(summarizeMinute(0, []), null);
});

test('the accumulator hands back a minute when the next one starts', () => {
  const a = new MinuteAccumulator();
  assert.equal(a.add(59_000, point(59, { cpuPercent: 1 })), null);
  const done = a.add(60_000, point(60, { cpuPercent: 5 }));
  assert.equal(done?.time, new Date(0).toISOString());
  assert.equal(done?.cpuPercent, 1);
  assert.equal(a.flush()?.cpuPercent, 5);
  assert.equal(a.flush(), null);
});
