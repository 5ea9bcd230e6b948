// A replica's health shown from its event before the snapshot it causes: which events, what they
// change (the replica, its service's counts), what they leave for the snapshot, and the store
// putting an event again on top of a snapshot taken before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, ClusterSnapshot, MethodName, Params, ReplicaStatus, Result, StreamHandlers, StreamName, StreamParams, StreamControl } from '../../shared/api.ts';
import { streamControl } from '../../shared/stream-control.ts';
import { BatonError } from '../../shared/errors.ts';
import type { ConnectionState, Transport } from '../../renderer/src/api/transport.ts';
import { applyEvent, patchable } from '../../renderer/src/state/cluster-patch.ts';
import { ClusterStore, SHOWN_AHEAD_FETCH_MS } from '../../renderer/src/state/cluster-store.ts';
import { withCounts, withStatus } from './fixtures/service-status.ts';

function replica(name: string, over: Partial<ReplicaStatus> = {}): ReplicaStatus {
  return withStatus({ id: `id-${name}`, name, stack: 'shop', service: 'web', slot: 1, host: 'h1', hostReady: true, state: 'running', health: 'healthy', revision: 2, current: true, createdAt: '2026-01-01T00:00:00.000Z', ...over });
}

function cluster(replicas: ReplicaStatus[], lastEventId = 10): ClusterSnapshot {
  const healthy = replicas.filter((r) => r.status === 'healthy').length;
  const unhealthy = replicas.filter((r) => r.status === 'unhealthy').length;
  return {
    lastEventId,
    hosts: [],
    usage: [],
    services: [withCounts({ stack: 'shop', name: 'web', image: 'web:2', revision: 2, desired: replicas.length, running: replicas.length, healthy, unhealthy, pending: null, ports: [], preferredHost: null, reservation: { nanoCpus: 0, memoryBytes: 0 } })],
    replicas,
  };
}

function event(id: number, kind: BatonEvent['kind'], name: string | null): BatonEvent {
  return { id, time: '2026-01-01T00:00:01.000Z', kind, severity: 'info', host: 'h1', stack: 'shop', service: 'web', replica: name, message: kind, data: null };
}

test('a failed health check shows on the replica and in its service’s counts at once', () => {
  const before = cluster([replica('a'), replica('b')]);
  const after = applyEvent(before, event(11, 'replica.unhealthy', 'b'))!;
  assert.equal(after.replicas[1]!.health, 'unhealthy');
  assert.equal(after.replicas[1]!.status, 'unhealthy');
  assert.equal(after.replicas[0], before.replicas[0], 'the other replica is the same object: its host group does not re-render');
  const s = after.services[0]!;
  assert.deepEqual([s.healthy, s.unhealthy, s.available, s.running], [1, 1, 1, 2]);
  assert.deepEqual([s.revisions[0]!.healthy, s.revisions[0]!.available], [1, 1]);
  assert.equal(after.lastEventId, 10, 'the picture still says which events its snapshot saw');
  const back = applyEvent(after, event(12, 'replica.healthy', 'b'))!;
  assert.deepEqual([back.services[0]!.healthy, back.services[0]!.unhealthy, back.services[0]!.available], [2, 0, 2]);
});

test('a replica beginning to drain shows so at once; serving again too; its counts stay', () => {
  const before = cluster([replica('a', { pool: 'serving' }), replica('b', { pool: 'serving' }), replica('s', { state: 'exited', health: 'unhealthy', pool: 'out' })]);
  assert.equal(patchable(event(11, 'replica.draining', 'b')), true);
  const after = applyEvent(before, event(11, 'replica.draining', 'b'))!;
  assert.equal(after.replicas[1]!.pool, 'draining');
  assert.equal(after.replicas[0], before.replicas[0]);
  assert.equal(after.services, before.services, 'its service counts nothing new');
  assert.equal(applyEvent(after, event(12, 'replica.draining', 'b')), null, 'already draining: nothing to change');
  assert.equal(applyEvent(after, event(12, 'replica.serving', 'b'))!.replicas[1]!.pool, 'serving');
  assert.equal(applyEvent(before, event(12, 'replica.serving', 's')), null, 'stopped in the picture: the snapshot settles it');
  assert.equal(patchable(event(12, 'replica.drained', 'b')), false, 'drained: it stops next, for the snapshot to say');
});

