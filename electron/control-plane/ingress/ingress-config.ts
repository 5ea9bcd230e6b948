// The ingress's haproxy.cfg, pure: from one host's ingress model, the whole config text. The same
// model always gives the same text, so the caller can compare texts to know whether a reload is due.
//
// Each route gets a frontend `fe_<id>` (bound on the published port and/or the route's discovery
// socket) and a backend `be_<id>` with the pool. The servers written here are the same set the
// Runtime API puts in at run time (runtime-plan.ts): HAProxy forgets dynamic servers on reload, so
// the file must hold them too.
//
// Everything that goes into the text is checked against a strict alphabet first: names, addresses
// and paths come from Docker and from stack files, and a newline or a space in any of them would
// let a value write config lines of its own.
import { isIP } from 'node:net';
import { BatonError } from '../../../shared/errors.ts';
import { adminSocket, INGRESS_PATHS, routeSocket, type HostIngressModel, type IngressPaths, type PoolServer, type Route } from './ingress-model.ts';

/** The ring each HTTP request is logged into (see request-log.ts), and its size in bytes. */
export const REQUEST_RING = 'baton_requests';
/** About 700 lines: the last second's requests up to that rate, and a sample of the newest ones past it. */
const REQUEST_RING_BYTES = 32 * 1024;
/**
 * Backend and server names, the status, the server's response time in ms (%Tr: request sent →
 * response headers; -1 when none came), and the worker's request counter (%rt), which tells lines
 * read once from new ones. The names and status split each backend's new requests among its
 * replicas (metrics/server-estimate.ts).
 */
export const REQUEST_LOG_FORMAT = '%b %s %ST %Tr %rt';

/** How long an old worker may keep serving its connections after a reload (hard-stop-after). */
export const DEFAULT_GRACE_MS = 30_000;

// Health checks and passive checks, the same on config servers (through default-server) and on
// servers added at run time (`add server` ignores default-server, so it spells them out). All of
// these keywords are accepted by `add server` on HAProxy 2.6.
//   check inter 1s fall 2 rise 1: a replica that stops answering leaves within ~2 s, a healthy one
//     comes back after one good check.
//   observe layer4 error-limit 1 on-error mark-down: one failed connection of real traffic marks
//     the server down at once, without waiting for the next check.
export const SERVER_OPTIONS = 'check inter 1s fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down';

const NAME = /^[A-Za-z0-9_.-]+$/;
// Paths are ours (INGRESS_PATHS or a test's temp dir): no spaces, quotes or `#` are needed.
const PATH = /^\/[A-Za-z0-9_./-]*$/;
// sun_path holds 108 bytes with the terminating NUL.
const MAX_UNIX_PATH = 107;

/** A route id or server name, as it may appear in config and in Runtime API commands. */
export function configName(what: string, value: string): string {
  if (!NAME.test(value)) {
    throw new BatonError('INVALID_INPUT', `The ingress ${what} "${value.slice(0, 80)}" has characters HAProxy's config cannot take safely: use only letters, digits, "_", "." and "-".`);
  }
  return value;
}

export function configPort(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new BatonError('INVALID_INPUT', `The ingress ${what} ${String(value)} is not a TCP port: give a whole number from 1 to 65535.`);
  }
  return value;
}

/** An IP literal. Host names are refused: `add server` does not resolve them (init-addr none), the config would. */
export function configAddress(what: string, value: string): string {
  if (isIP(value) === 0) {
    throw new BatonError('INVALID_INPUT', `The ingress ${what} "${value.slice(0, 80)}" is not an IP address: give the host's IPv4 or IPv6 address, not a name.`);
  }
  return value;
}

function publishAddress(route: Route): string {
  if (route.publishAddress === undefined) return '';
  if (route.publishAddress !== '127.0.0.1' && route.publishAddress !== '::1') {
    throw new BatonError('INVALID_INPUT', `The ingress route ${route.id} binds its port to "${String(route.publishAddress).slice(0, 80)}": only a host's loopback (127.0.0.1 or ::1) can be bound on every host.`);
  }
  // HAProxy reads the port after the last colon; `ipv6@` says the address is v6
  return route.publishAddress === '::1' ? 'ipv6@::1' : route.publishAddress;
}

