// What a host's details offer a person: drain it (its replicas move elsewhere, none new go there),
// activate it again, remove it from the cluster. The words of each and when each applies. Pure:
// HostActions.tsx shows them and sends the calls.
import type { Host } from '../../../../shared/api.ts';

export const HOST_ACTIONS = ['drain', 'activate', 'remove'] as const;
export type HostAction = (typeof HOST_ACTIONS)[number];

export const HOST_METHOD = { drain: 'host.drain', activate: 'host.activate', remove: 'host.remove' } as const satisfies Record<HostAction, string>;

/** Only removal destroys something (the cluster's record of the host): it alone asks first. */
export function hostActionNeedsConfirmation(action: HostAction): boolean {
  return action === 'remove';
}

/** The actions that apply to the host as it is: a drained host is activated, an active one drained. */
export function hostActionsFor(host: Pick<Host, 'availability'>): HostAction[] {
  return host.availability === 'drain' ? ['activate', 'remove'] : ['drain', 'remove'];
}

export function hostActionLabel(action: HostAction): string {
  return action === 'drain' ? 'Drain' : action === 'activate' ? 'Activate' : 'Remove';
}

export function hostActionTitle(action: HostAction, host: string): string {
  switch (action) {
    case 'drain':
      return `Move the replicas on ${host} elsewhere (each new one healthy before the old one leaves) and keep new ones off it`;
    case 'activate':
      return `Let ${host} take replicas again; services that rebalance move some back to it`;
    case 'remove':
      return `Remove ${host} from the cluster`;
  }
}

export function hostRemovalText(host: Pick<Host, 'name'>, replicas: number): string {
  const them = replicas === 1 ? 'it' : 'them';
  const running = replicas === 0 ? 'Nothing of Baton runs there.' : `Its ${replicas} ${replicas === 1 ? 'replica keeps' : 'replicas keep'} running on it, unwatched, and their services get new replicas on the other hosts: drain it first to move ${them} gracefully.`;
  return `Baton forgets ${host.name}: its connection, its stored key and labels. ${running} You can add it again later.`;
}

export function hostActionDone(action: HostAction, answer: { host?: string; name?: string; moving?: string[] }): string {
  const name = answer.host ?? answer.name ?? 'The host';
  switch (action) {
    case 'drain':
      return `${name} is drained${answer.moving !== undefined && answer.moving.length > 0 ? `: moving ${answer.moving.join(', ')}` : ': nothing ran there'}.`;
    case 'activate':
      return `${name} is active: it takes new replicas.`;
    case 'remove':
      return `${name} was removed from the cluster.`;
  }
}

export function hostActionBlocked(connected: boolean): string | null {
  return connected ? null : 'Not connected to the control plane';
}
