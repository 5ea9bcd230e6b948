// The topology's picture of the cluster, derived from one `cluster.snapshot`: hosts with the
// replicas they run, services grouped by stack, how each replica looks, and whether each service
// has converged to what was asked. Pure functions: no DOM, no React.
import type { ClusterSnapshot, Host, HostUsage, ReplicaStatus, ServiceStatus } from '../../../../shared/api.ts';
import { isConverged } from '../../../../shared/service-status.ts';
import { hostReservation, type ReservedAmount } from '../hosts/reservation.ts';

/** "shop/web": how the topology, the test hooks and `service.scale` name a service. */
export function serviceKey(service: { stack: string; name: string }): string {
  return `${service.stack}/${service.name}`;
}

export function replicaServiceKey(replica: ReplicaStatus): string {
  return `${replica.stack}/${replica.service}`;
}

/**
 * How a replica chip looks: its status in one word, and for one that is not running, why. On a
 * host that is not ready it is unknown, whatever Docker said last.
 */
export type ReplicaLook = 'healthy' | 'running' | 'starting' | 'unhealthy' | 'stopped' | 'created' | 'changing' | 'unknown';

export function replicaLook(replica: Pick<ReplicaStatus, 'state' | 'status'>): ReplicaLook {
  if (replica.status !== 'stopped') return replica.status;
  switch (replica.state) {
    case 'created':
      return 'created';
    case 'exited':
    case 'dead':
      return 'stopped';
    default:
      return 'changing'; // restarting, paused, removing
  }
}

export const LOOK_LABELS: Record<ReplicaLook, string> = {
  healthy: 'Running, healthy',
  running: 'Running, no health check',
  starting: 'Running, health check starting',
  unhealthy: 'Running, unhealthy',
  stopped: 'Exited',
  created: 'Created, not started',
  changing: 'Restarting or being removed',
  unknown: 'Unknown: its host is unreachable',
};

export interface HostNode {
  host: Host;
  usage: HostUsage | null;
  /** Sorted by service, then slot, so a service's replicas sit together. */
  replicas: ReplicaStatus[];
  /** Changes whenever anything this host's group shows changes; cheap to compare. */
  signature: string;
  /** Its replicas' names in order: changes only when chips come, go or move. */
  placement: string;
  /** Per replica of a service mid-rollout (replicas of more than one revision alive): old or new. */
  marks: ReadonlyMap<string, RevisionMark>;
}

export type RevisionMark = 'old' | 'new';

/** How a replica stands with the ingress, in words for its chip's title (none where no ingress runs). */
export const POOL_LABELS: Record<NonNullable<ReplicaStatus['pool']>, string> = {
  serving: 'in the ingress pool',
  draining: 'draining out of the ingress pool',
  out: 'out of the ingress pool',
};

/**
 * While a service's replicas span revisions (a rollout or a rollback running), each is marked as
 * the desired revision's or an older one's, so the topology colours them apart; otherwise none.
 */
export function revisionMarks(replicas: readonly ReplicaStatus[]): Map<string, RevisionMark> {
  const byService = new Map<string, Set<number>>();
  for (const r of replicas) {
    const key = replicaServiceKey(r);
    const set = byService.get(key) ?? new Set<number>();
    set.add(r.revision);
    byService.set(key, set);
  }
  const marks = new Map<string, RevisionMark>();
  for (const r of replicas) if ((byService.get(replicaServiceKey(r))?.size ?? 0) > 1) marks.set(r.name, r.current ? 'new' : 'old');
  return marks;
}

export interface ServiceNode {
  key: string;
  status: ServiceStatus;
  replicas: ReplicaStatus[];
  /** Replicas not on the desired revision. */
  outdated: number;
  /** Some replica is unhealthy, exited or unknown (on an unreachable host). */
  degraded: boolean;
}

export interface StackGroup {
  name: string;
  services: ServiceNode[];
}

export interface TopologyModel {
  hosts: HostNode[];
  services: ServiceNode[];
  stacks: StackGroup[];
  servicesByKey: Map<string, ServiceNode>;
  replicasByName: Map<string, ReplicaStatus>;
  hostsByName: Map<string, HostNode>;
}

// Names are ASCII (see ServiceRef), so plain comparison sorts them; localeCompare is far slower
// and this runs on every snapshot.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "web-2" before "web-10"; one collator for all (localeCompare with options builds one per call). */
const NATURAL = new Intl.Collator(undefined, { numeric: true });

function byServiceThenSlot(a: ReplicaStatus, b: ReplicaStatus): number {
  return compareText(a.stack, b.stack) || compareText(a.service, b.service) || a.slot - b.slot || compareText(a.name, b.name);
}

