// A host's actions in its details: drain or activate it (at once: either undoes the other), remove
// it (confirmed first, saying what stays), and the answer or the refusal.
import { useState } from 'react';
import type { Host } from '../../../../shared/api.ts';
import { idleAction, stepAction, type ActionEvent, type ActionState } from '../../state/action-state.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { useApi } from '../../state/app-state.tsx';
import { ActionBar } from '../../ui/ActionBar.tsx';
import { hostActionBlocked, hostActionDone, hostActionLabel, hostActionNeedsConfirmation, hostActionsFor, hostActionTitle, hostRemovalText, type HostAction } from './host-actions.ts';

const ICONS = { drain: 'arrowDown', activate: 'check', remove: 'trash' } as const;

export function HostActions({ host, replicas, connected }: { host: Host; replicas: number; connected: boolean }) {
  const api = useApi();
  const [state, setState] = useState<ActionState<HostAction>>(idleAction);

  const send = (action: HostAction): void => {
    const failed = (err: unknown) => setState((s) => stepAction(s, { type: 'failed', error: asBatonError(err) }).state);
    const done = (answer: { host?: string; name?: string; moving?: string[] }) => setState((s) => stepAction(s, { type: 'succeeded', message: hostActionDone(action, answer) }).state);
    const params = { name: host.name };
    const call = action === 'drain' ? api.call('host.drain', params) : action === 'activate' ? api.call('host.activate', params) : api.call('host.remove', params);
    void call.then(done, failed);
  };
  const dispatch = (event: ActionEvent<HostAction>): void => {
    const next = stepAction(state, event);
    setState(next.state);
    if (next.send !== null) send(next.send);
  };

  return (
    <ActionBar
      testId="host-actions"
      buttons={hostActionsFor(host).map((kind) => ({ kind, label: hostActionLabel(kind), icon: ICONS[kind], blocked: hostActionBlocked(connected), title: hostActionTitle(kind, host.name) }))}
      state={state}
      confirmation={() => ({ title: `Remove ${host.name}?`, explain: hostRemovalText(host, replicas), confirm: 'Remove host' })}
      onAsk={(kind) => dispatch({ type: 'ask', kind, needsConfirmation: hostActionNeedsConfirmation(kind) })}
      onConfirm={() => dispatch({ type: 'confirm' })}
      onCancel={() => dispatch({ type: 'cancel' })}
      onDismiss={() => dispatch({ type: 'dismiss' })}
    />
  );
}
