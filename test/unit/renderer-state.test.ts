// The renderer's logic that needs no DOM: which transport, the live host list, the timeline,
// event replay, theme choice and formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, Host, MethodName, Params, Result, StreamHandlers, StreamName, StreamParams, StreamControl } from '../../shared/api.ts';
import { streamControl } from '../../shared/stream-control.ts';
import { BatonError } from '../../shared/errors.ts';
import { subscribeWithReplay } from '../../renderer/src/api/event-replay.ts';
import { IpcClient } from '../../renderer/src/api/ipc-client.ts';
import { planTransport } from '../../renderer/src/api/select-transport.ts';
import type { ConnectionState, Transport } from '../../renderer/src/api/transport.ts';
import { EventsStore } from '../../renderer/src/state/events-store.ts';
import { HostsStore } from '../../renderer/src/state/hosts-store.ts';
import { readThemeChoice, resolveTheme, saveThemeChoice, THEME_STORAGE_KEY } from '../../renderer/src/theme/theme.ts';
import { formatBytes, hostAddress } from '../../renderer/src/views/hosts/format.ts';

function event(id: number, kind: BatonEvent['kind'] = 'host.ready'): BatonEvent {
  return { id, time: '2025-01-01T00:00:00.000Z', kind, severity: 'info', host: null, stack: null, service: null, replica: null, message: kind, data: null };
}

function host(name: string, state: Host['state'] = 'ready'): Host {
  return {
    name,
    kind: 'ssh',
    ssh: { user: 'root', address: '10.0.0.2', port: 22 },
    socketPath: '/var/run/docker.sock',
    auth: 'agent',
    identityFile: null,
    hostKeyFingerprint: null,
    labels: {},
    state,
    stateReason: null,
    inventory: null,
    addedAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: null,
  };
}

/** A transport driven by the test: `hosts` answers host.list, `emit` pushes events. */
class FakeTransport implements Transport {
  readonly kind = 'ws';
  hosts: Host[] = [];
  calls: string[] = [];
  private state: ConnectionState = { status: 'connected', endpoint: 'fake', retryAt: null, reason: null };
  private readonly listeners = new Set<(e: BatonEvent) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();

