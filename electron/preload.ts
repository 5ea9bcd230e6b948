// Runs in the sandboxed renderer before the page: exposes `window.baton` (its shape is
// shared/bridge.ts; the channels behind it are ./window/bridge.ts) and nothing else. Bundled into one CJS file; `electron` is the only thing it may require.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { BatonEvent, StreamName } from '../shared/api.ts';
import type { BatonBridge, StreamMessage, StreamPort, StreamRequest, StreamResponse } from '../shared/bridge.ts';
import type { Envelope } from '../shared/errors.ts';
import { CHANNEL_ATTACH_TOKEN, CHANNEL_CALL, CHANNEL_EVENT, CHANNEL_STREAM_MESSAGE, CHANNEL_STREAM_REQUEST } from './window/bridge.ts';

// Open streams of this page, by id; main answers on one channel and the id says whose it is.
const streams = new Map<number, (message: StreamMessage) => void>();
let nextStreamId = 1;
ipcRenderer.on(CHANNEL_STREAM_MESSAGE, (_event: IpcRendererEvent, response: StreamResponse) => {
  const deliver = streams.get(response.id);
  if (deliver === undefined) return;
  if ('chunk' in response) return deliver({ chunk: response.chunk });
  streams.delete(response.id);
  deliver('error' in response ? { error: response.error } : { end: true });
});
const sendStreamRequest = (request: StreamRequest): void => ipcRenderer.send(CHANNEL_STREAM_REQUEST, request);

const bridge: BatonBridge = {
  invoke: (method: string, params: unknown): Promise<Envelope<unknown>> =>
    ipcRenderer.invoke(CHANNEL_CALL, method, params) as Promise<Envelope<unknown>>,
  subscribe(listener: (event: BatonEvent) => void): () => void {
    // The IPC event object is not passed on: it would hand the page `sender` (ipcRenderer itself).
    const forward = (_event: IpcRendererEvent, batonEvent: BatonEvent): void => listener(batonEvent);
    ipcRenderer.on(CHANNEL_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(CHANNEL_EVENT, forward);
    };
  },
  openStream(name: string, params: unknown, onMessage: (message: StreamMessage) => void): StreamPort {
    const id = nextStreamId++;
    streams.set(id, onMessage);
    sendStreamRequest({ id, stream: name as StreamName, params }); // main checks the name
    return {
      close: () => {
        if (streams.delete(id)) sendStreamRequest({ id, cancel: true });
      },
      send: (input: unknown) => {
        if (streams.has(id)) sendStreamRequest({ id, input }); // main's wire checks it against the stream's contract
      },
    };
  },
  attachToken: () => ipcRenderer.invoke(CHANNEL_ATTACH_TOKEN) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('baton', bridge);
