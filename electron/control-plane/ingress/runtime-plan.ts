// How a running ingress gets from one model to the next, pure. When only pools changed (servers
// came, went, began draining or moved) the Runtime API does it in place, with no reload and no
// worker switch; anything else about a route changes binds or sections and needs the new config
// file and a reload. Either way the caller writes the new config file, so a later reload or a
// reboot comes back to the same set.
import type { HostIngressModel, PoolServer, Route } from './ingress-model.ts';
import { configAddress, configName, configPort, SERVER_OPTIONS, serverAddress } from './ingress-config.ts';

export type RuntimeStep =
  /** One Runtime API command line, sent as is. */
  | { kind: 'command'; line: string }
  /**
   * Take a server out for good: maintenance, close what it still has, delete it. `del server`
   * works only in maintenance with no connection left, which is why this is one step the executor
   * carries out in order (retrying the delete while the closed sessions wind down).
   */
  | { kind: 'remove'; backend: string; server: string };

export interface PoolPlan {
  /** Write the config and reload; commands is empty then. */
  reload: boolean;
  commands: RuntimeStep[];
}

export const backendName = (routeId: string): string => `be_${configName('route id', routeId)}`;

/** What of a route is in its frontend and backend sections, beyond the servers. */
function shape(route: Route): string {
  return JSON.stringify([route.mode, route.publish, route.publishAddress ?? null, route.discovery, route.allowFrom ?? null]);
}

export function planPoolChanges(before: HostIngressModel, after: HostIngressModel): PoolPlan {
  const old = new Map(before.routes.map((r) => [r.id, r]));
  if (old.size !== after.routes.length || after.routes.some((r) => old.get(r.id) === undefined || shape(old.get(r.id)!) !== shape(r))) {
    return { reload: true, commands: [] };
  }
  const commands: RuntimeStep[] = [];
  for (const route of after.routes) commands.push(...poolSteps(old.get(route.id)!, route));
  return { reload: false, commands };
}

function poolSteps(before: Route, after: Route): RuntimeStep[] {
  const backend = backendName(after.id);
  const target = (server: PoolServer) => `${backend}/${configName('server name', server.name)}`;
  const was = new Map(before.servers.map((s) => [s.name, s]));
  const now = new Set(after.servers.map((s) => s.name));
  const added: RuntimeStep[] = [];
  const changed: RuntimeStep[] = [];
  const removed: RuntimeStep[] = [];
  const line = (text: string): RuntimeStep => ({ kind: 'command', line: text });

  for (const server of after.servers) {
    const prev = was.get(server.name);
    if (prev === undefined) {
      // `add server` ignores default-server: the options are spelled out. The new server starts in
      // maintenance with its checks off; checks go on first so it is judged before it takes traffic.
      added.push(line(`add server ${target(server)} ${serverAddress(server)} ${SERVER_OPTIONS}`), line(`enable health ${target(server)}`));
      // A server that arrives already draining stays in maintenance: the config writes it `disabled`.
      if (server.state === 'ready') added.push(line(`enable server ${target(server)}`));
      continue;
    }
    if (prev.address !== server.address || prev.port !== server.port) {
      const address = configAddress(`address of server ${server.name}`, server.address);
      changed.push(line(`set server ${target(server)} addr ${address} port ${configPort(`port of server ${server.name}`, server.port)}`));
    }
    if (prev.state !== server.state) changed.push(line(`set server ${target(server)} state ${server.state}`));
  }
  for (const server of before.servers) {
    if (!now.has(server.name)) removed.push({ kind: 'remove', backend, server: configName('server name', server.name) });
  }
  // New servers first, departures last: the pool never shrinks before it has grown.
  return [...added, ...changed, ...removed];
}
