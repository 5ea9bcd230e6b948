// The remote transport: the same wire protocol over a WebSocket (at /api), for a desktop app
// attached to a headless `baton serve` and for browsers. The same HTTP(S) server can serve the
// built renderer, so a browser page and its API share one origin. What reaches it may come from
// any web page the person visits (their browser can be made to send anything to 127.0.0.1), so
// every request is checked before it is answered: its Host must be this server's (DNS
// rebinding), a handshake's Origin this server's UI or none (host-guard.ts), and no request may
// throw out of the handlers (a 400 or a 500, and the server goes on). A client must then sign in
// with the token (ws-session.ts), and few may be waiting to do so at once.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AuthThrottle, throttleKey } from './auth-throttle.ts';
import type { ControlPlaneLike } from './control-plane-like.ts';
import { hostGuard, type HostGuard } from './host-guard.ts';
import { plainText, requestPath, SECURITY_HEADERS, serveStatic } from './static-files.ts';
import { startSession } from './ws-session.ts';

/** Sockets upgraded but not signed in yet; one more is refused with 503 until some are settled. */
export const MAX_UNAUTHENTICATED = 16;
/** The largest message a signed-in client may send (a stack file with everything in it). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface WebSocketListenOptions {
  host: string;
  port: number;
  token: string;
  /** Serve this folder (the built renderer) at `/`. */
  staticDir?: string | undefined;
  /** Serve over TLS (wss:// and https://): the PEM certificate chain and private key. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** More Host names this server answers to (NAME or NAME:PORT), see host-guard.ts. */
  allowHosts?: readonly string[] | undefined;
  /** More page origins whose WebSocket handshakes are accepted, see host-guard.ts. */
  allowOrigins?: readonly string[] | undefined;
  /** Shared by every connection; a test may pass its own. */
  throttle?: AuthThrottle | undefined;
}

export interface WebSocketEndpoint {
  url: string;
  /** Where a browser opens the UI (also when no UI is served: the API's origin). */
  uiUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Ends an upgrade request with a plain HTTP answer (the socket has not become a WebSocket). */
function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${text}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries({ ...SECURITY_HEADERS, ...headers }).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function hostRefusal(guard: HostGuard, host: string | undefined): string {
  return `This server answers to ${guard.described.join(', ')}, not ${host === undefined ? '(no Host header)' : JSON.stringify(host)}. A page of another site can't reach it (DNS rebinding). If you reach it by another name or port (a DNS name, a proxy, a tunnel), start baton serve with --allow-host NAME[:PORT].`;
}

export async function listenOnWebSocket(plane: ControlPlaneLike, options: WebSocketListenOptions): Promise<WebSocketEndpoint> {
  const host = options.host.replace(/^\[(.*)\]$/, '$1');
  const tls = options.tls !== undefined;
  const throttle = options.throttle ?? new AuthThrottle();
  let guard: HostGuard | null = null; // known once the port is
  let unauthenticated = 0;

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      if (guard === null) return plainText(res, 503, 'Starting; try again.');
      if (!guard.hostAllowed(req.headers.host)) return plainText(res, 421, hostRefusal(guard, req.headers.host), { connection: 'close' });
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return plainText(res, 405, `${req.method ?? 'That method'} is not answered here: the UI is read with GET, the API is a WebSocket at /api.`, { allow: 'GET, HEAD', connection: 'close' });
      }
      const target = requestPath(req.url);
      if (!target.ok) return plainText(res, 400, target.why, { connection: 'close' });
      if (!options.staticDir) return plainText(res, 404, 'Baton API: connect a WebSocket to /api');
      serveStatic(options.staticDir, target.path, req.method === 'HEAD', res);
    } catch {
      // whatever went wrong, this request fails alone
      if (!res.headersSent) plainText(res, 500, 'Internal error: this request failed; the server goes on.', { connection: 'close' });
      else res.destroy();
    }
  };
  const server = tls ? https.createServer({ cert: options.tls!.cert, key: options.tls!.key, minVersion: 'TLSv1.2' }, onRequest) : http.createServer(onRequest);
  // a client that trickles its headers in holds a connection: not for long
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      if (guard === null) return refuseUpgrade(socket, 503, 'Starting; try again.');
      if (!guard.hostAllowed(req.headers.host)) return refuseUpgrade(socket, 421, hostRefusal(guard, req.headers.host));
      const target = requestPath(req.url);
      if (!target.ok || target.path !== '/api') return refuseUpgrade(socket, 404, 'The WebSocket API is at /api.');
      const origin = req.headers.origin ?? req.headers['sec-websocket-origin'];
      if (typeof origin === 'string' ? !guard.originAllowed(origin) : origin !== undefined) {
        return refuseUpgrade(socket, 403, `A page from ${String(origin)} may not use this server's API: only its own UI may (or a program that sends no Origin). To allow another page, start baton serve with --allow-origin ORIGIN.`);
      }
      if (unauthenticated >= MAX_UNAUTHENTICATED) {
        return refuseUpgrade(socket, 503, `${MAX_UNAUTHENTICATED} connections are already waiting to sign in; try again in a few seconds.`, { 'retry-after': '5' });
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        unauthenticated++;
        startSession(plane, ws, socket, {
          token: options.token,
          throttle,
          address: throttleKey(req.socket.remoteAddress ?? 'unknown'),
          settled: () => unauthenticated--,
        });
      });
    } catch {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  guard = hostGuard({ host, port, tls, allowHosts: options.allowHosts, allowOrigins: options.allowOrigins });
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${tls ? 'wss' : 'ws'}://${hostForUrl}:${port}/api`,
    uiUrl: `${tls ? 'https' : 'http'}://${hostForUrl}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
