// The topology's data: one `cluster.snapshot` at start, another only when an event says the
// cluster changed or the connection came back; bursts collapse; errors keep the last picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, ClusterSnapshot, MethodName, Params, Result, StreamName, StreamParams, StreamHandlers, StreamControl } from '../../shared/api.ts';
import { streamControl } from '../../shared/stream-control.ts';
import { BatonError } from '../../shared/errors.ts';
import type { ConnectionState, Transport } from '../../renderer/src/api/transport.ts';
import { ClusterStore, changesCluster } from '../../renderer/src/state/cluster-store.ts';
import { readEventKind } from '../../shared/events.ts';

function event(id: number, kind: BatonEvent['kind']): BatonEvent {
  return { id, time: '2026-01-01T00:00:00.000Z', kind, severity: 'info', host: null, stack: null, service: null, replica: null, message: kind, data: null };
}

class SnapshotTransport implements Transport {
  readonly kind = 'ws';
  snapshots = 0;
  lastEventId = 0;
  fail = false;
  private state: ConnectionState = { status: 'connected', endpoint: 'fake', retryAt: null, reason: null };
  private readonly listeners = new Set<(e: BatonEvent) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();

  async call<M extends MethodName>(method: M, _params: Params<M>): Promise<Result<M>> {
    assert.equal(method, 'cluster.snapshot', `the store asked for ${method}`);
    this.snapshots++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.fail) throw new BatonError('UNAVAILABLE', 'The control plane did not answer.');
    const snapshot: ClusterSnapshot = { lastEventId: this.lastEventId, hosts: [], usage: [], services: [], replicas: [] };
    return snapshot as Result<M>;
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
    this.lastEventId = Math.max(this.lastEventId, e.id);
    for (const listener of this.listeners) listener(e);
  }
  setStatus(status: ConnectionState['status']): void {
    this.state = { ...this.state, status };
    for (const listener of this.stateListeners) listener(this.state);
  }
  connection(): ConnectionState {
    return this.state;
  }
  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  reconnectNow(): void {}
  close(): void {}
}

const settle = (ms = 60) => new Promise((resolve) => setTimeout(resolve, ms));

test('cluster events are the ones the topology shows', () => {
  for (const kind of ['host.ready', 'service.scaled', 'replica.healthy', 'stack.removed'] as const) assert.ok(changesCluster(event(1, kind)), kind);
  // a kind of another version's (read as it was stored) is not one either
  for (const kind of ['image.pulling', readEventKind('system.started')] satisfies BatonEvent['kind'][]) assert.ok(!changesCluster(event(1, kind)), kind);
});

test('fetches once at start, then only on cluster events; a burst costs at most two fetches', async () => {
  const api = new SnapshotTransport();
  const store = new ClusterStore(api);
  const stop = store.start();
  await settle();
  assert.equal(api.snapshots, 1);
  assert.equal(store.getSnapshot().status, 'ready');
  api.emit(event(1, 'image.pulling'));
  await settle();
  assert.equal(api.snapshots, 1, 'an event that changes nothing shown fetched');
  for (let id = 2; id < 22; id++) api.emit(event(id, 'replica.started'));
  await settle();
  assert.equal(api.snapshots, 3, 'twenty events in a burst: one fetch running, one more after it');
  assert.equal(store.getSnapshot().cluster.lastEventId, 21, 'the last fetch saw the last event');
  api.emit(event(21, 'replica.started')); // replayed after a reconnect: already in the picture
  await settle();
  assert.equal(api.snapshots, 3);
  stop();
  api.emit(event(30, 'replica.started'));
  await settle();
  assert.equal(api.snapshots, 3, 'fetched after stop');
});

test('a failed fetch keeps the last picture and says why; the connection coming back refetches', async () => {
  const api = new SnapshotTransport();
  const store = new ClusterStore(api);
  const stop = store.start();
  await settle();
  api.emit(event(1, 'host.added'));
  await settle();
  const good = store.getSnapshot().cluster;
  api.fail = true;
  api.setStatus('reconnecting');
  api.emit(event(2, 'host.unreachable'));
  await settle();
  assert.equal(store.getSnapshot().cluster, good, 'the last good picture was dropped');
  assert.equal(store.getSnapshot().status, 'ready');
  assert.equal(store.getSnapshot().error?.code, 'UNAVAILABLE');
  api.fail = false;
  const before = api.snapshots;
  api.setStatus('connected');
  await settle();
  assert.equal(api.snapshots, before + 1);
  assert.equal(store.getSnapshot().error, null);
  stop();
});
