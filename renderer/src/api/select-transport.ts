// Which transport this page uses, from its URL:
//   ?ws=ws://127.0.0.1:PORT&token=…  browser tests (a token in a URL is acceptable there only)
//   ?attach=ws://127.0.0.1:PORT      the desktop app attached to a remote serve; token from the preload
//   (nothing), in the desktop app    its own control plane, over IPC
//   (nothing), served over http(s)   `baton serve --ui`: the same server's /api; a person signs in
//                                    with the token (kept in the tab's session storage)
import type { BatonBridge } from '../../../shared/bridge.ts';
import { IpcClient } from './ipc-client.ts';
import { sessionTokenStore, type StorageLike } from './token-store.ts';
import type { Transport } from './transport.ts';
import { UnavailableClient } from './unavailable-client.ts';
import { WsClient, type WebSocketConstructor } from './ws-client.ts';

export type TransportPlan =
  | { kind: 'ws'; url: string; token: string }
  | { kind: 'attach'; url: string }
  | { kind: 'served'; url: string }
  | { kind: 'ipc' }
  | { kind: 'none'; reason: string };

/** Where the page was loaded from (window.location), for a page served by `baton serve --ui`. */
export interface PageOrigin {
  protocol: string;
  host: string;
}

export function planTransport(search: string, hasBridge: boolean, origin?: PageOrigin): TransportPlan {
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
  if (origin !== undefined && (origin.protocol === 'http:' || origin.protocol === 'https:')) {
    return { kind: 'served', url: `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}/api` };
  }
  return {
    kind: 'none',
    reason: 'Open this page from the Baton app, or add ?ws=ws://127.0.0.1:PORT&token=TOKEN to reach a baton serve.',
  };
}

export function createTransport(
  plan: TransportPlan,
  bridge: BatonBridge | undefined,
  WebSocketImpl?: WebSocketConstructor,
  storage?: StorageLike,
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
    case 'served':
      if (storage === undefined) return new UnavailableClient('This page needs session storage to keep the token you sign in with.');
      return new WsClient({ url: plan.url, token: sessionTokenStore(storage, plan.url), ...ws });
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
