// What a replica's details offer a person: restart it in place, stop it (the reconciler replaces
// it), remove it (its service keeps one fewer). The words of each, what each needs, and what the
// answer means. Pure: ReplicaActions.tsx shows them and sends the calls.
import type { ReplicaStatus, ServiceStatus } from '../../../../shared/api.ts';

export const REPLICA_ACTIONS = ['restart', 'stop', 'remove'] as const;
export type ReplicaAction = (typeof REPLICA_ACTIONS)[number];

export const REPLICA_METHOD = { restart: 'replica.restart', stop: 'replica.stop', remove: 'replica.remove' } as const satisfies Record<ReplicaAction, string>;

export interface ReplicaActionCopy {
  /** The button in the details. */
  label: string;
  /** The confirmation's title and its button. */
  title: string;
  confirm: string;
  /** What will happen, said before it does. */
  explain: string;
  /** While it runs. */
  busy: string;
}

type Subject = Pick<ReplicaStatus, 'name' | 'host' | 'stack' | 'service'>;

export function replicaActionCopy(action: ReplicaAction, replica: Subject, desired: number | null): ReplicaActionCopy {
  const service = `${replica.stack}/${replica.service}`;
  switch (action) {
    case 'restart':
      return {
        label: 'Restart',
        title: `Restart ${replica.name}?`,
        confirm: 'Restart',
        explain: `The same container is restarted on ${replica.host}: it is drained out of the ingress first (requests under way finish), stopped within its stop grace period, and started again. It serves again once it passes its health check; Baton does not replace it meanwhile.`,
        busy: 'Restarting…',
      };
    case 'stop':
      return {
        label: 'Stop',
        title: `Stop ${replica.name}?`,
        confirm: 'Stop',
        explain: `It is drained out of the ingress first, then stopped gracefully within its stop grace period. ${service} keeps ${desired === null ? 'its' : desired} ${desired === 1 ? 'replica' : 'replicas'}, so Baton then starts a new replica in its place (where the scheduler puts it) and removes this one. To run fewer, scale the service or remove this replica instead.`,
        busy: 'Stopping…',
      };
    case 'remove':
      return {
        label: 'Remove',
        title: `Remove ${replica.name}?`,
        confirm: 'Remove',
        explain: `It is drained, stopped and removed from ${replica.host}, and ${service} goes ${desired === null ? 'down by one replica' : `from ${desired} to ${Math.max(0, desired - 1)} ${desired - 1 === 1 ? 'replica' : 'replicas'}`}: no replica takes its place.`,
        busy: 'Removing…',
      };
  }
}

/** Why an action can't be asked now, or null when it can. */
export function replicaActionBlocked(action: ReplicaAction, replica: Pick<ReplicaStatus, 'host' | 'hostReady' | 'state'>, connected: boolean): string | null {
  if (!connected) return 'Not connected to the control plane';
  if (!replica.hostReady) return `Host ${replica.host} is not reachable now`;
  if (action === 'stop' && replica.state !== 'running') return `It is ${replica.state}, not running`;
  if (action === 'restart' && replica.state !== 'running' && replica.state !== 'exited' && replica.state !== 'created') return `It is ${replica.state}`;
  return null;
}

/** What the answer means, in a line under the buttons. */
export function replicaActionDone(action: ReplicaAction, answer: ReplicaStatus | ServiceStatus): string {
  if (action === 'remove') {
    const s = answer as ServiceStatus;
    return `Removed. ${s.stack}/${s.name} now has ${s.desired} desired ${s.desired === 1 ? 'replica' : 'replicas'}.`;
  }
  const r = answer as ReplicaStatus;
  if (action === 'restart') return `Restarted in place on ${r.host}: ${r.state}${r.health !== 'none' ? `, ${r.health}` : ''}.`;
  return `Stopped on ${r.host}. A new replica takes its place.`;
}
