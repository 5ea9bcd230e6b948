// Whose logs: a whole service or one replica. Other views link here with a hash:
// #/logs/<stack>/<service> or #/logs/replica/<container name>.
import type { ClusterSnapshot, LogsParams } from '../../../../shared/api.ts';

export type LogTarget = { kind: 'service'; stack: string; service: string } | { kind: 'replica'; name: string };

/** The target a hash names, or null (e.g. plain #/logs). Route segments are URI-encoded. */
export function targetFromHash(hash: string): LogTarget | null {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'logs' || parts.length < 3) return null;
  const decode = (s: string): string | null => {
    try {
      return decodeURIComponent(s);
    } catch {
      return null;
    }
  };
  const first = decode(parts[1]!);
  const rest = decode(parts.slice(2).join('/'));
  if (first === null || rest === null || first === '' || rest === '') return null;
  if (first === 'replica') return { kind: 'replica', name: rest };
  return { kind: 'service', stack: first, service: rest };
}

export function hashOfTarget(target: LogTarget | null): string {
  if (target === null) return '#/logs';
  if (target.kind === 'replica') return `#/logs/replica/${encodeURIComponent(target.name)}`;
  return `#/logs/${encodeURIComponent(target.stack)}/${encodeURIComponent(target.service)}`;
}

/** The select's value for a target: "service:shop/web" or "replica:shop_web.1.3-ab12". */
export function targetKey(target: LogTarget | null): string {
  if (target === null) return '';
  return target.kind === 'service' ? `service:${target.stack}/${target.service}` : `replica:${target.name}`;
}

export function targetFromKey(key: string): LogTarget | null {
  if (key.startsWith('service:')) {
    const ref = key.slice('service:'.length);
    const slash = ref.indexOf('/');
    if (slash <= 0) return null;
    return { kind: 'service', stack: ref.slice(0, slash), service: ref.slice(slash + 1) };
  }
  if (key.startsWith('replica:') && key.length > 'replica:'.length) return { kind: 'replica', name: key.slice('replica:'.length) };
  return null;
}

export function sameTarget(a: LogTarget | null, b: LogTarget | null): boolean {
  return targetKey(a) === targetKey(b);
}

export function describeTarget(target: LogTarget): string {
  return target.kind === 'service' ? `${target.stack}/${target.service}` : target.name;
}

/** A stack may be called "replica": #/logs/replica/web is then its service when no replica has that name. */
export function resolveTarget(target: LogTarget, cluster: Pick<ClusterSnapshot, 'services' | 'replicas'>): LogTarget {
  if (target.kind !== 'replica') return target;
  if (cluster.replicas.some((r) => r.name === target.name)) return target;
  const service = cluster.services.find((s) => s.stack === 'replica' && s.name === target.name);
  return service === undefined ? target : { kind: 'service', stack: 'replica', service: service.name };
}

export function logsParams(target: LogTarget, tail: number): LogsParams {
  return target.kind === 'service'
    ? { service: `${target.stack}/${target.service}`, tail, follow: true }
    : { replica: target.name, tail, follow: true };
}

export interface TargetOption {
  key: string;
  label: string;
}

export interface TargetGroup {
  label: string;
  options: TargetOption[];
}

/** The picker's choices: services, then each service's replicas by slot. */
export function targetGroups(cluster: Pick<ClusterSnapshot, 'services' | 'replicas'>): TargetGroup[] {
  const services = [...cluster.services].sort((a, b) => `${a.stack}/${a.name}`.localeCompare(`${b.stack}/${b.name}`));
  const groups: TargetGroup[] = [];
  if (services.length > 0) {
    groups.push({
      label: 'Services',
      options: services.map((s) => ({ key: targetKey({ kind: 'service', stack: s.stack, service: s.name }), label: `${s.stack}/${s.name}` })),
    });
  }
  for (const s of services) {
    const replicas = cluster.replicas
      .filter((r) => r.stack === s.stack && r.service === s.name)
      .sort((a, b) => a.slot - b.slot || a.name.localeCompare(b.name));
    if (replicas.length === 0) continue;
    groups.push({
      label: `Replicas of ${s.stack}/${s.name}`,
      options: replicas.map((r) => ({ key: targetKey({ kind: 'replica', name: r.name }), label: `${r.name} · ${r.host}${r.state === 'running' ? '' : ` · ${r.state}`}` })),
    });
  }
  return groups;
}
