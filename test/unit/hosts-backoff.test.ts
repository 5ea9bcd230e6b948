import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoff } from '../../electron/control-plane/hosts/host-link.ts';

test('reconnect backoff doubles from the first delay up to the cap, with ±20% jitter', () => {
  const mid = () => 0.5; // no jitter
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => nextBackoff(n, 500, 10_000, mid)), [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.equal(nextBackoff(0, 1000, 10_000, () => 0), 800);
  assert.equal(nextBackoff(0, 1000, 10_000, () => 1), 1200);
});
