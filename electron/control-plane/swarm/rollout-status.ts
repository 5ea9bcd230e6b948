// A Swarm service's rolling update in Baton's rollout words, pure: its UpdateStatus → a phase, the
// tasks on the current image, the two specs Swarm keeps (history), and whether undo, pause or
// resume can be asked of it. Where Swarm differs from Baton's own rollouts it is said here:
// - history: Swarm keeps the current spec and the one before (PreviousSpec), nothing older;
// - undo is Swarm's rollback (an update with rollback=previous): it swaps the two specs, so a
//   second undo goes forward again;
// - pause: Swarm's API has no request to pause an update. Swarm pauses one itself when a new task
//   fails and update_config.failure_action is pause (the Compose default), so a requested pause is
//   refused, saying so;
// - resume: a paused update goes on when the service is updated again (as `docker service update
//   SERVICE` does); Swarm then keeps that same spec as the previous one, so undo has nothing older.
import { BatonError } from '../../../shared/errors.ts';
import type { SwarmHistoryEntry, SwarmRolloutPhase, SwarmRolloutStatus } from '../../../shared/cluster.ts';
import { changedFields } from './swarm-plan.ts';
import type { SwarmServiceAnswer, SwarmTaskAnswer } from './swarm-engine.ts';
import { STACK_NAMESPACE_LABEL } from './translate.ts';

const PHASES: Record<string, SwarmRolloutPhase> = {
  updating: 'updating',
  paused: 'paused',
  completed: 'completed',
  rollback_started: 'rolling-back',
  rollback_paused: 'rollback-paused',
  rollback_completed: 'rolled-back',
};

/** Swarm's UpdateStatus.State → the phase; no state (never updated) is none, an unknown one is updating (work goes on). */
export function phaseOf(state: string | undefined | null): SwarmRolloutPhase {
  if (state === undefined || state === null || state === '') return 'none';
  return PHASES[state] ?? 'updating';
}

/** Swarm stamps times it has not set as the zero time: that is no time. */
function timeOf(raw: string | undefined): string | null {
  return raw === undefined || raw === '' || raw.startsWith('0001-01-01') ? null : raw;
}

function namesOf(s: SwarmServiceAnswer): { stack: string; service: string } {
  const stack = s.Spec.Labels[STACK_NAMESPACE_LABEL] ?? '';
  const prefix = `${stack}_`;
  return { stack, service: stack !== '' && s.Spec.Name.startsWith(prefix) ? s.Spec.Name.slice(prefix.length) : s.Spec.Name };
}

export function rolloutStatus(cluster: string, s: SwarmServiceAnswer, tasks: SwarmTaskAnswer[]): SwarmRolloutStatus {
  const image = s.Spec.TaskTemplate.ContainerSpec.Image;
  const running = tasks.filter((t) => t.ServiceID === s.ID && t.DesiredState === 'running' && t.Status.State === 'running');
  const message = s.UpdateStatus?.Message?.trim() ?? '';
  return {
    cluster,
    ...namesOf(s),
    swarmService: s.Spec.Name,
    phase: phaseOf(s.UpdateStatus?.State),
    state: s.UpdateStatus?.State ?? null,
    message: message === '' ? null : message,
    startedAt: timeOf(s.UpdateStatus?.StartedAt),
    completedAt: timeOf(s.UpdateStatus?.CompletedAt),
    image,
    previousImage: s.PreviousSpec?.TaskTemplate.ContainerSpec.Image ?? null,
    desired: s.Spec.Mode.Replicated?.Replicas ?? 0,
    running: running.length,
    runningCurrent: running.filter((t) => t.Spec.ContainerSpec.Image === image).length,
    failureAction: s.Spec.UpdateConfig?.FailureAction ?? 'pause',
  };
}

/** The specs Swarm keeps: the previous one (if any), then the current one with what changed from it. */
export function historyOf(s: SwarmServiceAnswer): SwarmHistoryEntry[] {
  const entry = (which: SwarmHistoryEntry['which'], spec: SwarmServiceAnswer['Spec'], changes: string[]): SwarmHistoryEntry => ({
    which,
    image: spec.TaskTemplate.ContainerSpec.Image,
    replicas: spec.Mode.Replicated?.Replicas ?? 0,
    changes,
  });
  const previous = s.PreviousSpec;
  if (!previous) return [entry('current', s.Spec, [])];
  return [entry('previous', previous, []), entry('current', s.Spec, changedFields(s.Spec, previous))];
}

/** Undo is Swarm's rollback to the previous spec: refused when there is none. */
export function checkUndo(cluster: string, s: SwarmServiceAnswer): void {
  if (!s.PreviousSpec) {
    throw new BatonError(
      'INVALID_INPUT',
      `${s.Spec.Name} on the Swarm cluster ${cluster} has never been updated: Swarm keeps no spec before this one to roll back to.`,
      { service: s.Spec.Name },
      'Apply the stack file with the version you want (baton apply -f FILE --cluster NAME).',
    );
  }
}

/** A requested pause is refused: Swarm has no such request. The error says what Swarm does instead. */
export function pauseRefusal(cluster: string, s: SwarmServiceAnswer): BatonError {
  const action = s.Spec.UpdateConfig?.FailureAction ?? 'pause';
  return new BatonError(
    'INVALID_INPUT',
    `A Swarm update cannot be paused on request: Swarm pauses an update itself only when a new task fails and update_config.failure_action is pause (${s.Spec.Name} has failure_action ${action}).`,
    { service: s.Spec.Name, cluster, failureAction: action },
    `To stop the update, roll it back: baton rollout undo ${namesOf(s).service} --cluster ${cluster}. To have Swarm pause on a failure, set deploy.update_config.failure_action: pause.`,
  );
}

/** Resume goes on with an update Swarm paused; refused when it is not paused, saying where it is. */
export function checkResume(cluster: string, s: SwarmServiceAnswer): void {
  const phase = phaseOf(s.UpdateStatus?.State);
  if (phase === 'paused' || phase === 'rollback-paused') return;
  throw new BatonError(
    'INVALID_INPUT',
    `The update of ${s.Spec.Name} on the Swarm cluster ${cluster} is not paused (it is ${phase}).`,
    { service: s.Spec.Name, phase },
    `See it with: baton rollout status ${namesOf(s).service} --cluster ${cluster}`,
  );
}
