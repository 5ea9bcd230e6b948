// The desktop app's IPC transport: calls, live events and streams between the page (through the
// preload, shared/bridge.ts) and the embedded control plane. Written against the few parts of
// Electron's ipcMain and webContents it uses, so it runs under Node in tests; main passes the real ones.
import type { BatonEvent } from '../../shared/api.ts';
import type { StreamResponse } from '../../shared/bridge.ts';
import { toErrorBody, type Envelope } from '../../shared/errors.ts';
import type { ControlPlaneLike } from '../server/control-plane-like.ts';
import { openWireConnection, type WireConnection } from '../server/wire.ts';
import { CHANNEL_ATTACH_TOKEN, CHANNEL_CALL, CHANNEL_EVENT, CHANNEL_STREAM_MESSAGE, CHANNEL_STREAM_REQUEST, isStreamRequest } from '../window/bridge.ts';
import { isTrustedSender } from '../window/navigation-guard.ts';

/** A page's webContents, as far as this uses it. */
export interface PageContents {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: () => void): unknown;
  on(event: 'did-start-navigation', listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void): unknown;
}

/** Which frame sent a message: its URL is checked against the app's page. */
export interface IpcSender {
  senderFrame?: { url: string } | null;
}

/** ipcMain, as far as this uses it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSender, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcSender & { sender: PageContents }, ...args: unknown[]) => void): unknown;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  /** The page without query: only frames showing it are answered. */
  appUrl: string;
  /** The embedded control plane; null when the window is attached to a remote one (or it stopped). */
  controlPlane: () => ControlPlaneLike | null;
  /** In attach mode, the remote serve's token, which the page asks for; null otherwise. */
  attachToken: string | null;
}

const ATTACHED_CALLS = 'This window is attached to a remote control plane; calls go over its WebSocket.';
const ATTACHED_STREAMS = 'This window is attached to a remote control plane; streams go over its WebSocket.';

export function wireIpcTransport(options: IpcTransportOptions): void {
  const { ipcMain, appUrl, controlPlane } = options;
  const trusted = (event: IpcSender): boolean => isTrustedSender(event.senderFrame?.url, appUrl);

  ipcMain.handle(CHANNEL_CALL, async (event, method, params): Promise<Envelope<unknown>> => {
    if (!trusted(event)) return { error: { code: 'UNAUTHORIZED', message: 'IPC from a page that is not Baton' } };
    if (typeof method !== 'string') return { error: { code: 'INVALID_INPUT', message: 'method must be a string' } };
    const plane = controlPlane();
    if (plane === null) return { error: { code: 'UNAVAILABLE', message: ATTACHED_CALLS } };
    try {
      return await plane.dispatch(method, params, { transport: 'ipc' });
    } catch (err) {
      // dispatch is not supposed to throw; if it does, the renderer still gets an envelope
      return { error: toErrorBody(err) };
    }
  });

  ipcMain.handle(CHANNEL_ATTACH_TOKEN, (event): string | null => (trusted(event) ? options.attachToken : null));

  wireStreams(options, trusted);
}

/**
 * Streams (logs, metrics) for each page: the wire protocol's stream messages over IPC, one wire
 * connection per webContents. A page that reloads, navigates away, crashes or closes has its
 * streams cancelled.
 */
function wireStreams({ ipcMain, controlPlane }: IpcTransportOptions, trusted: (event: IpcSender) => boolean): void {
  const connections = new Map<PageContents, WireConnection>();
  const watched = new WeakSet<PageContents>();
  const drop = (contents: PageContents): void => {
    connections.get(contents)?.close();
    connections.delete(contents);
  };
  const reply = (contents: PageContents, message: StreamResponse): void => {
    if (!contents.isDestroyed()) contents.send(CHANNEL_STREAM_MESSAGE, message);
  };

  ipcMain.on(CHANNEL_STREAM_REQUEST, (event, request) => {
    if (!trusted(event) || !isStreamRequest(request)) return;
    const contents = event.sender;
    let wire = connections.get(contents);
    if (wire === undefined) {
      const plane = controlPlane();
      if (plane === null) {
        if ('stream' in request) reply(contents, { id: request.id, error: { code: 'UNAVAILABLE', message: ATTACHED_STREAMS } });
        return;
      }
      wire = openWireConnection(plane, (message) => reply(contents, message as StreamResponse), { transport: 'ipc' });
      connections.set(contents, wire);
      if (!watched.has(contents)) {
        watched.add(contents);
        contents.once('destroyed', () => drop(contents));
        contents.on('render-process-gone', () => drop(contents));
        contents.on('did-start-navigation', (details) => {
          if (details.isMainFrame && !details.isSameDocument) drop(contents);
        });
      }
    }
    wire.receive(request);
  });
}

/** The control plane's live events, to the window's page while it has one. Returns unsubscribe. */
export function forwardEvents(plane: Pick<ControlPlaneLike, 'subscribe'>, page: () => PageContents | null): () => void {
  return plane.subscribe((event: BatonEvent) => {
    const contents = page();
    if (contents !== null && !contents.isDestroyed()) contents.send(CHANNEL_EVENT, event);
  });
}
