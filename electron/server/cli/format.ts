// Terminal output: aligned tables for people, JSON for scripts.
import type { BatonEvent, Host, ReplicaStatus, ServiceStatus, StackPlan } from '../../../shared/api.ts';
import { formatBytes } from '../../control-plane/images/progress.ts';
import { describeChanges, describePlanBind, describePlanPort } from '../../../shared/plan-text.ts';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function hostAddress(host: Host): string {
  return host.ssh ? `${host.ssh.user}@${host.ssh.address}${host.ssh.port === 22 ? '' : `:${host.ssh.port}`}` : `unix://${host.socketPath}`;
}

export function hostsTable(hosts: Host[]): string {
  return table(
    ['NAME', 'STATE', 'ADDRESS', 'OS / ARCH', 'CPUS', 'MEMORY', 'DOCKER'],
    hosts.map((h) => [
      h.name,
      h.availability === 'drain' ? `${h.state}, drained` : h.state,
      hostAddress(h),
      h.inventory ? `${h.inventory.osType}/${h.inventory.architecture}` : '-',
      h.inventory ? String(h.inventory.cpus) : '-',
      h.inventory ? bytes(h.inventory.memoryBytes) : '-',
      h.inventory?.dockerVersion ?? '-',
    ]),
  );
}

export function hostDetail(host: Host): string {
  const inv = host.inventory;
  const rows: [string, string][] = [
    ['Name', host.name],
    ['State', host.state + (host.stateReason ? ` (${host.stateReason})` : '')],
    ['Address', hostAddress(host)],
    ['Auth', host.auth + (host.identityFile ? ` ${host.identityFile}` : '')],
    ['Host key', host.hostKeyFingerprint ?? '-'],
    ['Labels', Object.entries(host.labels).map(([k, v]) => `${k}=${v}`).join(', ') || '-'],
    ['Hostname', inv?.hostname ?? '-'],
    ['OS', inv ? `${inv.os} (${inv.osType}, kernel ${inv.kernel})` : '-'],
    ['Architecture', inv?.architecture ?? '-'],
    ['CPUs', inv ? String(inv.cpus) : '-'],
    ['Memory', inv ? bytes(inv.memoryBytes) : '-'],
    ['Docker', inv ? `${inv.dockerVersion} (API ${inv.apiVersion})` : '-'],
    ['Engine labels', inv?.engineLabels.join(', ') || '-'],
    ['Added', host.addedAt],
    ['Last seen', host.lastSeenAt ?? '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export function eventLine(e: BatonEvent): string {
  const subject = [e.host, e.stack, e.service, e.replica].filter(Boolean).join('/');
  const mark = e.severity === 'error' ? 'ERROR' : e.severity === 'warning' ? 'WARN ' : 'INFO ';
  return `${e.time}  ${mark} ${e.kind.padEnd(18)} ${subject ? subject + ': ' : ''}${e.message}`;
}

export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** AVAILABLE: available/desired; during a rollout, per revision ("rev 3: 2/3, rev 4: 1/3"). */
export function availableText(s: ServiceStatus): string {
  if (s.revisions.length <= 1) return `${s.available}/${s.desired}`;
  return s.revisions.map((r) => `rev ${r.revision}: ${r.available}/${s.desired}`).join(', ');
}

/** HEALTH: what the replicas are, each kind once ("3 healthy", "1 unknown (h2 unreachable)"). */
export function healthText(s: ServiceStatus): string {
  const parts = [
    s.healthy && `${s.healthy} healthy`,
    s.noHealthCheck && `${s.noHealthCheck} running (no health check)`,
    s.starting && `${s.starting} starting`,
    s.unhealthy && `${s.unhealthy} unhealthy`,
    s.stopped && `${s.stopped} not running`,
    s.unknown && `${s.unknown} unknown (${s.unknownHosts.join(', ')} unreachable)`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.join(', ') || (s.desired === 0 ? '-' : 'no replicas');
}

/** IMAGE: the one that serves, and the desired one beside it while that does not serve yet. */
export function imageText(s: ServiceStatus): string {
  return s.image === s.desiredImage ? s.image : `${s.image} (→ ${s.desiredImage})`;
}

export function servicesTable(services: ServiceStatus[]): string {
  return table(
    ['SERVICE', 'AVAILABLE', 'HEALTH', 'IMAGE', 'REV', 'PORTS', 'PENDING'],
    services.map((s) => [`${s.stack}/${s.name}`, availableText(s), healthText(s), imageText(s), String(s.revision), s.ports.join(', ') || '-', s.pending ?? '']),
  );
}

/** HEALTH of one replica: what Docker says, or unknown (with what it said last) when the host is not ready. */
export function replicaHealthText(r: ReplicaStatus): string {
  if (r.status === 'unknown') return `unknown (last: ${r.health === 'none' ? r.state : r.health})`;
  return r.health === 'none' ? 'no check' : r.health;
}

export function replicasTable(replicas: ReplicaStatus[], services: ServiceStatus[]): string {
  const rows = replicas.map((r) => [r.name, r.host + (r.hostReady ? '' : ' (unreachable)'), r.state, replicaHealthText(r), `${r.revision}${r.current ? '' : ' (old)'}`, age(r.createdAt), r.pool ?? '-']);
  const pending = services.filter((s) => s.pending).map((s) => `pending ${s.stack}/${s.name}: ${s.pending}`);
  return [rows.length ? table(['REPLICA', 'HOST', 'STATE', 'HEALTH', 'REV', 'AGE', 'TRAFFIC'], rows) : 'No replicas.', ...pending].join('\n');
}

export function planText(plan: StackPlan): string {
  const indent = ' '.repeat(12);
  const lines = plan.services.map((s) => {
    const where = s.hosts.length ? ` on ${[...new Set(s.hosts)].map((h) => `${h}×${s.hosts.filter((x) => x === h).length}`).join(', ')}` : '';
    const rev = s.revision !== null ? ` (revision ${s.revision})` : '';
    const details = [
      ...describeChanges(s),
      ...(s.pending ? [`pending: ${s.pending}`] : []),
      ...s.ports.map((p) => `port ${describePlanPort(p)}`),
      ...s.binds.map((b) => `bind ${describePlanBind(b)}${b.hostAccess !== null ? `  HOST ACCESS: ${b.hostAccess}` : ''}`),
      // what reaches into the host other than a bind mount (those are marked above)
      ...s.hostAccess.filter((h) => h.kind !== 'bind').map((h) => `HOST ACCESS: ${h.what}: ${h.why}`),
    ];
    return `  ${s.action.padEnd(9)} ${s.name}: ${s.replicas} replica(s)${rev}${where}${details.map((d) => `\n${indent}${d}`).join('')}`;
  });
  const warnings = plan.warnings.map((w) => `  warning: ${w.file}:${w.line}:${w.column}: ${w.message}`);
  // images no registry brings: copied over the SSH links, only the layers each host lacks
  const images = (plan.images ?? []).flatMap((i) =>
    i.needs.map((n) => `  image     ${i.image} → ${n.host}: ${n.action === 'tag' ? 'has it under another name: tag only' : `copy from ${i.source}, ${formatBytes(n.bytes)} (${n.layersMissing} of ${n.layers} layers${n.whole ? ', whole: containerd image store' : ''})`}`),
  );
  // images of `build:`: built where, or found built from the same context
  const builds = (plan.builds ?? []).map((b) => `  build     ${b.service}: ${b.image} ${b.action === 'up-to-date' ? `up to date (${b.reason})` : `${plan.applied ? 'built' : 'would be built'} ${b.reason}`}`);
  return [`${plan.applied ? 'Applied' : 'Plan for'} stack ${plan.stack}:`, ...lines, ...builds, ...images, ...warnings].join('\n');
}

/** A build.* event as the CLI prints it while `baton apply` runs; null for every other event. */
export function buildEventText(e: BatonEvent): string | null {
  if (!e.kind.startsWith('build.')) return null;
  const prefix = e.service !== null ? `${e.service} | ` : '';
  if (e.kind === 'build.output') {
    const lines = Array.isArray(e.data?.lines) ? (e.data.lines as unknown[]).map(String) : e.message.split('\n');
    return lines.map((l) => `${prefix}${l}`).join('\n');
  }
  return `${prefix}${e.message}`;
}
