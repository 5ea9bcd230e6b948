// Placement constraints as Swarm evaluates them: `field==value` / `field!=value`, values compared
// case-insensitively, a missing label read as "" (so it fails `==` and passes `!=`).
import type { PlacementConstraint } from '../../../shared/stack.ts';
import type { HostCandidate, PlacementRequest } from './types.ts';

export type FieldValue =
  | { kind: 'value'; value: string }
  | { kind: 'missing' } // a label the host doesn't have
  | { kind: 'unsupported' };

// Baton has one kind of host: every host is a "manager" in Swarm's terms, so node.role==worker
// never matches (and node.role!=worker always does).
const ROLE = 'manager';

/** What a host has for a constraint or spread field: node.hostname, node.role, node.labels.*, engine.labels.*. */
export function readField(host: HostCandidate, field: string): FieldValue {
  const fromLabels = (labels: Record<string, string>, key: string): FieldValue =>
    Object.hasOwn(labels, key) ? { kind: 'value', value: labels[key] ?? '' } : { kind: 'missing' };
  if (field === 'node.hostname') return { kind: 'value', value: host.hostname };
  if (field === 'node.role') return { kind: 'value', value: ROLE };
  if (field.startsWith('node.labels.')) return fromLabels(host.labels, field.slice('node.labels.'.length));
  if (field.startsWith('engine.labels.')) return fromLabels(host.engineLabels, field.slice('engine.labels.'.length));
  return { kind: 'unsupported' };
}

export function constraintMet(constraint: PlacementConstraint, host: HostCandidate): boolean {
  const found = readField(host, constraint.field);
  if (found.kind === 'unsupported') return false;
  const actual = found.kind === 'value' ? found.value : '';
  const equal = actual.toLowerCase() === constraint.value.toLowerCase();
  return constraint.op === '==' ? equal : !equal;
}

/** What the host has instead, for the message: "zone=us", "zone not set", "hostname=web-2". */
function whatHostHas(constraint: PlacementConstraint, host: HostCandidate): string {
  const { field } = constraint;
  const found = readField(host, field);
  if (found.kind === 'unsupported') return `Baton can't read ${field}`;
  if (field === 'node.role') return `every Baton host is a ${ROLE}`;
  if (field === 'node.hostname') return `hostname=${host.hostname}`;
  const engine = field.startsWith('engine.labels.');
  const key = field.slice((engine ? 'engine.labels.' : 'node.labels.').length);
  const label = engine ? `engine label ${key}` : key;
  return found.kind === 'value' ? `${label}=${found.value}` : `${label} not set`;
}

export function meetsConstraints(request: PlacementRequest, host: HostCandidate): string | null {
  const unmet = request.service.placement.constraints.filter((c) => !constraintMet(c, host));
  const [only] = unmet;
  if (only === undefined) return null;
  if (unmet.length === 1) return `constraint ${only.text} not met (${whatHostHas(only, host)})`;
  return `constraints not met: ${unmet.map((c) => `${c.text} (${whatHostHas(c, host)})`).join(', ')}`;
}
