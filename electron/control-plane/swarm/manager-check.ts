// Whether an engine can stand for a Swarm cluster: it must be a manager of an active swarm
// (`GET /info`: Swarm.LocalNodeState "active" and Swarm.ControlAvailable true). A worker, an
// engine in no swarm, or one whose swarm is locked or still joining is refused, saying what to do.
import { BatonError } from '../../../shared/errors.ts';

export interface SwarmIdentity {
  swarmId: string;
  nodeId: string;
  managers: number;
  nodes: number;
}

interface SwarmInfo {
  LocalNodeState?: unknown;
  ControlAvailable?: unknown;
  NodeID?: unknown;
  Managers?: unknown;
  Nodes?: unknown;
  Cluster?: { ID?: unknown } | null;
  RemoteManagers?: Array<{ Addr?: unknown }> | null;
}

/** The swarm the engine manages, from its `GET /info` answer; throws INVALID_INPUT with the fix otherwise. */
export function checkSwarmManager(info: unknown, where: string): SwarmIdentity {
  const swarm = (info !== null && typeof info === 'object' ? (info as { Swarm?: SwarmInfo }).Swarm : undefined) ?? {};
  const state = typeof swarm.LocalNodeState === 'string' ? swarm.LocalNodeState : 'inactive';
  if (state === 'inactive' || state === '') {
    throw new BatonError(
      'INVALID_INPUT',
      `The Docker engine on ${where} is in no swarm.`,
      { where, localNodeState: state },
      `Make it a swarm first (docker swarm init --advertise-addr ADDRESS on that host), or give a manager of an existing swarm.`,
    );
  }
  if (state === 'locked') {
    throw new BatonError('INVALID_INPUT', `The swarm on ${where} is locked (autolock).`, { where, localNodeState: state }, 'Unlock it on that host (docker swarm unlock), then add the cluster again.');
  }
  if (state !== 'active') {
    throw new BatonError('INVALID_INPUT', `The Docker engine on ${where} is not an active swarm node yet (its state is ${state}).`, { where, localNodeState: state }, 'Wait until docker info on that host says "Swarm: active", then add the cluster again.');
  }
  if (swarm.ControlAvailable !== true) {
    const managers = (swarm.RemoteManagers ?? []).map((m) => (typeof m.Addr === 'string' ? m.Addr.replace(/:2377$/, '') : null)).filter((a): a is string => a !== null);
    throw new BatonError(
      'INVALID_INPUT',
      `The Docker engine on ${where} is a swarm worker, not a manager: a worker cannot deploy or list services.`,
      { where, managers },
      `Give a manager instead${managers.length > 0 ? ` (this swarm's managers: ${managers.join(', ')})` : ''}, or promote this node on a manager (docker node promote NODE).`,
    );
  }
  const swarmId = typeof swarm.Cluster?.ID === 'string' ? swarm.Cluster.ID : '';
  if (swarmId === '') throw new BatonError('DOCKER_ERROR', `The Docker engine on ${where} says it is a swarm manager but names no swarm (Swarm.Cluster.ID).`, { where }, 'Check docker info on that host.');
  return {
    swarmId,
    nodeId: typeof swarm.NodeID === 'string' ? swarm.NodeID : '',
    managers: typeof swarm.Managers === 'number' ? swarm.Managers : 0,
    nodes: typeof swarm.Nodes === 'number' ? swarm.Nodes : 0,
  };
}
