import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topText } from '../../electron/server/cli/top-format.ts';

test('baton top: a row per replica, stale ones said so, hosts against capacity; p95 of the second beside the average', () => {
  const text = topText({
    time: '2026-01-01T00:00:00.000Z',
    replicas: [
      { id: 'a', replica: 'shop_web.1.1-a', host: 'h1', stack: 'shop', service: 'web', time: 'x', stale: false, staleReason: null, cpu: { percentOfCore: 12.5, limitCores: 0.5, percentOfLimit: 25 }, memory: { usedBytes: 2 * 1024 * 1024, limitBytes: 32 * 1024 * 1024, percentOfLimit: 6.25 }, network: { rxBytes: 0, txBytes: 0, rxBytesPerSec: 2048, txBytesPerSec: 0 }, requests: { perSec: 50, total: 500, responseMsAvg: 1.5, totalMsAvg: 2, responseMsP50: 1, responseMsP95: 7, responseMsP99: 12, errorsPerSec: 0 } },
      { id: 'b', replica: 'shop_web.2.1-b', host: 'h2', stack: 'shop', service: 'web', time: 'x', stale: true, staleReason: 'host h2 is unreachable', cpu: null, memory: null, network: null, requests: null },
    ],
    hosts: [{ host: 'h1', time: 'x', stale: false, staleReason: null, replicas: 1, capacity: { cpus: 2, memoryBytes: 1024 ** 3 }, cpu: { percentOfCore: 12.5, percentOfCapacity: 6.25 }, memory: { usedBytes: 2 * 1024 * 1024, percentOfCapacity: 0.2 }, network: { rxBytesPerSec: 0, txBytesPerSec: 0 }, requests: { perSec: 50 }, ingress: { perSec: 50 } }],
  });
  assert.match(text, /REPLICA\s+HOST\s+CPU\s+MEMORY\s+REQ\/S\s+P95\s+AVG/);
  assert.match(text, /shop_web\.1\.1-a\s+h1\s+12\.5% \(25\.0% of limit\)\s+2\.0 MiB \/ 32 MiB\s+50\.0\s+7 ms\s+1\.5 ms/);
  assert.match(text, /shop_web\.2\.1-b\s+h2\s+stale.*host h2 is unreachable/);
  assert.match(text, /h1\s+1\s+12\.5% of 2 cpus \(6\.3%\)/);
  assert.match(text, /P95: response time of the last second's requests/);
});
