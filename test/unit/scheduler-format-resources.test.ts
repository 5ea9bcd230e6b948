import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuAmount, formatCpus, formatMemory } from '../../electron/control-plane/scheduler/format-resources.ts';

test('CPUs read as people write them, requests rounding up and free amounts down', () => {
  assert.equal(formatCpus(1.5e9), '1.5 CPUs');
  assert.equal(formatCpus(1e9), '1 CPU');
  assert.equal(formatCpus(0.3e9), '0.3 CPUs');
  assert.equal(formatCpus(2e9 + 1), '2.001 CPUs');
  assert.equal(cpuAmount(2e9 - 1, 'down'), '1.999');
  assert.equal(cpuAmount(-5e8, 'down'), '0');
});

test('memory in the largest binary unit that fits', () => {
  assert.equal(formatMemory(512 * 1024 ** 2), '512 MiB');
  assert.equal(formatMemory(1.5 * 1024 ** 3), '1.5 GiB');
  assert.equal(formatMemory(64 * 1024), '64 KiB');
  assert.equal(formatMemory(100), '100 B');
  assert.equal(formatMemory(1024 ** 3 - 1, 'down'), '1023.99 MiB');
  assert.equal(formatMemory(-1, 'down'), '0 B');
});