/** `addr:port`, with brackets for IPv6 so the port is not read as part of the address. */
export function serverAddress(server: Pick<PoolServer, 'name' | 'address' | 'port'>): string {
  const address = configAddress(`address of server ${server.name}`, server.address);
  const port = configPort(`port of server ${server.name}`, server.port);
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

function configPath(what: string, value: string, unixSocket: boolean): string {
  if (!PATH.test(value)) {
    throw new BatonError('INVALID_INPUT', `The ingress ${what} "${value.slice(0, 120)}" is not a plain absolute path: use only letters, digits, "_", ".", "-" and "/".`);
  }
  if (unixSocket && Buffer.byteLength(value) > MAX_UNIX_PATH) {
    throw new BatonError('INVALID_INPUT', `The ingress ${what} ${value} is longer than a Unix socket path may be (${MAX_UNIX_PATH} bytes): use a shorter socket folder or route id.`);
  }
  return value;
}

export interface RenderOptions {
  /** The uid allowed on the admin socket (the SSH user that runs the Runtime API commands). */
  adminUid: number;
  paths?: IngressPaths;
  /** How long an old worker may finish its connections after a reload, in ms (hard-stop-after). */
  grace?: number;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

export function renderIngressConfig(model: HostIngressModel, opts: RenderOptions): string {
  const paths = opts.paths ?? INGRESS_PATHS;
  if (!Number.isInteger(opts.adminUid) || opts.adminUid < 0) {
    throw new BatonError('INVALID_INPUT', `The ingress admin uid ${String(opts.adminUid)} is not a uid: give the numeric id of the user that runs Runtime API commands.`);
  }
  const grace = opts.grace ?? DEFAULT_GRACE_MS;
  const ids = new Set<string>();
  for (const route of model.routes) {
    if (ids.has(route.id)) throw new BatonError('INVALID_INPUT', `The ingress route ${route.id} appears twice: each route needs its own id.`);
    ids.add(route.id);
  }

  const lines = [
    '# Written by Baton from the cluster: edits here are lost at the next change.',
    'global',
    // master-worker: a reload (SIGUSR2 to the master) starts a new worker and lets the old one
    // finish its connections; expose-fd listeners hands the bound sockets over, so no connection
    // is refused during the switch.
    '  master-worker',
    `  stats socket ${configPath('admin socket', adminSocket(paths), true)} mode 600 level admin uid ${opts.adminUid} expose-fd listeners`,
    // An old worker held up by a long connection gives up after this, so reloads cannot pile up.
    `  hard-stop-after ${seconds(grace)}`,
    '  nbthread 1',
    '',
    // Every HTTP request's server response time, for the metrics' percentiles (show stat has only
    // averages): a line per request into a ring in memory, which the control plane reads once a
    // second while requests come (`show events …`, the whole ring: a few packets over the link,
    // where a stream of it is a packet per request). Bounded: the oldest lines are overwritten.
    `ring ${REQUEST_RING}`,
    '  format raw',
    '  maxlen 256',
    `  size ${REQUEST_RING_BYTES}`,
    '',
    'defaults',
    // Replicas are a hop or two away: a connect that takes a second is to a replica that is gone
    // (its SYNs dropped). Every request the balancer sends it meanwhile waits out this timeout
    // before its retry, so it is kept short: a stall of a second, not of several, for all of them.
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  timeout check 2s',
    // A connection that fails is retried, the last retry on another server: a replica that has just
    // gone costs a retry, not an error.
    '  retries 3',
    '  option redispatch 1',
  ];
  for (const route of model.routes) lines.push('', ...renderRoute(route, paths));
  return lines.join('\n') + '\n';
}

function renderRoute(route: Route, paths: IngressPaths): string[] {
  const id = configName('route id', route.id);
  if (route.mode !== 'http' && route.mode !== 'tcp') {
    throw new BatonError('INVALID_INPUT', `The ingress route ${id} has mode "${String(route.mode)}": use http or tcp.`);
  }
  const out: string[] = [];
  const binds: string[] = [];
  // v4 on all addresses is what the published ports need; replicas are reached over v4 too. A
  // port written `127.0.0.1:8080:80` is bound on the host's loopback alone.
  if (route.publish !== null) binds.push(`  bind ${publishAddress(route)}:${configPort(`published port of route ${id}`, route.publish)}`);
  // 666: endpoint containers connect as whatever user their image runs as. HAProxy does not make
  // the folder: `<socketDir>/ep` must exist before it starts or reloads, or the bind fails.
  if (route.discovery) binds.push(`  bind unix@${configPath(`socket of route ${id}`, routeSocket(id, paths), true)} mode 666`);
  if (binds.length > 0) {
    out.push(`frontend fe_${id}`, `  mode ${route.mode}`, ...binds);
    // a mesh route answers the cluster's hosts only: anyone else is refused before a byte is read
    if (route.allowFrom) out.push(`  tcp-request connection reject unless { src ${route.allowFrom.map((a) => configAddress(`allowed source of route ${id}`, a)).join(' ') || '0.0.0.0/32'} }`);
    // idle-close-on-response: a worker that a reload retires answers the next request on an idle
    // keep-alive connection (with `Connection: close`) instead of closing it under a client that
    // may be sending one at that moment, which the client would see as a reset
    if (route.mode === 'http') out.push('  option forwardfor', '  option idle-close-on-response', `  log ring@${REQUEST_RING} local0 info`, `  log-format "${REQUEST_LOG_FORMAT}"`);
    out.push(`  default_backend be_${id}`, '');
  }

  out.push(`backend be_${id}`, `  mode ${route.mode}`, '  balance roundrobin');
  if (route.mode === 'http') {
    // A request that failed on one server (refused, reset, empty answer, 5xx) goes to another, but
    // only when repeating it is harmless. retry-on is a backend keyword (HAProxy refuses it in a
    // frontend). No `option http-server-close`: keep-alive to the servers stays on.
    out.push('  retry-on all-retryable-errors', '  http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS');
  }
  out.push(`  default-server ${SERVER_OPTIONS}`);
  const names = new Set<string>();
  for (const server of route.servers) {
    const name = configName(`server name in route ${id}`, server.name);
    if (names.has(name)) throw new BatonError('INVALID_INPUT', `The ingress route ${id} has server ${name} twice: each replica needs its own name.`);
    names.add(name);
    // A draining server is written `disabled` (maintenance): the worker a reload starts sends it
    // nothing. Its current connections are not cut by that: they live in the old worker, which
    // keeps its own (drain) view of the server and finishes them, up to hard-stop-after.
    // `weight 0` would also take nothing new, but a later `set server … state ready` would leave
    // it at weight 0; from `disabled`, `state ready` is the one command that brings it back.
    out.push(`  server ${name} ${serverAddress(server)}${server.state === 'drain' ? ' disabled' : ''}`);
  }
  return out;
}

/**
 * The config of an endpoint proxy: a small HAProxy in its own container on Baton's network that
 * answers on a service's container ports and hands each connection to the host ingress's route
 * socket. It is plain TCP: the ingress's route does the HTTP work and the balancing.
 */
export function renderEndpointConfig(ports: { port: number; socket: string }[]): string {
  const seen = new Set<number>();
  const lines = [
    '# Written by Baton: an endpoint that forwards to the host ingress.',
    'global',
    '  nbthread 1',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
  ];
  for (const { port, socket } of [...ports].sort((a, b) => a.port - b.port)) {
    configPort('endpoint port', port);
    if (seen.has(port)) throw new BatonError('INVALID_INPUT', `The endpoint port ${port} appears twice: each container port needs one listener.`);
    seen.add(port);
    lines.push('', `listen ep_${port}`, `  bind :${port}`, `  server ingress unix@${configPath(`socket for port ${port}`, socket, true)}`);
  }
  return lines.join('\n') + '\n';
}