  async call<M extends MethodName>(method: M, _params: Params<M>): Promise<Result<M>> {
    this.calls.push(method);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.state.status !== 'connected') throw new BatonError('UNAVAILABLE', 'down');
    if (method === 'host.list') return [...this.hosts] as Result<M>;
    if (method === 'events.list') return [] as Result<M>;
    throw new BatonError('INVALID_INPUT', method);
  }
  subscribe(listener: (e: BatonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** No streams here: each ends at once, as a transport without a control plane does. */
  stream<S extends StreamName>(name: S, _params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S> {
    this.calls.push(`stream:${name}`);
    let open = true;
    queueMicrotask(() => open && handlers.end(new BatonError('UNAVAILABLE', 'no streams in this test')));
    return streamControl(() => {
      open = false;
    });
  }
  emit(e: BatonEvent): void {
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

const settle = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms));

test('transport plan: ?ws= for browser tests, ?attach= for the app, else IPC, else none', () => {
  assert.deepEqual(planTransport('?ws=ws://127.0.0.1:7420&token=abc', false), { kind: 'ws', url: 'ws://127.0.0.1:7420', token: 'abc' });
  assert.deepEqual(planTransport('?attach=ws%3A%2F%2F127.0.0.1%3A7420%2F', true), { kind: 'attach', url: 'ws://127.0.0.1:7420/' });
  assert.equal(planTransport('?attach=ws://127.0.0.1:7420', false).kind, 'none', 'attach needs the app for its token');
  assert.deepEqual(planTransport('', true), { kind: 'ipc' });
  assert.equal(planTransport('', false).kind, 'none');
  assert.equal(planTransport('?ws=http://example.com', false).kind, 'none');
  // a page served by `baton serve --ui`: that server's /api, a person signs in
  assert.deepEqual(planTransport('', false, { protocol: 'http:', host: '127.0.0.1:7420' }), { kind: 'served', url: 'ws://127.0.0.1:7420/api' });
  assert.deepEqual(planTransport('', false, { protocol: 'https:', host: 'baton.example:443' }), { kind: 'served', url: 'wss://baton.example:443/api' });
  assert.equal(planTransport('', false, { protocol: 'file:', host: '' }).kind, 'none');
  assert.deepEqual(planTransport('', true, { protocol: 'http:', host: 'localhost:5173' }), { kind: 'ipc' }, 'the app on its dev server still uses IPC');
});

test('IPC client: unwraps the envelope; an error envelope becomes a BatonError', async () => {
  const api = new IpcClient({
    invoke: async (method) =>
      method === 'system.info'
        ? { result: { version: '0.1.0', home: '/h', startedAt: 'x', hosts: 0, hostsReady: 0 } }
        : { error: { code: 'NOT_FOUND', message: 'No host named "x".' } },
    subscribe: () => () => {},
    openStream: () => ({ close: () => {}, send: () => {} }),
    attachToken: async () => null,
  });
  assert.equal((await api.call('system.info', {})).version, '0.1.0');
  await assert.rejects(api.call('host.remove', { name: 'x' }), (err: unknown) => err instanceof BatonError && err.code === 'NOT_FOUND');
});

test('hosts store: loads, refetches on host.* events (collapsed), not on other events', async () => {
  const api = new FakeTransport();
  api.hosts = [host('web-2'), host('web-1')];
  const store = new HostsStore(api);
  const stop = store.start();
  await settle();
  assert.equal(store.getSnapshot().status, 'ready');
  assert.deepEqual(store.getSnapshot().hosts.map((h) => h.name), ['web-1', 'web-2'], 'sorted by name');

  api.hosts = [host('web-1', 'unreachable'), host('web-2')];
  api.calls = [];
  api.emit(event(1, 'host.unreachable'));
  api.emit(event(2, 'host.ready'));
  api.emit(event(3, 'host.ready'));
  api.emit(event(4, 'stack.removed'));
  await settle();
  assert.ok(api.calls.length <= 2, `a burst of events is one or two fetches, not ${api.calls.length}`);
  assert.equal(store.getSnapshot().hosts[0]?.state, 'unreachable');
  stop();
});

test('hosts store: keeps the last list through a disconnection and refetches on reconnection', async () => {
  const api = new FakeTransport();
  api.hosts = [host('web-1')];
  const store = new HostsStore(api);
  const stop = store.start();
  await settle();
  api.setStatus('reconnecting');
  api.hosts = [host('web-1'), host('web-2')];
  await store.refresh(); // fails while down
  assert.equal(store.getSnapshot().hosts.length, 1, 'the last good list stays');
  assert.equal(store.getSnapshot().error?.code, 'UNAVAILABLE');
  api.setStatus('connected');
  await settle();
  assert.equal(store.getSnapshot().hosts.length, 2);
  assert.equal(store.getSnapshot().error, null);
  stop();
});

test('events store: newest first, each event once, even when replayed twice', () => {
  const api = new FakeTransport();
  const store = new EventsStore(api, (flush) => flush());
  const stop = store.start();
  api.emit(event(1));
  api.emit(event(2));
  api.emit(event(2));
  api.emit(event(3));
  assert.deepEqual(store.getSnapshot().events.map((e) => e.id), [3, 2, 1]);
  stop();
});

test('replay: live events that arrive during the history fetch come after it, once', async () => {
  const live = new Set<(e: BatonEvent) => void>();
  const stream = (listener: (e: BatonEvent) => void) => {
    live.add(listener);
    return () => live.delete(listener);
  };
  const got: number[] = [];
  subscribeWithReplay(
    stream,
    async (after) => {
      for (const l of live) l(event(4)); // arrives while the history is on its way
      for (const l of live) l(event(3)); // overlaps with the history
      return [event(2), event(3)].filter((e) => e.id > after);
    },
    (e) => got.push(e.id),
    1,
  );
  await settle(5);
  for (const l of live) l(event(5));
  assert.deepEqual(got, [2, 3, 4, 5]);
});

test('theme: the saved choice wins, else the system', () => {
  const data = new Map<string, string>();
  const storage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
  assert.equal(readThemeChoice(storage), 'system');
  assert.equal(resolveTheme('system', true), 'dark');
  assert.equal(resolveTheme('system', false), 'light');
  saveThemeChoice(storage, 'dark');
  assert.equal(data.get(THEME_STORAGE_KEY), 'dark');
  assert.equal(resolveTheme(readThemeChoice(storage), false), 'dark');
  saveThemeChoice(storage, 'system');
  assert.equal(data.has(THEME_STORAGE_KEY), false);
  const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => {}, removeItem: () => {} };
  assert.equal(readThemeChoice(broken), 'system');
});

test('formatting: memory and addresses', () => {
  assert.equal(formatBytes(16 * 1024 ** 3), '16 GiB');
  assert.equal(formatBytes(2.5 * 1024 ** 3), '2.5 GiB');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(hostAddress(host('a')), 'root@10.0.0.2');
  assert.equal(hostAddress({ ...host('a'), ssh: { user: 'ada', address: 'db.example', port: 2222 } }), 'ada@db.example:2222');
  assert.equal(hostAddress({ ...host('a'), kind: 'local', ssh: null }), 'unix:///var/run/docker.sock');
});
