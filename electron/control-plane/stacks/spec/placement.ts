// deploy.placement: constraints ("node.hostname == web-1", "node.labels.zone!=eu"), preferences
// (spread), max_replicas_per_node.
import type { Placement, PlacementConstraint } from '../../../../shared/stack.ts';
import { anyPlacement } from './defaults.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { closest } from './suggest.ts';
import { isDict, readInt } from './values.ts';

const FIELDS = ['node.hostname', 'node.role'];
const LABEL_FIELD = /^(node|engine)\.labels\.(.+)$/;

export function parseConstraint(text: string): PlacementConstraint | { error: string } {
  const m = /^\s*([^\s=!]+)\s*(==|!=)\s*(.*?)\s*$/.exec(text);
  if (!m) {
    const hint = /[^=!]=[^=]/.test(text) ? ' (compare with == or !=)' : '';
    return { error: `"${text}" is not a constraint${hint}: write it like "node.hostname == web-1" or "node.labels.zone != eu"` };
  }
  const [, field = '', op, value = ''] = m;
  if (value === '') return { error: `"${text}" has nothing to compare ${field} with` };
  if (FIELDS.includes(field) || LABEL_FIELD.test(field)) return { field, op: op as PlacementConstraint['op'], value, text };
  if (field === 'node.id') return { error: `"${text}": Baton hosts have no Swarm node id; use node.hostname` };
  if (field.startsWith('node.platform.')) return { error: `"${text}": ${field} is not supported yet; label the hosts and use node.labels.<key>` };
  return { error: `"${text}": ${field} is not a field Baton knows${suggestField(field)}; use node.hostname, node.role, node.labels.<key> or engine.labels.<key>` };
}

function suggestField(field: string): string {
  const direct = closest(field, FIELDS);
  if (direct) return ` (did you mean \`${direct}\`?)`;
  const [scope = '', kind = '', ...rest] = field.split('.');
  if (rest.length > 0) {
    const prefix = closest(`${scope}.${kind}`, ['node.labels', 'engine.labels']);
    if (prefix) return ` (did you mean \`${prefix}.${rest.join('.')}\`?)`;
  }
  return '';
}

export function readPlacement(ctx: SpecContext, path: Path, value: unknown): Placement {
  const placement = anyPlacement();
  if (!isDict(value)) return placement;
  if (Array.isArray(value.constraints)) {
    value.constraints.forEach((c, i) => {
      if (typeof c !== 'string') return;
      const parsed = parseConstraint(c);
      if ('error' in parsed) ctx.problems.error([...path, 'constraints', i], parsed.error);
      else placement.constraints.push(parsed);
    });
  }
  if (Array.isArray(value.preferences)) {
    value.preferences.forEach((p, i) => {
      if (!isDict(p) || typeof p.spread !== 'string') return;
      const spread = p.spread.trim();
      if (LABEL_FIELD.test(spread)) placement.spreadOver.push(spread);
      else ctx.problems.error([...path, 'preferences', i, 'spread'], `can only spread over host labels, like node.labels.zone (got "${spread}")`);
    });
  }
  if (value.max_replicas_per_node !== undefined) {
    const max = readInt(ctx.problems, [...path, 'max_replicas_per_node'], value.max_replicas_per_node, { min: 0 });
    // 0 means "no limit", as in Swarm.
    if (max !== undefined && max > 0) placement.maxReplicasPerHost = max;
  }
  return placement;
}
