// Which transport this page uses, from its URL:
//   ?ws=ws://127.0.0.1:PORT&token=…  browser tests (a token in a URL is acceptable there only)
//   ?attach=ws://127.0.0.1:PORT      the desktop app attached to a remote serve; token from the preload
//   (nothing)                        the desktop app's own control plane, over IPC
import type { BatonBridge } from '../../../electron/window/bridge.ts';
import { IpcClient } from './ipc-client.ts';
import type { Transport } from './transport.ts';
import { UnavailableClient } from './unavailable-client.ts';
import { WsClient, type WebSocketConstructor } from './ws-client.ts';

export type TransportPlan =
  | { kind: 'ws'; url: string; token: string }
  | { kind: 'attach'; url: string }
  | { kind: 'ipc' }
  | { kind: 'none'; reason: string };

export function planTransport(search: string, hasBridge: boolean): TransportPlan {
  const query = new URLSearchParams(search);
  const ws = query.get('ws');
  if (ws !== null) {
    if (!isWebSocketUrl(ws)) return { kind: 'none', reason: `?ws=${ws} is not a ws:// or wss:// URL.` };
    return { kind: 'ws', url: ws, token: query.get('token') ?? '' };
  }
  const attach = query.get('attach');
  if (attach !== null) {
    if (!isWebSocketUrl(attach)) return { kind: 'none', reason: `?attach=${attach} is not a ws:// or wss:// URL.` };
    if (!hasBridge) return { kind: 'none', reason: 'Attach mode needs the Baton desktop app (it holds the token).' };
    return { kind: 'attach', url: attach };
  }
  if (hasBridge) return { kind: 'ipc' };
  return {
    kind: 'none',
    reason: 'Open this page from the Baton app, or add ?ws=ws://127.0.0.1:PORT&token=TOKEN to reach a baton serve.',
  };
}

export function createTransport(
  plan: TransportPlan,
  bridge: BatonBridge | undefined,
  WebSocketImpl?: WebSocketConstructor,
): Transport {
  const ws = WebSocketImpl === undefined ? {} : { WebSocket: WebSocketImpl };
  switch (plan.kind) {
    case 'ws':
      return new WsClient({ url: plan.url, token: plan.token, ...ws });
    case 'attach':
      if (bridge === undefined) return new UnavailableClient('Attach mode needs the Baton desktop app.');
      return new WsClient({
        url: plan.url,
        token: async () => {
          const token = await bridge.attachToken();
          if (token === null) throw new Error('the app has no token for this server');
          return token;
        },
        ...ws,
      });
    case 'ipc':
      if (bridge === undefined) return new UnavailableClient('The Baton bridge is missing.');
      return new IpcClient(bridge);
    case 'none':
      return new UnavailableClient(plan.reason);
  }
}

function isWebSocketUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'ws:' || url.protocol === 'wss:';
  } catch {
    return false;
  }
}
