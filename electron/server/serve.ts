// `baton serve`: the control plane headless, on the local socket and optionally a WebSocket.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlPlane, type ControlPlaneOptions } from '../control-plane/index.ts';
import { listenOnSocket } from './socket-server.ts';
import { listenOnWebSocket, readToken, type WebSocketEndpoint } from './ws-server.ts';

export interface ServeOptions extends ControlPlaneOptions {
  home: string;
  ws?: { host: string; port: number; tokenFile?: string | undefined; ui: boolean } | undefined;
}

export interface Serving {
  plane: ControlPlane;
  socketPath: string;
  ws: WebSocketEndpoint | null;
  tokenFile: string | null;
  stop(): Promise<void>;
}

export function socketPathFor(home: string): string {
  return join(home, 'baton.sock');
}

/** The token file is created once (0600) and kept, so attached apps stay attached across restarts. */
function ensureToken(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  const token = readToken(file);
  if (token.length < 16) throw new Error(`The token in ${file} is too short (at least 16 characters).`);
  return token;
}

export function rendererDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');
}

export async function serve(options: ServeOptions): Promise<Serving> {
  const plane = await ControlPlane.start(options);
  const socketPath = socketPathFor(options.home);
  let ws: WebSocketEndpoint | null = null;
  let tokenFile: string | null = null;
  try {
    const socketServer = await listenOnSocket(plane, socketPath);
    if (options.ws) {
      tokenFile = options.ws.tokenFile ?? join(options.home, 'ws-token');
      const staticDir = options.ws.ui ? rendererDir() : undefined;
      if (staticDir && !existsSync(join(staticDir, 'index.html'))) {
        throw new Error(`--ui needs the built renderer in ${staticDir}: run npm run build first.`);
      }
      ws = await listenOnWebSocket(plane, { host: options.ws.host, port: options.ws.port, token: ensureToken(tokenFile), staticDir });
    }
    const wsEndpoint = ws;
    return {
      plane,
      socketPath,
      ws,
      tokenFile,
      async stop() {
        await wsEndpoint?.close();
        await new Promise<void>((r) => socketServer.close(() => r()));
        await plane.stop();
      },
    };
  } catch (err) {
    await ws?.close();
    await plane.stop();
    throw err;
  }
}