test('what an event does not say whole is left for the snapshot', () => {
  const c = cluster([replica('a'), replica('s', { state: 'exited', health: 'unhealthy' }), replica('u', { hostReady: false })]);
  assert.equal(patchable(event(11, 'replica.exited', 'a')), false);
  assert.equal(applyEvent(c, event(11, 'replica.exited', 'a')), null);
  assert.equal(applyEvent(c, event(11, 'replica.healthy', 'gone')), null, 'a replica the picture does not have');
  assert.equal(applyEvent(c, event(11, 'replica.healthy', 's')), null, 'stopped in the picture: the snapshot settles it');
  assert.equal(applyEvent(c, event(11, 'replica.healthy', 'a')), null, 'already healthy: nothing to change');
  const unknown = applyEvent(c, event(11, 'replica.unhealthy', 'u'))!;
  assert.equal(unknown.replicas[2]!.status, 'unknown', 'on a host not ready it stays unknown, whatever its health');
  assert.equal(unknown.services, c.services, 'its counts do not change');
});

class SlowSnapshots implements Transport {
  readonly kind = 'ws';
  /** What the next answers hold, in order; each answered after `delayMs`. */
  answers: ClusterSnapshot[] = [];
  calls = 0;
  delayMs = 30;
  private readonly listeners = new Set<(e: BatonEvent) => void>();
  private state: ConnectionState = { status: 'connected', endpoint: 'fake', retryAt: null, reason: null };
  async call<M extends MethodName>(method: M, _params: Params<M>): Promise<Result<M>> {
    assert.equal(method, 'cluster.snapshot');
    const answer = this.answers[Math.min(this.calls++, this.answers.length - 1)]!;
    await new Promise((r) => setTimeout(r, this.delayMs));
    return answer as Result<M>;
  }
  subscribe(listener: (e: BatonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  stream<S extends StreamName>(_name: S, _params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S> {
    handlers.end(new BatonError('UNAVAILABLE', 'no streams here'));
    return streamControl(() => {});
  }
  emit(e: BatonEvent): void {
    for (const l of this.listeners) l(e);
  }
  connection(): ConnectionState {
    return this.state;
  }
  onConnectionChange(): () => void {
    return () => {};
  }
  reconnectNow(): void {}
  close(): void {}
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the store shows the health before the snapshot, keeps it over a snapshot taken before the event, and takes the snapshot after it as the truth', async () => {
  const api = new SlowSnapshots();
  const first = cluster([replica('a'), replica('b')], 10);
  api.answers = [first, first, cluster([replica('a'), replica('b', { health: 'unhealthy' })], 12)];
  const store = new ClusterStore(api);
  const stop = store.start();
  await settle(50);
  assert.equal(store.getSnapshot().status, 'ready');
  const health = () => store.getSnapshot().cluster.replicas[1]!.health;
  // a fetch is running (answer: taken before the event) when the event comes
  api.emit(event(11, 'host.ready', null));
  await settle(5);
  api.emit(event(12, 'replica.unhealthy', 'b'));
  assert.equal(health(), 'unhealthy', 'shown at once, before any answer');
  await settle(40);
  assert.equal(api.calls, 2, 'the older snapshot answered; the one after the event waits for others like it');
  assert.equal(health(), 'unhealthy', 'the older snapshot did not turn it back');
  // more health checks meanwhile: shown at once, and no fetch of their own
  api.emit(event(13, 'replica.unhealthy', 'a'));
  assert.equal(store.getSnapshot().cluster.replicas[0]!.health, 'unhealthy');
  assert.equal(store.getSnapshot().cluster.services[0]!.unhealthy, 2);
  await settle(SHOWN_AHEAD_FETCH_MS + 60);
  assert.equal(api.calls, 3, 'one fetch for both');
  assert.equal(store.getSnapshot().cluster.lastEventId, 12);
  assert.equal(health(), 'unhealthy');
  assert.equal(store.getSnapshot().cluster.replicas[0]!.health, 'unhealthy', 'event 13 is newer than that snapshot: still shown');
  assert.equal(store.getSnapshot().cluster.services[0]!.unhealthy, 2, 'b from the snapshot, a from event 13');
  stop();
});
