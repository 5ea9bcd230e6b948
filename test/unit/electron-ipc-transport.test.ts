// The desktop app's IPC transport without Electron: a fake ipcMain and fake pages in front of a
// stand-in control plane. Calls and streams are answered for the app's page only; an attached
// window refuses them; a page that navigates, crashes or closes has its streams cancelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { BatonEvent } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';
import { forwardEvents, wireIpcTransport, type IpcMainLike, type IpcSender, type PageContents } from '../../electron/app/ipc-transport.ts';
import type { ControlPlaneLike, StreamHandlersOnTheWire } from '../../electron/server/control-plane-like.ts';
import { CHANNEL_ATTACH_TOKEN, CHANNEL_CALL, CHANNEL_EVENT, CHANNEL_STREAM_MESSAGE, CHANNEL_STREAM_REQUEST } from '../../electron/window/bridge.ts';

const APP = 'file:///opt/Baton/resources/app.asar/dist/renderer/index.html';
const fromApp: IpcSender = { senderFrame: { url: `${APP}?attach=ws://127.0.0.1:7420/` } };
const fromElsewhere: IpcSender = { senderFrame: { url: 'https://example.com/' } };

type Invoke = (event: IpcSender, ...args: unknown[]) => unknown;
type Listen = (event: IpcSender & { sender: PageContents }, ...args: unknown[]) => void;

function fakeIpcMain() {
  const handlers = new Map<string, Invoke>();
  const listeners = new Map<string, Listen>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    on: (channel, listener) => listeners.set(channel, listener),
  };
  return {
    ipcMain,
    invoke: (channel: string, event: IpcSender, ...args: unknown[]) => Promise.resolve(handlers.get(channel)!(event, ...args)),
    send: (channel: string, event: IpcSender & { sender: PageContents }, ...args: unknown[]) => listeners.get(channel)!(event, ...args),
  };
}

class FakePage extends EventEmitter implements PageContents {
  destroyed = false;
  readonly sent: Array<{ channel: string; message: unknown }> = [];
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  streamMessages(): unknown[] {
    return this.sent.filter((s) => s.channel === CHANNEL_STREAM_MESSAGE).map((s) => s.message);
  }
}

/** A control plane that echoes calls, and whose streams stay open until cancelled. */
function standInPlane() {
  const open = new Map<string, StreamHandlersOnTheWire>();
  const cancelled: string[] = [];
  const listeners = new Set<(event: BatonEvent) => void>();
  const plane: ControlPlaneLike = {
    dispatch: async (method, params, caller) => ({ result: { method, params, transport: caller.transport } }),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lastEventId: () => 0,
    stream: (name, params, handlers) => {
      const key = `${name}:${JSON.stringify(params)}`;
      open.set(key, handlers);
      return () => {
        open.delete(key);
        cancelled.push(key);
      };
    },
  };
  return { plane, open, cancelled, emit: (event: BatonEvent) => listeners.forEach((l) => l(event)) };
}

test("calls from the app's page reach the control plane; others are refused, as is a call without a method name", async () => {
  const ipc = fakeIpcMain();
  const { plane } = standInPlane();
  wireIpcTransport({ ipcMain: ipc.ipcMain, appUrl: APP, controlPlane: () => plane, attachToken: null });
  assert.deepEqual(await ipc.invoke(CHANNEL_CALL, fromApp, 'host.list', {}), { result: { method: 'host.list', params: {}, transport: 'ipc' } });
  const refused = (await ipc.invoke(CHANNEL_CALL, fromElsewhere, 'host.list', {})) as Envelope<unknown>;
  assert.ok('error' in refused && refused.error.code === 'UNAUTHORIZED');
  const noFrame = (await ipc.invoke(CHANNEL_CALL, {}, 'host.list', {})) as Envelope<unknown>;
  assert.ok('error' in noFrame && noFrame.error.code === 'UNAUTHORIZED', 'no frame: not trusted');
  const badMethod = (await ipc.invoke(CHANNEL_CALL, fromApp, 42, {})) as Envelope<unknown>;
  assert.ok('error' in badMethod && badMethod.error.code === 'INVALID_INPUT');
});

test('a dispatch that throws still answers with an envelope', async () => {
  const ipc = fakeIpcMain();
  const plane: ControlPlaneLike = { dispatch: () => Promise.reject(new Error('boom')), subscribe: () => () => {}, lastEventId: () => 0 };
  wireIpcTransport({ ipcMain: ipc.ipcMain, appUrl: APP, controlPlane: () => plane, attachToken: null });
  assert.deepEqual(await ipc.invoke(CHANNEL_CALL, fromApp, 'host.list', {}), { error: { code: 'INTERNAL', message: 'boom' } });
});

