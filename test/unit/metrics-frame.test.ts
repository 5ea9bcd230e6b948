import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, replicaPoint } from '../../electron/control-plane/metrics/frame.ts';

const rates = (cpu: number, mem: number) => ({
  cpu: { percentOfCore: cpu, limitCores: null, percentOfLimit: null },
  memory: { usedBytes: mem, limitBytes: null, percentOfLimit: null },
  network: { rxBytes: 0, txBytes: 0, rxBytesPerSec: 10, txBytesPerSec: 20 },
});
const ref = (id: string, host: string) => ({ id, name: `shop_web.${id}`, host, stack: 'shop', service: 'web' });

test('host sums against capacity; a host out of reach is stale with no values, and so are its replicas', () => {
  const frame = buildFrame({
    nowMs: 0,
    replicas: [ref('aaaaaaaaaaaa1', 'h1'), ref('bbbbbbbbbbbb1', 'h1'), ref('cccccccccccc1', 'h2')],
    hosts: [
      { name: 'h1', staleReason: null, capacity: { cpus: 2, memoryBytes: 1000 } },
      { name: 'h2', staleReason: 'host h2 is unreachable', capacity: { cpus: 2, memoryBytes: 1000 } },
    ],
    containers: new Map([
      ['aaaaaaaaaaaa1', { atMs: 0, rates: rates(50, 100), problem: null }],
      ['bbbbbbbbbbbb1', { atMs: 0, rates: rates(30, 200), problem: null }],
      ['cccccccccccc1', { atMs: 0, rates: rates(99, 999), problem: null }],
    ]),
    requests: new Map([['r_aaaaaaaaaaaa', { perSec: 7, total: 70, responseMsAvg: 1, totalMsAvg: 2, responseMsP50: 1, responseMsP95: 3, responseMsP99: 4, errorsPerSec: 0 }]]),
    ingress: new Map([['h1', 12], ['h2', 5]]),
  });
  const h1 = frame.hosts[0]!;
  assert.deepEqual(h1.cpu, { percentOfCore: 80, percentOfCapacity: 40 });
  assert.deepEqual(h1.memory, { usedBytes: 300, percentOfCapacity: 30 });
  assert.deepEqual(h1.requests, { perSec: 7 });
  assert.deepEqual(h1.ingress, { perSec: 12 }, 'what came in through its ingress, apart from what its replicas served');
  assert.equal(frame.replicas[1]!.requests, null, 'no route: no request figures');
  assert.equal(replicaPoint(frame.replicas[0]!)?.responseMsP95, 3, "the second's p95 is in its point");
  const h2 = frame.hosts[1]!;
  assert.equal(h2.stale, true);
  assert.equal(h2.cpu, null);
  assert.equal(h2.ingress, null, 'a stale host has no ingress figure either');
  const c = frame.replicas[2]!;
  assert.equal(c.stale, true, 'the old reading of an unreachable host is not shown again');
  assert.equal(c.cpu, null);
  assert.equal(c.staleReason, 'host h2 is unreachable');
  assert.equal(replicaPoint(c), null, 'a stale second is a gap in the series');
});

test('a first reading has nothing to say yet: stale, no invented 0', () => {
  const frame = buildFrame({ nowMs: 0, replicas: [ref('aaaaaaaaaaaa1', 'h1')], hosts: [{ name: 'h1', staleReason: null, capacity: null }], containers: new Map([['aaaaaaaaaaaa1', { atMs: 0, rates: null, problem: null }]]), requests: new Map() });
  assert.equal(frame.replicas[0]!.stale, true);
  assert.equal(frame.hosts[0]!.replicas, 0);
});
