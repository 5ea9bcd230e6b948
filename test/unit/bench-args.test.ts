// The benchmark runner's command line: a size option's value is not taken for a benchmark's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intOption, parseBenchArgs } from '../../bench/args.ts';

test('names and options: --hosts 200 is an option with its value, --no-peer a switch', () => {
  const args = parseBenchArgs(['ui', '--hosts', '200', '--replicas=5000', '--no-peer', '--services', '50']);
  assert.deepEqual(args.names, ['ui']);
  assert.equal(intOption(args, 'hosts', 50), 200);
  assert.equal(intOption(args, 'replicas', 1000), 5000);
  assert.equal(intOption(args, 'services', 20), 50);
  assert.equal(intOption(args, 'charts', 1), 1, 'absent: the default');
  assert.equal(args.options.has('no-peer'), true);
  assert.throws(() => intOption(parseBenchArgs(['--hosts', 'many']), 'hosts', 50, 1), /--hosts many: give a whole number of at least 1, e\.g\. --hosts 50/);
  assert.deepEqual(parseBenchArgs(['--swarm-only', 'rollout']).names, ['rollout'], 'a switch takes no value');
});