function hostSignature(host: Host, usage: HostUsage | null, replicas: readonly ReplicaStatus[]): string {
  const inv = host.inventory;
  const parts = [
    host.state,
    host.stateReason ?? '',
    inv === null ? '-' : `${inv.cpus}/${inv.memoryBytes}`,
    usage === null ? '-' : `${usage.nanoCpusReserved}/${usage.memoryBytesReserved}`,
    host.kind,
  ];
  for (const r of replicas) parts.push(`${r.name}:${r.state}:${r.health}:${r.current ? 1 : 0}:${r.hostReady ? 1 : 0}:${r.revision}:${r.pool ?? '-'}`);
  return parts.join('|');
}

export function buildTopology(snapshot: ClusterSnapshot): TopologyModel {
  const usageByHost = new Map(snapshot.usage.map((u) => [u.host, u]));
  const replicasByHost = new Map<string, ReplicaStatus[]>();
  const replicasByService = new Map<string, ReplicaStatus[]>();
  const replicasByName = new Map<string, ReplicaStatus>();
  for (const replica of snapshot.replicas) {
    replicasByName.set(replica.name, replica);
    push(replicasByHost, replica.host, replica);
    push(replicasByService, replicaServiceKey(replica), replica);
  }

  const allMarks = revisionMarks(snapshot.replicas);
  const hosts = [...snapshot.hosts]
    .sort((a, b) => NATURAL.compare(a.name, b.name))
    .map((host): HostNode => {
      const replicas = (replicasByHost.get(host.name) ?? []).sort(byServiceThenSlot);
      const usage = usageByHost.get(host.name) ?? null;
      const marks = new Map<string, RevisionMark>();
      for (const r of replicas) {
        const mark = allMarks.get(r.name);
        if (mark !== undefined) marks.set(r.name, mark);
      }
      const signature = `${hostSignature(host, usage, replicas)}|${[...marks].map(([n, m]) => `${n}=${m}`).join(',')}`;
      return { host, usage, replicas, signature, placement: replicas.map((r) => r.name).join(' '), marks };
    });

  const services = [...snapshot.services]
    .sort((a, b) => compareText(a.stack, b.stack) || compareText(a.name, b.name))
    .map((status): ServiceNode => {
      const key = serviceKey(status);
      const replicas = (replicasByService.get(key) ?? []).sort(byServiceThenSlot);
      return { key, status, replicas, outdated: replicas.filter((r) => !r.current).length, degraded: replicas.some(degraded) };
    });

  const stacks: StackGroup[] = [];
  for (const service of services) {
    const last = stacks.at(-1);
    if (last !== undefined && last.name === service.status.stack) last.services.push(service);
    else stacks.push({ name: service.status.stack, services: [service] });
  }

  return {
    hosts,
    services,
    stacks,
    servicesByKey: new Map(services.map((s) => [s.key, s])),
    replicasByName,
    hostsByName: new Map(hosts.map((h) => [h.host.name, h])),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

// ---------------------------------------------------------------- convergence

/** A scale request of this screen: being sent, or answered but not yet seen in a snapshot. */
export interface ScaleRequest {
  target: number;
  phase: 'sending' | 'sent';
}

export type ServicePhase = 'converged' | 'scaling' | 'updating' | 'degraded' | 'blocked';

export interface Convergence {
  desired: number;
  running: number;
  healthy: number;
  /** Can take traffic: running on a ready host, healthy or without a health check. */
  available: number;
  /** On hosts that are not ready; in no other count. */
  unknown: number;
  unknownHosts: string[];
  /** Running without a health check. */
  noHealthCheck: number;
  /** Per revision while more than one has replicas (a rollout), oldest first; else empty. */
  revisions: { revision: number; available: number }[];
  outdated: number;
  /** What was asked last: the request's target while one is active, else the desired count. */
  target: number;
  /** A request is in flight or the snapshot does not show it yet. */
  requesting: boolean;
  converged: boolean;
  phase: ServicePhase;
  /** Why the control plane can't place some replicas, in its words. */
  blockedBy: string | null;
}

export function requestActive(request: ScaleRequest | null, desired: number): request is ScaleRequest {
  return request !== null && (request.phase === 'sending' || request.target !== desired);
}

export function convergence(service: Pick<ServiceNode, 'status' | 'outdated' | 'degraded'>, request: ScaleRequest | null): Convergence {
  const { desired, running, healthy, available, unknown, unknownHosts, noHealthCheck, pending } = service.status;
  const requesting = requestActive(request, desired);
  const converged = !requesting && isConverged(service.status) && service.outdated === 0;
  let phase: ServicePhase;
  if (pending !== null && pending !== '') phase = 'blocked';
  else if (converged) phase = 'converged';
  else if (requesting) phase = 'scaling';
  else if (service.outdated > 0) phase = 'updating';
  else if (available < desired && service.degraded) phase = 'degraded';
  else phase = 'scaling';
  return {
    desired,
    running,
    healthy,
    available,
    unknown,
    unknownHosts,
    noHealthCheck,
    revisions: service.status.revisions.length > 1 ? service.status.revisions.map((r) => ({ revision: r.revision, available: r.available })) : [],
    outdated: service.outdated,
    target: requesting ? request.target : desired,
    requesting,
    converged: converged && phase === 'converged',
    phase,
    blockedBy: pending !== null && pending !== '' ? pending : null,
  };
}

/** "3 of 3 healthy", or for replicas without a health check "2 of 2 running (no health check)". */
export function convergedText(c: Pick<Convergence, 'desired' | 'healthy' | 'available' | 'noHealthCheck'>): string {
  if (c.healthy === c.desired) return `${c.healthy} of ${c.desired} healthy`;
  if (c.noHealthCheck === c.desired) return `${c.available} of ${c.desired} running (no health check)`;
  return `${c.available} of ${c.desired} available (${c.healthy} healthy, ${c.noHealthCheck} without a health check)`;
}

/** "1 unknown: h2 unreachable". */
export function unknownText(c: Pick<Convergence, 'unknown' | 'unknownHosts'>): string {
  return `${c.unknown} unknown: ${c.unknownHosts.join(', ')} unreachable`;
}

function degraded(replica: ReplicaStatus): boolean {
  const look = replicaLook(replica);
  return look === 'unhealthy' || look === 'stopped' || look === 'unknown';
}

/** For the sidebar badge: services whose replicas are not yet what was asked, and whether any is in trouble. */
export function clusterAttention(snapshot: Pick<ClusterSnapshot, 'services' | 'replicas'>): { unconverged: number; troubled: boolean } {
  // One pass over the replicas: the badge is computed on every snapshot, in the sidebar too.
  const byService = new Map<string, { outdated: number; degraded: boolean }>();
  for (const replica of snapshot.replicas) {
    const key = replicaServiceKey(replica);
    const entry = byService.get(key) ?? { outdated: 0, degraded: false };
    if (!replica.current) entry.outdated++;
    if (degraded(replica)) entry.degraded = true;
    byService.set(key, entry);
  }
  let unconverged = 0;
  let troubled = false;
  for (const status of snapshot.services) {
    const entry = byService.get(serviceKey(status));
    const c = convergence({ status, outdated: entry?.outdated ?? 0, degraded: entry?.degraded ?? false }, null);
    if (!c.converged) unconverged++;
    if (c.phase === 'blocked' || c.phase === 'degraded') troubled = true;
  }
  return { unconverged, troubled };
}

// ---------------------------------------------------------------- filter

export interface TopologyFilter {
  /** Lower-cased, trimmed; '' when not filtering. */
  needle: string;
  hosts: HostNode[];
  stacks: StackGroup[];
}

/**
 * Filter by service or host name: a host shows when its name matches or it runs a matching
 * service; a service shows when its name matches or it runs on a matching host.
 */
export function filterTopology(model: TopologyModel, text: string): TopologyFilter {
  const needle = text.trim().toLowerCase();
  if (needle === '') return { needle, hosts: model.hosts, stacks: model.stacks };
  const hostMatches = (name: string) => name.toLowerCase().includes(needle);
  const serviceMatches = (key: string) => key.toLowerCase().includes(needle);

  const hosts = model.hosts.filter(
    (h) => hostMatches(h.host.name) || h.replicas.some((r) => serviceMatches(replicaServiceKey(r))),
  );
  const stacks = model.stacks
    .map((stack) => ({
      name: stack.name,
      services: stack.services.filter((s) => serviceMatches(s.key) || s.replicas.some((r) => hostMatches(r.host))),
    }))
    .filter((stack) => stack.services.length > 0);
  return { needle, hosts, stacks };
}

/** While filtering, a replica that matches neither by its service nor by its host is dimmed. */
export function replicaDimmed(needle: string, replica: ReplicaStatus): boolean {
  if (needle === '') return false;
  return !replicaServiceKey(replica).toLowerCase().includes(needle) && !replica.host.toLowerCase().includes(needle);
}

// ---------------------------------------------------------------- host capacity

export interface Capacity {
  /** 0..1 or null when unknown (no inventory yet). */
  cpu: number | null;
  memory: number | null;
  cpusReserved: number;
  memoryReserved: number;
}

/** A bar's share: the reserved percent as a fraction, full at most (an over-reserved host shows full). */
const barFraction = (amount: ReservedAmount): number | null => (amount.percent === null ? null : Math.min(1, amount.percent / 100));

/** The host's reservation as the hosts table computes it (../hosts/reservation.ts), as bar shares. */
export function hostCapacity(node: Pick<HostNode, 'host' | 'usage'>): Capacity {
  const reservation = hostReservation(node.host, node.usage);
  return {
    cpu: barFraction(reservation.cpu),
    memory: barFraction(reservation.memory),
    cpusReserved: reservation.cpu.reserved,
    memoryReserved: reservation.memory.reserved,
  };
}

/** A reservation bar's value in words: "40 % reserved", or "capacity unknown". */
export function reservedText(fraction: number | null): string {
  return fraction === null ? 'capacity unknown' : `${Math.round(fraction * 100)} % reserved`;
}
