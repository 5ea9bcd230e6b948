// The clusters and a Swarm cluster's stacks, as the CLI prints them.
import type { Cluster, SwarmHistoryEntry, SwarmNodeRow, SwarmPlan, SwarmRolloutStatus, SwarmServiceRow, SwarmTaskRow } from '../../../shared/cluster.ts';
import { table } from './format.ts';

export function clustersTable(clusters: Cluster[]): string {
  const rows = clusters.map((c) => [
    c.current ? '*' : '',
    c.name,
    c.kind,
    c.kind === 'baton' ? 'Baton' : c.managers.map((m) => `${m.hostname}${m.leader ? '*' : ''}`).join(',') || '-',
    c.kind === 'baton' ? `${c.quorum.reachable}/${c.quorum.total} hosts ready` : `${c.quorum.reachable}/${c.quorum.total}${c.quorum.ok ? '' : ' (no quorum)'}`,
    c.target === null ? '' : `${c.target}${c.knownManagers.length > 1 ? ` (${c.knownManagers.length - 1} more known)` : ''}`,
  ]);
  const problems = clusters.filter((c) => c.problem !== null).map((c) => `${c.name}: ${c.problem}`);
  return [table(['CURRENT', 'NAME', 'KIND', 'MANAGERS', 'QUORUM', 'USING'], rows), ...(problems.length > 0 ? ['', ...problems] : [])].join('\n');
}

export function swarmPlanText(plan: SwarmPlan): string {
  const would = plan.dryRun ? 'would be ' : '';
  const lines = [`Stack ${plan.stack} on Swarm cluster ${plan.cluster}${plan.dryRun ? ' (dry run: nothing changed)' : ''}:`];
  for (const e of plan.services) {
    const what = e.action === 'create' ? `${would}created` : e.action === 'update' ? `${would}updated (${e.changes.join(', ')})` : 'unchanged';
    lines.push(`  ${e.service.padEnd(16)} ${e.swarmService}: ${what}, ${e.replicas} replica${e.replicas === 1 ? '' : 's'}`);
  }
  const sign = { error: 'error', warning: 'warning', onTop: 'Baton on top' } as const;
  for (const n of plan.notes) lines.push(`${n.line > 0 ? `line ${n.line}: ` : ''}${sign[n.severity]}: ${n.path}: ${n.message}`);
  return lines.join('\n');
}

export function swarmServicesTable(rows: SwarmServiceRow[]): string {
  if (rows.length === 0) return 'No stacks on this Swarm cluster. Deploy one with: baton apply -f stack.yaml --cluster NAME';
  return table(
    ['STACK', 'SERVICE', 'REPLICAS', 'IMAGE', 'UPDATE', 'PORTS'],
    rows.map((r) => [r.stack, r.service, `${r.running}/${r.desired}`, r.image, r.update ?? '-', r.ports.join(', ')]),
  );
}

export function swarmTasksTable(rows: SwarmTaskRow[]): string {
  return table(
    ['TASK', 'NODE', 'DESIRED', 'STATE', 'IMAGE', 'ERROR'],
    rows.map((t) => [t.name, t.node, t.desired, t.state, t.image, t.error ?? '']),
  );
}

/** A Swarm's nodes as `baton host ls --cluster` prints them. */
export function swarmNodesTable(rows: SwarmNodeRow[]): string {
  const body = table(
    ['NAME', 'ADDRESS', 'ROLE', 'MANAGER', 'AVAILABILITY', 'STATE', 'ENGINE'],
    rows.map((n) => [n.hostname, n.address, n.role, n.manager === null ? '-' : n.manager.leader ? 'leader' : n.manager.reachability, n.availability, n.state, n.engine]),
  );
  const notes = rows.filter((n) => n.message !== null).map((n) => `${n.hostname}: ${n.message}`);
  return [body, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

const PHASE_WORDS: Record<SwarmRolloutStatus['phase'], string> = {
  none: 'never updated',
  updating: 'updating',
  paused: 'paused by Swarm',
  completed: 'completed',
  'rolling-back': 'rolling back',
  'rollback-paused': 'rollback paused by Swarm',
  'rolled-back': 'rolled back',
};

/** `baton rollout status SERVICE --cluster X`. */
export function swarmRolloutText(s: SwarmRolloutStatus): string {
  const lines = [
    `${s.swarmService} on Swarm cluster ${s.cluster}: ${PHASE_WORDS[s.phase]}${s.state !== null ? ` (Swarm: ${s.state})` : ''}`,
    `  image ${s.image}${s.previousImage !== null && s.previousImage !== s.image ? `, previous ${s.previousImage}` : ''}`,
    `  tasks: ${s.running} running of ${s.desired}, ${s.runningCurrent} on the current image`,
  ];
  if (s.startedAt !== null) lines.push(`  started ${s.startedAt}${s.completedAt !== null ? `, done ${s.completedAt}` : ''}`);
  if (s.message !== null) lines.push(`  Swarm says: ${s.message}`);
  if (s.phase === 'paused' || s.phase === 'rollback-paused') lines.push(`  Go on with: baton rollout resume ${s.service} --cluster ${s.cluster}; or go back: baton rollout undo ${s.service} --cluster ${s.cluster}`);
  return lines.join('\n');
}

/** `baton rollout history SERVICE --cluster X`: Swarm keeps two specs. */
export function swarmHistoryText(entries: SwarmHistoryEntry[]): string {
  const body = table(['SPEC', 'IMAGE', 'REPLICAS', 'CHANGED'], entries.map((e) => [e.which, e.image, String(e.replicas), e.changes.join(',') || '-']));
  return `${body}\n\nSwarm keeps the current spec and the one before it, nothing older: undo goes back to "previous" (and a second undo forward again).`;
}
