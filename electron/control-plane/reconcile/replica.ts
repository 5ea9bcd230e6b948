// A replica as the hosts show it. Labels make the hosts the truth about what runs: after any
// restart the control plane rebuilds this picture from them, never from memory.
import { z } from 'zod';

export const LABEL = {
  cluster: 'baton.cluster',
  stack: 'baton.stack',
  service: 'baton.service',
  slot: 'baton.slot',
  revision: 'baton.revision',
  specHash: 'baton.spec-hash',
} as const;

export type ReplicaHealth = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ObservedReplica {
  id: string;
  name: string;
  host: string;
  stack: string;
  service: string;
  slot: number;
  revision: number;
  containerHash: string;
  /** Docker's state: created, running, restarting, exited, dead, paused, removing. */
  state: string;
  health: ReplicaHealth;
  exitCode: number | null;
  /** Unix ms when Docker created it (from the list); used to tell newer from older. */
  createdMs: number;
  /** Host ports Docker bound for it: "tcp/8080" → 32768. */
  ports: { containerPort: number; protocol: string; hostPort: number }[];
  /** The last health check's output, trimmed (inspect only): why a failing replica fails. */
  healthOutput?: string;
  /** Its address on Baton's network (`baton`) on its own host, when Docker gave one: the host's ingress reaches it there directly. */
  address?: string;
}

export function serviceKey(stack: string, service: string): string {
  return `${stack}/${service}`;
}

/** Anything of a service (replicas, their metrics), grouped by "stack/service". */
export function byServiceKey<T extends { stack: string; service: string }>(items: Iterable<T>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = serviceKey(item.stack, item.service);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function replicaName(stack: string, service: string, slot: number, revision: number, short: string): string {
  return `${stack}_${service}.${slot}.${revision}-${short}`;
}

// What `GET /containers/json` gives that we rely on; anything else is ignored.
const ListedContainer = z.object({
  Id: z.string(),
  Names: z.array(z.string()),
  State: z.string(),
  Status: z.string(),
  Created: z.number(),
  Labels: z.record(z.string(), z.string()).nullable(),
  Ports: z
    .array(z.object({ PrivatePort: z.number(), PublicPort: z.number().optional(), Type: z.string() }))
    .nullable()
    .optional(),
  NetworkSettings: z.object({ Networks: z.record(z.string(), z.object({ IPAddress: z.string().optional() }).nullable()).nullable().optional() }).nullable().optional(),
});

const BATON_NETWORK_NAME = 'baton';

function addressOn(networks: Record<string, { IPAddress?: string | undefined } | null> | null | undefined): { address?: string } {
  const ip = networks?.[BATON_NETWORK_NAME]?.IPAddress;
  return ip ? { address: ip } : {};
}

function healthFromStatus(status: string): ReplicaHealth {
  if (status.includes('(healthy)')) return 'healthy';
  if (status.includes('(unhealthy)')) return 'unhealthy';
  if (status.includes('(health: starting)')) return 'starting';
  return 'none';
}

/**
 * A listed container → an ObservedReplica, or null when it is not a Baton replica of this cluster.
 * Containers with Baton's stack/service/slot labels but no cluster label are adopted.
 */
export function replicaFromListed(host: string, raw: unknown, clusterId: string): ObservedReplica | null {
  const parsed = ListedContainer.safeParse(raw);
  if (!parsed.success) return null;
  const c = parsed.data;
  const labels = c.Labels ?? {};
  const stack = labels[LABEL.stack];
  const service = labels[LABEL.service];
  const slot = Number(labels[LABEL.slot]);
  if (!stack || !service || !Number.isInteger(slot) || slot < 1) return null;
  const cluster = labels[LABEL.cluster];
  if (cluster !== undefined && cluster !== clusterId) return null; // another Baton's
  const exit = /^(?:Exited|Restarting) \((\d+)\)/.exec(c.Status);
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    host,
    stack,
    service,
    slot,
    revision: Number(labels[LABEL.revision] ?? 0) || 0,
    containerHash: labels[LABEL.specHash] ?? '',
    state: c.State,
    health: c.State === 'running' ? healthFromStatus(c.Status) : 'none',
    exitCode: exit ? Number(exit[1]) : null,
    createdMs: c.Created * 1000,
    ports: (c.Ports ?? []).filter((p) => p.PublicPort !== undefined).map((p) => ({ containerPort: p.PrivatePort, protocol: p.Type, hostPort: p.PublicPort! })),
    ...(c.State === 'running' ? addressOn(c.NetworkSettings?.Networks) : {}),
  };
}

// What `GET /containers/{id}/json` gives that we rely on. Unlike the list (served from a view
// Docker updates a moment later), inspect reads the container itself: right after a `die` event
// the list may still say "running", inspect says "exited".
const InspectedContainer = z.object({
  Id: z.string(),
  Name: z.string(),
  Created: z.string(),
  State: z.object({
    Status: z.string(),
    ExitCode: z.number().optional(),
    Health: z.object({ Status: z.string(), Log: z.array(z.object({ ExitCode: z.number().optional(), Output: z.string().optional() })).nullable().optional() }).nullable().optional(),
  }),
  Config: z.object({ Labels: z.record(z.string(), z.string()).nullable() }),
  NetworkSettings: z
    .object({
      Ports: z.record(z.string(), z.array(z.object({ HostPort: z.string() })).nullable()).nullable().optional(),
      Networks: z.record(z.string(), z.object({ IPAddress: z.string().optional() }).nullable()).nullable().optional(),
    })
    .optional(),
});

export function replicaFromInspect(host: string, raw: unknown, clusterId: string): ObservedReplica | null {
  const parsed = InspectedContainer.safeParse(raw);
  if (!parsed.success) return null;
  const c = parsed.data;
  const ports: ObservedReplica['ports'] = [];
  for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of bindings ?? []) if (b.HostPort) ports.push({ containerPort: Number(port), protocol: protocol ?? 'tcp', hostPort: Number(b.HostPort) });
  }
  const health = c.State.Health?.Status;
  const status =
    c.State.Status === 'running'
      ? `Up${health === 'healthy' ? ' (healthy)' : health === 'unhealthy' ? ' (unhealthy)' : health === 'starting' ? ' (health: starting)' : ''}`
      : `Exited (${c.State.ExitCode ?? 0})`;
  const replica = replicaFromListed(
    host,
    { Id: c.Id, Names: [c.Name], State: c.State.Status, Status: status, Created: Math.floor(Date.parse(c.Created) / 1000), Labels: c.Config.Labels, Ports: [], NetworkSettings: { Networks: c.NetworkSettings?.Networks ?? null } },
    clusterId,
  );
  const last = c.State.Health?.Log?.at(-1);
  const output = last?.Output?.trim().replace(/\s+/g, ' ').slice(0, 300);
  return replica && { ...replica, ports, exitCode: c.State.Status === 'running' ? null : (c.State.ExitCode ?? null), ...(output ? { healthOutput: output } : last ? { healthOutput: `exit code ${last.ExitCode ?? '?'}, no output` } : {}) };
}

/** Running and healthy, or running with no health check: it can take traffic. */
export function isAvailable(r: ObservedReplica): boolean {
  return r.state === 'running' && (r.health === 'healthy' || r.health === 'none');
}

/** Up, or on its way up: worth keeping. */
export function isAlive(r: ObservedReplica): boolean {
  return (r.state === 'running' || r.state === 'restarting') && r.health !== 'unhealthy';
}
