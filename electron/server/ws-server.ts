// The remote transport: the same wire protocol over a WebSocket (at /api), for a desktop app
// attached to a headless `baton serve` and for browser tests. A client must send its token first;
// nothing else is answered before that. The same HTTP server can serve the built renderer, so a
// browser page and its API share one origin.
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_CLOSE_UNAUTHORIZED, type WireResponse } from '../../shared/api.ts';
import type { ControlPlaneLike } from './control-plane-like.ts';
import { openWireConnection } from './wire.ts';

const AUTH_TIMEOUT_MS = 5000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface WebSocketListenOptions {
  host: string;
  port: number;
  token: string;
  /** Serve this folder (the built renderer) at `/`. */
  staticDir?: string | undefined;
}

export interface WebSocketEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function serveStatic(dir: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const file = normalize(join(dir, relative));
  if (!file.startsWith(normalize(dir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  res.end(readFileSync(file));
}

export async function listenOnWebSocket(plane: ControlPlaneLike, options: WebSocketListenOptions): Promise<WebSocketEndpoint> {
  const server = http.createServer((req, res) => {
    if (options.staticDir && req.method === 'GET') return serveStatic(options.staticDir, req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Baton API: connect a WebSocket to /api');
  });
  const wss = new WebSocketServer({ server, path: '/api', maxPayload: 16 * 1024 * 1024 });

  wss.on('connection', (socket: WebSocket) => {
    const send = (message: WireResponse) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    let wire: ReturnType<typeof openWireConnection> | null = null;
    const authTimer = setTimeout(() => socket.close(WS_CLOSE_UNAUTHORIZED, 'no token'), AUTH_TIMEOUT_MS);

    socket.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        send({ id: -1, error: { code: 'INVALID_INPUT', message: 'A message was not valid JSON.' } });
        return;
      }
      if (wire) return wire.receive(message);
      const token = typeof message === 'object' && message !== null ? (message as { auth?: unknown }).auth : undefined;
      if (!sameToken(token, options.token)) {
        const why =
          typeof token === 'string'
            ? 'That token is not this baton serve\'s: use the contents of its BATON_HOME/ws-token, on the machine it runs on.'
            : 'Send {"auth": TOKEN} first, with the token of this baton serve (in BATON_HOME/ws-token).';
        send({ id: -1, error: { code: 'UNAUTHORIZED', message: why } });
        socket.close(WS_CLOSE_UNAUTHORIZED, 'bad token');
        return;
      }
      clearTimeout(authTimer);
      wire = openWireConnection(plane, send, { transport: 'websocket' });
      send({ authed: true });
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      wire?.close();
    });
    socket.on('error', () => wire?.close());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `ws://${hostForUrl}:${port}/api`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

export function readToken(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
