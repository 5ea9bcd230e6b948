// Which Host and Origin headers the WebSocket server answers. Any web page the person visits can
// make their browser send requests to 127.0.0.1 (an <img>, a WebSocket), and with DNS rebinding
// can even point its own name there and read the answers as same-origin. The Host header then
// names that page's site, not this server, and a WebSocket handshake's Origin names the page: so
// requests are answered only when Host is the address the server listens on, and handshakes only
// from this server's own UI or from a client that is no web page at all.
import net from 'node:net';

export interface HostGuardOptions {
  /** The address listened on, as given to listen() (no brackets around IPv6). */
  host: string;
  /** The port bound (the real one, after listening on 0). */
  port: number;
  tls: boolean;
  /** More names the server is reached by (a DNS name, a proxy, a tunnel on another port): NAME or NAME:PORT. */
  allowHosts?: readonly string[] | undefined;
  /** More page origins whose WebSocket handshakes are accepted (e.g. http://127.0.0.1:5173, a dev server). */
  allowOrigins?: readonly string[] | undefined;
}

export interface HostGuard {
  /** Whether a request with this Host header is addressed to this server. */
  hostAllowed(host: string | undefined): boolean;
  /**
   * Whether a WebSocket handshake with this Origin header is accepted. Accepted: no Origin (the CLI
   * and other programs send none), this server's own UI at an allowed Host, `file://` (Chromium's
   * Origin for the desktop app's packaged page: no web site can send it), and the allowed origins.
   * Refused: every other site, and `null`, which any web page can produce (a sandboxed iframe).
   */
  originAllowed(origin: string | undefined): boolean;
  /** The Host values accepted, for messages (`*` for any IP address of this machine). */
  readonly described: string[];
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

interface Authority {
  /** Lowercased; IPv6 in brackets, canonical (as the URL standard writes it). */
  hostname: string;
  port: number;
}

const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

/** Host header syntax only (no user info, path or spaces); null when it is anything else. */
function parseAuthority(value: string, defaultPort: number): Authority | null {
  const m = AUTHORITY.exec(value.trim());
  if (!m) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${m[1]!}`).hostname;
  } catch {
    return null;
  }
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { hostname, port };
}

/** The name as a Host header writes it: IPv6 literals in brackets. */
function hostnameFor(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return net.isIPv6(bare) ? `[${bare}]` : bare;
}

function namesFor(host: string): string[] {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return ['localhost', '127.0.0.1', '[::1]'];
  if (isLoopbackHost(bare)) return [hostnameFor(bare), 'localhost'];
  return [hostnameFor(bare)];
}

export function hostGuard(options: HostGuardOptions): HostGuard {
  const defaultPort = options.tls ? 443 : 80;
  const scheme = options.tls ? 'https:' : 'http:';
  const allowed = new Set<string>();
  const key = (a: Authority): string => `${a.hostname}:${a.port}`;
  const add = (value: string, port: number): void => {
    const a = parseAuthority(value, port);
    if (a !== null) allowed.add(key(a));
  };
  const wildcard = isWildcard(options.host);
  for (const name of wildcard ? ['localhost'] : namesFor(options.host)) add(name, options.port);
  for (const extra of options.allowHosts ?? []) add(extra, options.port);
  const extraOrigins = new Set<string>();
  for (const origin of options.allowOrigins ?? []) {
    try {
      extraOrigins.add(new URL(origin).origin);
    } catch {
      // refused when the options are made (see checkAllowedOrigins); nothing to add here
    }
  }

  const authorityAllowed = (a: Authority): boolean => {
    if (allowed.has(key(a))) return true;
    // Listening on every address: any IP literal of this machine is fine. DNS rebinding needs a name.
    return wildcard && a.port === options.port && net.isIP(a.hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
  };

  return {
    hostAllowed(host) {
      if (host === undefined) return false;
      const a = parseAuthority(host, defaultPort);
      return a !== null && authorityAllowed(a);
    },
    originAllowed(origin) {
      if (origin === undefined) return true;
      if (origin === 'file://') return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false;
      }
      if (url.origin === 'null') return false;
      if (extraOrigins.has(url.origin)) return true;
      if (url.protocol !== scheme || url.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
      const a = parseAuthority(url.host, defaultPort);
      return a !== null && authorityAllowed(a);
    },
    described: [...(wildcard ? [`*:${options.port}`] : []), ...allowed],
  };
}

/** Each --allow-origin must be an origin (scheme://host[:port]); the message says which is not. */
export function checkAllowedOrigins(origins: readonly string[]): string | null {
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return `--allow-origin ${origin}: write an origin, e.g. http://127.0.0.1:5173.`;
    }
    if (url.origin === 'null' || url.origin !== origin.replace(/\/$/, '').toLowerCase()) {
      return `--allow-origin ${origin}: write only scheme://host[:port], e.g. http://127.0.0.1:5173 (no path, no "null").`;
    }
  }
  return null;
}

/** Each --allow-host must be NAME or NAME:PORT; the message says which is not. */
export function checkAllowedHosts(hosts: readonly string[]): string | null {
  for (const host of hosts) {
    if (parseAuthority(host, 1) === null) return `--allow-host ${host}: write a name or address, optionally with a port (baton.example.com, 127.0.0.1:9000, [::1]:9000).`;
  }
  return null;
}
