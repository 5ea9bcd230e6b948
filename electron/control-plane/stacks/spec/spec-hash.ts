// The identity of a service revision: a hash of its spec, written on every replica
// (`baton.spec-hash`). Scaling is not a new revision, so replicas and autoscale stay out of it.
import { createHash } from 'node:crypto';
import type { ServiceSpec } from '../../../../shared/stack.ts';

/** JSON with object keys sorted at every level, so equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of the spec without `replicas` and `autoscale`. */
export function serviceSpecHash(spec: ServiceSpec): string {
  const { replicas: _replicas, autoscale: _autoscale, ...revision } = spec;
  return createHash('sha256').update(canonicalJson(revision)).digest('hex');
}

/**
 * What a replica's container is made of: the spec less what only steers the control plane
 * (replica count, autoscaling, how updates and rollbacks proceed, what it starts after). Replicas whose container hash
 * matches the current revision's are kept across a revision change: a new update_config alone
 * replaces nothing.
 */
export function containerSpecHash(spec: ServiceSpec): string {
  const { replicas: _r, autoscale: _a, update: _u, rollback: _b, rollout: _o, dependsOn: _d, ...container } = spec;
  return createHash('sha256').update(canonicalJson(container)).digest('hex');
}
