// A replica's actions in its details: restart in place, stop, remove (each confirmed first, saying
// what follows), and the answer or the refusal.
import { useState } from 'react';
import type { ReplicaStatus } from '../../../../shared/api.ts';
import { idleAction, stepAction, type ActionEvent, type ActionState } from '../../state/action-state.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { useApi } from '../../state/app-state.tsx';
import { ActionBar } from '../../ui/ActionBar.tsx';
import { REPLICA_ACTIONS, replicaActionBlocked, replicaActionCopy, replicaActionDone, type ReplicaAction } from './replica-actions.ts';

const ICONS = { restart: 'refresh', stop: 'plugOff', remove: 'trash' } as const;

export function ReplicaActions({ replica, desired, connected }: { replica: ReplicaStatus; desired: number | null; connected: boolean }) {
  const api = useApi();
  const [state, setState] = useState<ActionState<ReplicaAction>>(idleAction);

  const send = (action: ReplicaAction): void => {
    const done = (message: string) => setState((s) => stepAction(s, { type: 'succeeded', message }).state);
    const failed = (err: unknown) => setState((s) => stepAction(s, { type: 'failed', error: asBatonError(err) }).state);
    const params = { replica: replica.name };
    if (action === 'remove') void api.call('replica.remove', params).then((s) => done(replicaActionDone(action, s)), failed);
    else void api.call(action === 'restart' ? 'replica.restart' : 'replica.stop', params).then((r) => done(replicaActionDone(action, r)), failed);
  };
  const dispatch = (event: ActionEvent<ReplicaAction>): void => {
    const next = stepAction(state, event);
    setState(next.state);
    if (next.send !== null) send(next.send);
  };

  return (
    <ActionBar
      testId="replica-actions"
      buttons={REPLICA_ACTIONS.map((kind) => ({ kind, label: replicaActionCopy(kind, replica, desired).label, icon: ICONS[kind], blocked: replicaActionBlocked(kind, replica, connected) }))}
      state={state}
      confirmation={(kind) => replicaActionCopy(kind, replica, desired)}
      onAsk={(kind) => dispatch({ type: 'ask', kind, needsConfirmation: true })}
      onConfirm={() => dispatch({ type: 'confirm' })}
      onCancel={() => dispatch({ type: 'cancel' })}
      onDismiss={() => dispatch({ type: 'dismiss' })}
    />
  );
}
