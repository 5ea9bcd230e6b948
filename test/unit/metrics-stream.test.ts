// The `metrics` stream's cut of each frame: the whole cluster, one service's replicas and their
// hosts, or the hosts alone (what the app's topology and host charts read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsParams } from '../../shared/api.ts';
import type { HostMetrics, MetricsFrame, ReplicaMetrics } from '../../shared/metrics.ts';
import { MetricsStore } from '../../electron/control-plane/metrics/metrics-store.ts';
import { openMetricsStream } from '../../electron/control-plane/metrics/metrics-stream.ts';

const TIME = '2026-12-06T10:00:00.000Z';

function replica(name: string, service: string, host: string): ReplicaMetrics {
  return { id: `id-${name}`, replica: name, host, stack: 'shop', service, time: TIME, stale: false, staleReason: null, cpu: null, memory: null, network: null, requests: null };
}

function host(name: string): HostMetrics {
  return { host: name, time: TIME, stale: false, staleReason: null, replicas: 1, capacity: null, cpu: null, memory: null, network: null, requests: { perSec: 3 }, ingress: null };
}

const FRAME: MetricsFrame = { time: TIME, replicas: [replica('w1', 'web', 'h1'), replica('a1', 'api', 'h2')], hosts: [host('h1'), host('h2')] };

async function firstFrame(params: unknown): Promise<MetricsFrame> {
  const store = new MetricsStore(null);
  store.record(FRAME);
  const got: MetricsFrame[] = [];
  const stop = openMetricsStream(store, MetricsParams.parse(params), (ref) => ({ stack: 'shop', name: ref.split('/').pop()! }), { chunk: (f) => got.push(f), end: () => {} });
  await new Promise((r) => setImmediate(r));
  stop();
  assert.equal(got.length, 1, 'the last frame at once');
  return got[0]!;
}

test('the stream cuts frames to a service, or to the hosts alone', async () => {
  assert.equal((await firstFrame({})).replicas.length, 2);
  const web = await firstFrame({ service: 'shop/web' });
  assert.deepEqual([web.replicas.map((r) => r.replica), web.hosts.map((h) => h.host)], [['w1'], ['h1']]);
  const hosts = await firstFrame({ hostsOnly: true });
  assert.deepEqual([hosts.replicas.length, hosts.hosts.map((h) => h.host)], [0, ['h1', 'h2']]);
  assert.equal(MetricsParams.safeParse({ hostsOnly: true, service: 'web' }).success, false, 'one or the other');
});
