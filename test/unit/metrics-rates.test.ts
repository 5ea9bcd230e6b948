import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerRates, cpuLimitCores } from '../../electron/control-plane/metrics/rates.ts';

const counters = (cpuNs: number, rx: number, tx: number) => ({ cpuNs, memoryBytes: 10_000, inactiveFileBytes: 2_000, memoryLimitBytes: 40_000, rxBytes: rx, txBytes: tx });

test('CPU % of a core and of the limit, memory less inactive cache, network rates', () => {
  const r = containerRates({ atMs: 0, counters: counters(0, 0, 0) }, { atMs: 2000, counters: counters(500_000_000, 4000, 2000) }, { cpuCores: 0.5, memoryBytes: null });
  assert.deepEqual(r, {
    cpu: { percentOfCore: 25, limitCores: 0.5, percentOfLimit: 50 },
    memory: { usedBytes: 8000, limitBytes: 40_000, percentOfLimit: 20 },
    network: { rxBytes: 4000, txBytes: 2000, rxBytesPerSec: 2000, txBytesPerSec: 1000 },
  });
});

test('no value rather than a made-up one: first reading, no time, counters reset', () => {
  const cur = { atMs: 1000, counters: counters(10, 10, 10) };
  assert.equal(containerRates(null, cur, { cpuCores: null, memoryBytes: null }), null);
  assert.equal(containerRates(cur, cur, { cpuCores: null, memoryBytes: null }), null);
  assert.equal(containerRates({ atMs: 0, counters: counters(99, 10, 10) }, cur, { cpuCores: null, memoryBytes: null }), null);
});

test('the config\'s limits win over the cgroup\'s; no CPU limit, no % of it', () => {
  const r = containerRates({ atMs: 0, counters: counters(0, 0, 0) }, { atMs: 1000, counters: counters(1e9, 0, 0) }, { cpuCores: null, memoryBytes: 16_000 })!;
  assert.equal(r.cpu.percentOfLimit, null);
  assert.equal(r.cpu.percentOfCore, 100);
  assert.equal(r.memory.limitBytes, 16_000);
  assert.equal(r.memory.percentOfLimit, 50);
});

test('CPU limit in cores from NanoCpus or quota/period', () => {
  assert.equal(cpuLimitCores({ NanoCpus: 1_500_000_000 }), 1.5);
  assert.equal(cpuLimitCores({ CpuQuota: 50_000, CpuPeriod: 100_000 }), 0.5);
  assert.equal(cpuLimitCores({ CpuQuota: -1 }), null);
  assert.equal(cpuLimitCores({}), null);
});
