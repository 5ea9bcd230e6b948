// What one host's ingress serves, as data: the routes (one per service port that takes traffic)
// and the servers in each route's pool. routes.ts derives it from the cluster picture; the config
// renderer and the runtime plan turn it into HAProxy's config file and Runtime API commands.
import type { LoopbackAddress } from '../../../shared/stack.ts';

/** How HAProxy handles a route's connections. */
export type RouteMode = 'http' | 'tcp';

export interface PoolServer {
  /** Stable and config-safe: `r_` + the replica's container id (first 12 characters). */
  name: string;
  /** The replica's host address as the ingress reaches it. */
  address: string;
  /** The replica's ephemeral host port for this route's container port. */
  port: number;
  /** ready: takes new traffic; drain: finishes what it has, takes nothing new (it is leaving). */
  state: 'ready' | 'drain';
}

export interface Route {
  /** Stable and config-safe ([a-z0-9_.-]): `<stack>.<service>.<targetPort>` (names have no dots); names the fe_/be_ sections. */
  id: string;
  stack: string;
  service: string;
  /** The container port. */
  targetPort: number;
  mode: RouteMode;
  /** The port bound on every host's addresses (a published port in ingress mode), or null. */
  publish: number | null;
  /** The published port is bound on the host's loopback only (`127.0.0.1:8080:80`); absent: on every address. */
  publishAddress?: LoopbackAddress;
  /** Serve discovery endpoints on the route's Unix socket (endpoint containers forward to it). */
  discovery: boolean;
  servers: PoolServer[];
  /**
   * Only these source addresses may connect to the published port (the cluster's hosts): set on
   * a mesh route, the way an `expose:` port's replicas on this host are reached from the others.
   */
  allowFrom?: string[];
}

export interface HostIngressModel {
  /** The routes this host's ingress serves, sorted by id; servers sorted by name. */
  routes: Route[];
}

/** Where things are inside the ingress container and on the host. */
export interface IngressPaths {
  /** Inside the container: the config file. */
  config: string;
  /** Inside the container: the folder of sockets (bind-mounted from the host). */
  socketDir: string;
}

export const INGRESS_PATHS: IngressPaths = {
  config: '/etc/baton-ingress/haproxy.cfg',
  socketDir: '/run/baton-ingress',
};

/** The admin socket, inside the container (`<socketDir>/admin.sock`). */
export function adminSocket(paths: IngressPaths = INGRESS_PATHS): string {
  return `${paths.socketDir}/admin.sock`;
}

/** A route's discovery socket, inside the container and inside endpoint containers. */
export function routeSocket(routeId: string, paths: IngressPaths = INGRESS_PATHS): string {
  return `${paths.socketDir}/ep/${routeId}.sock`;
}
