// Every kind of event the control plane writes (BatonEvent.kind): the emitters take EventKind, so
// a kind that is not listed here does not compile. Plain values, no zod: the renderer imports them.
export const EVENT_KINDS = [
  // a person added, removed, drained or activated a host; its link connected, came up, went down
  // or was read again after a reconnect
  'host.added',
  'host.removed',
  'host.connecting',
  'host.ready',
  'host.unreachable',
  'host.synced',
  'host.drained',
  'host.activated',
  // an apply or a removal changed a stack's services; a scale (by hand, by drag or by the autoscaler)
  // changed a desired count; the scheduler could or could not place a service's replicas
  'stack.removed',
  'service.created',
  'service.updated',
  'service.scaled',
  'service.removed',
  'service.placed',
  'service.unplaced',
  /** A first deploy holds a service's replicas until the services it depends on (depends_on) are as their condition says. */
  'service.waiting',
  // a host's engine said a replica changed (Docker's events), or Baton's executor started or removed one
  'replica.started',
  'replica.restarted',
  'replica.exited',
  'replica.healthy',
  'replica.unhealthy',
  'replica.oom',
  'replica.paused',
  'replica.unpaused',
  'replica.removed',
  // the reconciler's action on a replica failed (the service is tried again after a cool-down)
  'replica.start-failed',
  'replica.restart-failed',
  'replica.remove-failed',
  'replica.replace-failed',
  // a replica joined the ingress's pools, began draining out of them before it stops, or was drained
  'replica.serving',
  'replica.draining',
  'replica.drained',
  // a person restarted a replica in place on its host (drained, stopped within its grace period,
  // started again: the same container), or stopped one (drained, stopped; the reconciler replaces it)
  'replica.restarting',
  'replica.stopped',
  // a person opened a terminal in a replica (who: the transport their request came over)
  'replica.terminal-opened',
  // the ingress on a host was created, started, reloaded, failed or recovered; a published port was
  // taken by something else, or freed; a service's name endpoint did not start
  'ingress.created',
  'ingress.started',
  'ingress.reloaded',
  'ingress.failed',
  'ingress.ready',
  'ingress.port-blocked',
  'ingress.port-freed',
  'ingress.endpoint-failed',
  // a rollout's steps: started (or retargeted by a newer apply), progressed, a replica failed,
  // paused or resumed (by hand or by failures), rolled back, ended
  'rollout.started',
  'rollout.retargeted',
  'rollout.progress',
  'rollout.replica-failed',
  'rollout.paused',
  'rollout.resumed',
  'rollout.rolling-back',
  'rollout.rolled-back',
  'rollout.completed',
  // an autoscaler evaluated and kept the count (a decision to scale is a service.scaled)
  'autoscale.held',
  'autoscale.stale',
  // a secret of Baton's store was created, given a value (new or the same), or removed
  'secret.created',
  'secret.rotated',
  'secret.unchanged',
  'secret.removed',
  // a stack's volume was created on a host, removed, or kept because its host was unreachable
  'volume.created',
  'volume.removed',
  'volume.kept',
  // an image was pulled, or copied over the SSH links to a host that lacked it (shared/images.ts)
  'image.pulling',
  'image.copying',
  'image.copy.progress',
  'image.copied',
  'image.copy.failed',
  'image.tagged',
  // an image of a service's `build:` was found built from the same context already, or built: its
  // start, its output as it comes, its end (shared/builds.ts BuildEventData)
  'build.up-to-date',
  'build.started',
  'build.output',
  'build.completed',
  'build.failed',
  // a person added or removed a Swarm cluster; a stack was applied to one, or a service scaled on one;
  // a node's availability set (drain, active); a service rolled back or its paused update resumed;
  // a call gone to another manager because the one used did not answer
  'cluster.added',
  'cluster.removed',
  'cluster.applied',
  'cluster.scaled',
  'cluster.node',
  'cluster.rolled-back',
  'cluster.resumed',
  'cluster.failover',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * A kind this version does not write: one stored by an older version (the events table keeps what
 * was written), or sent by a newer control plane. Read and shown as it is; never written.
 */
export type OtherEventKind = string & { readonly otherEventKind: true };

/** What BatonEvent.kind holds: a kind of this version's, or another one read as it is. */
export type AnyEventKind = EventKind | OtherEventKind;

const known: ReadonlySet<string> = new Set(EVENT_KINDS);

export function isEventKind(kind: string): kind is EventKind {
  return known.has(kind);
}

/** A stored or received kind as BatonEvent types it: one of EVENT_KINDS, else kept as another kind. */
export function readEventKind(kind: string): AnyEventKind {
  return isEventKind(kind) ? kind : (kind as OtherEventKind);
}