test('an attached window: calls and streams are refused (they go over the WebSocket), and the token goes to the app only', async () => {
  const ipc = fakeIpcMain();
  wireIpcTransport({ ipcMain: ipc.ipcMain, appUrl: APP, controlPlane: () => null, attachToken: 'remote-token' });
  const call = (await ipc.invoke(CHANNEL_CALL, fromApp, 'host.list', {})) as Envelope<unknown>;
  assert.ok('error' in call && call.error.code === 'UNAVAILABLE' && /attached to a remote control plane/.test(call.error.message));
  assert.equal(await ipc.invoke(CHANNEL_ATTACH_TOKEN, fromApp), 'remote-token');
  assert.equal(await ipc.invoke(CHANNEL_ATTACH_TOKEN, fromElsewhere), null);

  const page = new FakePage();
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { id: 1, stream: 'logs', params: {} });
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { id: 1, cancel: true });
  assert.deepEqual(page.streamMessages(), [{ id: 1, error: { code: 'UNAVAILABLE', message: 'This window is attached to a remote control plane; streams go over its WebSocket.' } }]);
});

test('streams: chunks to the page that opened them, a cancel stops one, malformed or foreign requests are ignored', () => {
  const ipc = fakeIpcMain();
  const cp = standInPlane();
  wireIpcTransport({ ipcMain: ipc.ipcMain, appUrl: APP, controlPlane: () => cp.plane, attachToken: null });
  const page = new FakePage();
  const other = new FakePage();
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { id: 1, stream: 'logs', params: { service: 'web' } });
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: other }, { id: 1, stream: 'metrics', params: {} });
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromElsewhere, sender: page }, { id: 2, stream: 'logs', params: {} });
  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { stream: 'logs' });
  assert.deepEqual([...cp.open.keys()], ['logs:{"service":"web"}', 'metrics:{}']);

  cp.open.get('logs:{"service":"web"}')!.chunk(['a line']);
  assert.deepEqual(page.streamMessages(), [{ id: 1, chunk: ['a line'] }]);
  assert.deepEqual(other.streamMessages(), []);

  ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { id: 1, cancel: true });
  assert.deepEqual(cp.cancelled, ['logs:{"service":"web"}']);
  cp.open.get('metrics:{}')!.end(null);
  assert.deepEqual(other.streamMessages(), [{ id: 1, end: true }]);
});

test("a page that navigates, crashes or closes has its streams cancelled; nothing is sent to a destroyed page", () => {
  const ipc = fakeIpcMain();
  const cp = standInPlane();
  wireIpcTransport({ ipcMain: ipc.ipcMain, appUrl: APP, controlPlane: () => cp.plane, attachToken: null });
  const page = new FakePage();
  const open = (id: number) => ipc.send(CHANNEL_STREAM_REQUEST, { ...fromApp, sender: page }, { id, stream: 'logs', params: { id } });

  open(1);
  page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
  page.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
  assert.deepEqual(cp.cancelled, [], 'an anchor change or a subframe is not leaving the page');
  page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
  assert.deepEqual(cp.cancelled, ['logs:{"id":1}']);

  open(2);
  page.emit('render-process-gone');
  assert.deepEqual(cp.cancelled, ['logs:{"id":1}', 'logs:{"id":2}']);

  open(3);
  assert.equal(page.listenerCount('render-process-gone'), 1, 'a page is watched once');
  page.destroyed = true;
  cp.open.get('logs:{"id":3}')!.chunk(['late']);
  assert.deepEqual(page.streamMessages(), [], 'nothing to a destroyed page');
  page.emit('destroyed');
  assert.deepEqual(cp.cancelled, ['logs:{"id":1}', 'logs:{"id":2}', 'logs:{"id":3}']);
});

test('live events go to the window while it has a page that is not destroyed', () => {
  const cp = standInPlane();
  const page = new FakePage();
  let current: PageContents | null = page;
  const stop = forwardEvents(cp.plane, () => current);
  const event = { id: 1, kind: 'host.ready', message: 'web-1 is ready' } as BatonEvent;
  cp.emit(event);
  page.destroyed = true;
  cp.emit(event);
  current = null;
  cp.emit(event);
  stop();
  assert.deepEqual(page.sent, [{ channel: CHANNEL_EVENT, message: event }]);
});
