// Words and numbers for the topology's details: a service's spec in a few lines, durations,
// resources. Pure.
import type { HealthSpec, Placement, Resources, ServiceSpec, UpdatePolicy } from '../../../../shared/stack.ts';
import { formatBytes } from '../hosts/format.ts';
import type { MetricsFrame } from '../../../../shared/metrics.ts';
import type { PlanPort } from '../../../../shared/api.ts';

/** 1.5e9 → "1.5 CPUs", 2.5e8 → "0.25 CPU". */
export function formatNanoCpus(nanoCpus: number): string {
  const cpus = Math.round((nanoCpus / 1e9) * 100) / 100;
  return `${cpus} ${cpus === 1 || cpus < 1 ? 'CPU' : 'CPUs'}`;
}

/** 90_000 → "1 min 30 s", 500 → "500 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; the future and bad dates as written. */
export function formatAgo(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const s = Math.round((now - at) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export interface SpecRow {
  label: string;
  value: string;
}

function resources(r: Resources): string | null {
  const parts: string[] = [];
  if (r.nanoCpus !== null) parts.push(formatNanoCpus(r.nanoCpus));
  if (r.memoryBytes !== null) parts.push(formatBytes(r.memoryBytes));
  return parts.length === 0 ? null : parts.join(', ');
}

function placementText(placement: Placement): string {
  const parts = [
    ...placement.constraints.map((c) => c.text),
    ...placement.spreadOver.map((label) => `spread over ${label}`),
    ...(placement.maxReplicasPerHost !== null ? [`at most ${placement.maxReplicasPerHost} per host`] : []),
  ];
  return parts.length === 0 ? 'any host' : parts.join('; ');
}

function healthText(health: HealthSpec | null): string {
  if (health === null) return 'none (running replicas count as available, not healthy)';
  const [form, ...rest] = health.test;
  if (form === 'NONE') return 'disabled';
  const command = form === 'CMD' || form === 'CMD-SHELL' ? rest.join(' ') : health.test.join(' ');
  return `${command}, every ${formatDuration(health.intervalMs)}, ${health.retries} ${health.retries === 1 ? 'retry' : 'retries'}`;
}

function updateText(update: UpdatePolicy): string {
  const batch = update.parallelism === 0 ? 'all at once' : `${update.parallelism} at a time`;
  return `${batch}, ${update.order}, on failure: ${update.failureAction}`;
}

/**
 * The parts of a service's spec (as service.inspect sends it) a person checks first: command,
 * resources, placement, health check, restart and update policies.
 */
export function specSummary(spec: ServiceSpec): SpecRow[] {
  const rows: SpecRow[] = [];
  if (spec.entrypoint !== null && spec.entrypoint.length > 0) rows.push({ label: 'Entrypoint', value: spec.entrypoint.join(' ') });
  if (spec.command !== null && spec.command.length > 0) rows.push({ label: 'Command', value: spec.command.join(' ') });
  rows.push({ label: 'Reserves', value: resources(spec.reservations) ?? 'nothing (no reservation set)' });
  const limits = resources(spec.limits);
  if (limits !== null) rows.push({ label: 'Limited to', value: limits });
  rows.push({ label: 'Placement', value: placementText(spec.placement) });
  rows.push({ label: 'Health check', value: healthText(spec.healthcheck) });
  const max = spec.restart.maxAttempts;
  rows.push({ label: 'Restart', value: `${spec.restart.condition}${max === null ? '' : `, at most ${max} attempts`}` });
  rows.push({ label: 'Updates', value: updateText(spec.update) });
  if (spec.networks.length > 0) rows.push({ label: 'Networks', value: spec.networks.join(', ') });
  if (spec.secrets.length > 0) rows.push({ label: 'Secrets', value: spec.secrets.map((s) => s.source).join(', ') });
  return rows;
}

/** The service's labels from its spec (not the container labels Baton adds), by name. */
export function specLabels(spec: ServiceSpec): Array<[string, string]> {
  return Object.entries(spec.labels).sort(([a], [b]) => a.localeCompare(b));
}

/** A host's traffic: requests/s in through its own ingress, and served by its replicas (from any host's ingress). */
export interface HostTraffic {
  ingress: number | null;
  served: number | null;
}

/** host → its traffic, from one frame; hosts the frame has neither figure for are left out. */
export function requestsByHost(frame: MetricsFrame): Map<string, HostTraffic> {
  const out = new Map<string, HostTraffic>();
  for (const h of frame.hosts) {
    // `ingress` is absent from the frames of a control plane that does not send it
    const ingress = h.ingress?.perSec ?? null;
    const served = h.requests?.perSec ?? null;
    if (ingress !== null || served !== null) out.set(h.host, { ingress, served });
  }
  return out;
}

/** "0 req/s", "12 req/s", "3.4k req/s". */
export function requestsText(perSec: number): string {
  if (perSec >= 1000) return `${(perSec / 1000).toFixed(perSec >= 10_000 ? 0 : 1)}k req/s`;
  return `${perSec >= 10 || Number.isInteger(perSec) ? Math.round(perSec) : perSec.toFixed(1)} req/s`;
}

/** A service's published port as its node shows it, ":8080 → 80/tcp", with what it means; null for one not published. */
export function publishedPort(port: PlanPort): { text: string; title: string } | null {
  if (port.published === null || (port.reach !== 'ingress' && port.reach !== 'host')) return null;
  if (port.hostIp !== undefined) {
    const on = port.hostIp === '::1' ? '[::1]' : port.hostIp;
    return { text: `${on}:${port.published} → ${port.target}/${port.protocol}`, title: `Port ${port.published} on each host's loopback (${port.hostIp}) alone, balanced over the replicas' ${port.target}/${port.protocol}` };
  }
  const text = `:${port.published} → ${port.target}/${port.protocol}`;
  if (port.reach === 'host') return { text: `${text} host`, title: `Port ${port.published} of the host each replica runs on, to its ${port.target}/${port.protocol}` };
  return { text, title: `Port ${port.published} on every host's ingress, balanced over the replicas' ${port.target}/${port.protocol}` };
}
