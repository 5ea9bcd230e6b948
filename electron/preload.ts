// Runs in the sandboxed renderer before the page: exposes `window.baton` (see ./window/bridge.ts)
// and nothing else. Bundled into one CJS file; `electron` is the only thing it may require.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { BatonEvent } from '../shared/api.ts';
import type { Envelope } from '../shared/errors.ts';
import { CHANNEL_ATTACH_TOKEN, CHANNEL_CALL, CHANNEL_EVENT, type BatonBridge } from './window/bridge.ts';

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
  attachToken: () => ipcRenderer.invoke(CHANNEL_ATTACH_TOKEN) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('baton', bridge);
