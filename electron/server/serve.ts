// `baton serve`: the control plane headless, on the local socket and optionally a WebSocket.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../../shared/errors.ts';
import { ControlPlane, type ControlPlaneOptions } from '../control-plane/index.ts';
import { checkAllowedHosts, checkAllowedOrigins, isLoopbackHost } from './host-guard.ts';
import { listenOnSocket } from './socket-server.ts';
import { socketPathFor } from './socket-path.ts';
import { loadToken } from './token-file.ts';
import { listenOnWebSocket, type WebSocketEndpoint } from './ws-server.ts';

export interface WsServeOptions {
  host: string;
  port: number;
  tokenFile?: string | undefined;
  ui: boolean;
  /** PEM files: serve wss:// and https:// (--tls-cert, --tls-key). */
  tls?: { certFile: string; keyFile: string } | undefined;
  /** The person accepts that the token crosses the network unencrypted (--insecure-cleartext-token). */
  insecureCleartextToken?: boolean | undefined;
  allowHosts?: readonly string[] | undefined;
  allowOrigins?: readonly string[] | undefined;
}

export interface ServeOptions extends ControlPlaneOptions {
  home: string;
  ws?: WsServeOptions | undefined;
}

export interface Serving {
  plane: ControlPlane;
  socketPath: string;
  ws: WebSocketEndpoint | null;
  tokenFile: string | null;
  /** What the person must be told at every start (e.g. a token sent in clear text). */
  warnings: string[];
  stop(): Promise<void>;
}

export { socketPathFor };

/** The built renderer: dist/renderer of the package this module is part of (run from the sources or from the built command). */
export function rendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'renderer');
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new BatonError('INVALID_INPUT', `${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Give a PEM file this user may read.`);
  }
}

interface WsPlan {
  tls: { cert: Buffer; key: Buffer } | undefined;
  staticDir: string | undefined;
  warnings: string[];
}

/** Everything about --ws that can be refused is refused here, before the control plane starts. */
function planWebSocket(ws: WsServeOptions): WsPlan {
  const address = `${ws.host.includes(':') && !ws.host.startsWith('[') ? `[${ws.host}]` : ws.host}:${ws.port}`;
  const warnings: string[] = [];
  if (!isLoopbackHost(ws.host) && ws.tls === undefined) {
    if (ws.insecureCleartextToken !== true) {
      throw new BatonError(
        'INVALID_INPUT',
        `--ws ${address} listens beyond this machine, and without TLS its token would cross the network in clear text, for anyone on the way to take. ` +
          'Serve it over TLS (--tls-cert FILE --tls-key FILE), or keep it on 127.0.0.1 and reach it through a tunnel (ssh -L 7420:127.0.0.1:7420 user@server), ' +
          'or, on a network you trust entirely, pass --insecure-cleartext-token.',
      );
    }
    warnings.push(
      `--insecure-cleartext-token: the WebSocket on ${address} is not encrypted. Its token, and everything the UI shows and sends, cross the network in clear text; ` +
        'anyone who can watch that network can take over this control plane. Use --tls-cert/--tls-key or an SSH tunnel instead.',
    );
  }
  const hosts = checkAllowedHosts(ws.allowHosts ?? []);
  if (hosts !== null) throw new BatonError('INVALID_INPUT', hosts);
  const origins = checkAllowedOrigins(ws.allowOrigins ?? []);
  if (origins !== null) throw new BatonError('INVALID_INPUT', origins);
  const tls = ws.tls === undefined ? undefined : { cert: readPem(ws.tls.certFile, '--tls-cert'), key: readPem(ws.tls.keyFile, '--tls-key') };
  const staticDir = ws.ui ? rendererDir() : undefined;
  if (staticDir && !existsSync(join(staticDir, 'index.html'))) {
    throw new BatonError('INVALID_INPUT', `--ui needs the built renderer in ${staticDir}: run npm run build first.`);
  }
  return { tls, staticDir, warnings };
}

export async function serve(options: ServeOptions): Promise<Serving> {
  const wsPlan = options.ws ? planWebSocket(options.ws) : null;
  const plane = await ControlPlane.start(options);
  const socketPath = socketPathFor(options.home);
  let ws: WebSocketEndpoint | null = null;
  let tokenFile: string | null = null;
  let socketServer: Awaited<ReturnType<typeof listenOnSocket>> | null = null;
  try {
    socketServer = await listenOnSocket(plane, socketPath);
    if (options.ws && wsPlan) {
      tokenFile = options.ws.tokenFile ?? join(options.home, 'ws-token');
      ws = await listenOnWebSocket(plane, {
        host: options.ws.host,
        port: options.ws.port,
        token: loadToken(tokenFile),
        staticDir: wsPlan.staticDir,
        tls: wsPlan.tls,
        allowHosts: options.ws.allowHosts,
        allowOrigins: options.ws.allowOrigins,
      });
    }
    const wsEndpoint = ws;
    const localServer = socketServer;
    return {
      plane,
      socketPath,
      ws,
      tokenFile,
      warnings: wsPlan?.warnings ?? [],
      async stop() {
        await wsEndpoint?.close();
        await new Promise<void>((r) => localServer.close(() => r()));
        await plane.stop();
      },
    };
  } catch (err) {
    await ws?.close();
    const local = socketServer;
    if (local) await new Promise<void>((r) => local.close(() => r()));
    await plane.stop();
    throw err;
  }
}
