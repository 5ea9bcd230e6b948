// The cluster picture → what one host's ingress serves, pure. A route per service port that takes
// traffic; in its pool, every replica that can take traffic now, wherever it runs, at its host's
// address and the host port Baton chose for it. `expose:` ports bind no host port: each host's
// ingress reaches its own replicas of them on Baton's network, and the others' through their
// ingress (a mesh route).
import type { PortSpec, ServiceSpec } from '../../../shared/stack.ts';
import { byServiceKey, isAvailable, serviceKey, type ObservedReplica } from '../reconcile/replica.ts';
import type { HostIngressModel, PoolServer, Route, RouteMode } from './ingress-model.ts';

export interface RouteInputs {
  /** The deployed services (their current spec). */
  services: readonly { stack: string; name: string; spec: ServiceSpec }[];
  /** Every replica the hosts show, including those of hosts out of touch (their last picture). */
  replicas: readonly ObservedReplica[];
  /** Baton host name → the address other hosts reach it at; a host without one serves only itself. */
  hostAddresses: ReadonlyMap<string, string>;
  /** Replicas being taken out of service: kept in the pools as draining until they are gone. */
  draining: ReadonlySet<string>;
}

/**
 * An `expose:` port binds nothing on the hosts, so a host reaches another host's replicas of it
 * through that host's ingress: on a mesh port, which answers only the cluster's hosts. Mesh ports
 * come from this range, below the kernel's ephemeral ports (Docker's random host ports), the same
 * on every host because every host's model is computed from the same services.
 */
export const MESH_PORTS = { first: 30_000, count: 2_000 } as const;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Route id → its mesh port, for every expose-only port of the cluster (stable while the route exists, but for a rare collision). */
export function meshPorts(services: RouteInputs['services']): Map<string, number> {
  const taken = new Set(publishedPorts(services));
  const ids: string[] = [];
  for (const svc of services) for (const p of svc.spec.ports) if (p.exposeOnly && p.protocol === 'tcp') ids.push(routeId(svc.stack, svc.name, p.target));
  const out = new Map<string, number>();
  for (const id of [...new Set(ids)].sort()) {
    let slot = hash(id) % MESH_PORTS.count;
    while (taken.has(MESH_PORTS.first + slot)) slot = (slot + 1) % MESH_PORTS.count;
    taken.add(MESH_PORTS.first + slot);
    out.set(id, MESH_PORTS.first + slot);
  }
  return out;
}

export function meshServerName(host: string): string {
  return `m_${host}`;
}

export function routeId(stack: string, service: string, targetPort: number, published?: number): string {
  return `${stack}.${service}.${targetPort}${published !== undefined ? `-${published}` : ''}`;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function serverName(replicaId: string): string {
  return `r_${replicaId.slice(0, 12)}`;
}

/**
 * HTTP unless the port says it speaks something else: in HTTP mode the ingress balances each
 * request and retries an idempotent one that failed on another replica, which TCP mode can't.
 */
export function routeMode(port: PortSpec): RouteMode {
  return port.appProtocol === undefined || port.appProtocol === 'http' ? 'http' : 'tcp';
}

/**
 * A replica is in a pool while it can take traffic (running, and healthy or without a health
 * check), or while it drains. Replicas of hosts Baton can't reach keep their last place: traffic
 * between hosts doesn't depend on the control plane, and the ingress's own checks decide.
 */
function poolServer(r: ObservedReplica, port: PortSpec, host: string, inputs: RouteInputs): PoolServer | null {
  const draining = inputs.draining.has(r.id);
  if (!(isAvailable(r) || (draining && r.state === 'running'))) return null;
  const state = draining ? 'drain' : 'ready';
  // its host port where it has one: Baton chose it, so it stays the same when Docker starts the
  // replica again (its address on Baton's network may not); `expose:` ports have none, and only
  // their own host's ingress reaches them, there
  const bound = port.exposeOnly ? undefined : r.ports.find((p) => p.containerPort === port.target && p.protocol === 'tcp');
  const address = inputs.hostAddresses.get(r.host);
  if (bound && address) return { name: serverName(r.id), address, port: bound.hostPort, state };
  if (r.host === host && r.address) return { name: serverName(r.id), address: r.address, port: port.target, state };
  return null;
}

/**
 * What `host`'s ingress serves. `blockedPorts`: published ports something else holds on that host;
 * their routes stay (discovery still works) but bind nothing there.
 */
export function hostIngressModel(inputs: RouteInputs, host: string, blockedPorts: ReadonlySet<number> = new Set()): HostIngressModel {
  const byService = byServiceKey(inputs.replicas);
  const routes: Route[] = [];
  const mesh = meshPorts(inputs.services);
  const allHosts = [...inputs.hostAddresses.values()].sort();
  for (const svc of inputs.services) {
    const replicas = byService.get(serviceKey(svc.stack, svc.name)) ?? [];
    const seen = new Set<number>();
    for (const port of svc.spec.ports) {
      if (port.protocol !== 'tcp') continue; // the ingress carries TCP; UDP ports are host-mode only
      const publish = port.mode === 'ingress' && port.published !== null && !port.exposeOnly ? port.published : null;
      // one route per container port serves discovery; a second published port of the same
      // container port gets a route of its own that only binds
      const first = !seen.has(port.target);
      seen.add(port.target);
      if (!first && publish === null) continue;
      const servers = replicas
        .map((r) => poolServer(r, port, host, inputs))
        .filter((s): s is PoolServer => s !== null)
        .sort(byName);
      const id = first ? routeId(svc.stack, svc.name, port.target) : routeId(svc.stack, svc.name, port.target, publish!);
      const meshPort = port.exposeOnly ? mesh.get(id) : undefined;
      if (meshPort !== undefined) {
        // this host's own replicas, for the other hosts' ingresses
        routes.push({
          id: `${id}-mesh`,
          stack: svc.stack,
          service: svc.name,
          targetPort: port.target,
          mode: 'tcp',
          publish: blockedPorts.has(meshPort) ? null : meshPort,
          discovery: false,
          servers,
          allowFrom: allHosts,
        });
      }
      // on an expose-only port, the others' replicas too: each host's as one server, its mesh route
      const pool = meshPort === undefined ? servers : [...servers, ...meshServers(replicas, host, meshPort, inputs)].sort(byName);
      routes.push({
        id,
        stack: svc.stack,
        service: svc.name,
        targetPort: port.target,
        mode: routeMode(port),
        publish: publish !== null && !blockedPorts.has(publish) ? publish : null,
        ...(publish !== null && port.hostIp ? { publishAddress: port.hostIp } : {}),
        discovery: first,
        servers: pool,
      });
    }
  }
  routes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { routes };
}

/**
 * Another host's replicas of an expose-only port, as one server: its mesh route. Ready while it has
 * a replica that takes traffic, draining while its last ones drain (their sessions finish there),
 * absent when it has none.
 */
function meshServers(replicas: readonly ObservedReplica[], host: string, meshPort: number, inputs: RouteInputs): PoolServer[] {
  const out: PoolServer[] = [];
  const byHost = new Map<string, { ready: boolean; draining: boolean }>();
  for (const r of replicas) {
    if (r.host === host) continue;
    const seen = byHost.get(r.host) ?? { ready: false, draining: false };
    if (inputs.draining.has(r.id)) seen.draining ||= r.state === 'running';
    else seen.ready ||= isAvailable(r);
    byHost.set(r.host, seen);
  }
  for (const [h, seen] of byHost) {
    const address = inputs.hostAddresses.get(h);
    if (!address || !(seen.ready || seen.draining)) continue;
    out.push({ name: meshServerName(h), address, port: meshPort, state: seen.ready ? 'ready' : 'drain' });
  }
  return out;
}

/**
 * The servers the running ingress has for hosts not listed yet (a control plane just started
 * knows nothing of them): kept in their routes as they are, so a restart of the control plane
 * doesn't empty a pool whose replicas run on. `unlisted`: those hosts' addresses.
 */
export function keepUnlisted(previous: HostIngressModel | null, next: HostIngressModel, unlisted: ReadonlySet<string>): HostIngressModel {
  if (!previous || unlisted.size === 0) return next;
  const before = new Map(previous.routes.map((r) => [r.id, r]));
  const routes = next.routes.map((route) => {
    const old = before.get(route.id);
    if (!old) return route;
    const have = new Set(route.servers.map((s) => s.name));
    const kept = old.servers.filter((s) => unlisted.has(s.address) && !have.has(s.name));
    return kept.length === 0 ? route : { ...route, servers: [...route.servers, ...kept].sort(byName) };
  });
  return { routes };
}

/** The published ports a host's ingress should bind (before any is found blocked). */
export function publishedPorts(services: RouteInputs['services']): number[] {
  const ports = new Set<number>();
  for (const s of services) for (const p of s.spec.ports) if (p.protocol === 'tcp' && p.mode === 'ingress' && p.published !== null && !p.exposeOnly) ports.add(p.published);
  return [...ports].sort((a, b) => a - b);
}
