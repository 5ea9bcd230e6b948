// One action a person asks for on one thing (restart a replica, drain a host): asked, confirmed
// where it destroys or interrupts something, under way, done or refused. Pure: the component keeps
// the state and sends the call; this says what shows.
import type { BatonError } from '../../../shared/errors.ts';

export interface ActionState<K extends string> {
  /** Waiting for the person to confirm this action. */
  confirming: K | null;
  /** Sent, not answered yet. */
  pending: K | null;
  /** What the last answer said, once it succeeded. */
  done: string | null;
  /** Why the last one was refused. */
  error: BatonError | null;
}

export type ActionEvent<K extends string> =
  | { type: 'ask'; kind: K; needsConfirmation: boolean }
  | { type: 'confirm' }
  | { type: 'cancel' }
  | { type: 'succeeded'; message: string }
  | { type: 'failed'; error: BatonError }
  | { type: 'dismiss' };

export function idleAction<K extends string>(): ActionState<K> {
  return { confirming: null, pending: null, done: null, error: null };
}

/** The next state, and the action to send now (null: nothing to send). */
export function stepAction<K extends string>(state: ActionState<K>, event: ActionEvent<K>): { state: ActionState<K>; send: K | null } {
  switch (event.type) {
    case 'ask':
      // one at a time: a second ask while one is under way or asked for is ignored
      if (state.pending !== null || state.confirming !== null) return { state, send: null };
      if (event.needsConfirmation) return { state: { ...state, confirming: event.kind, done: null, error: null }, send: null };
      return { state: { confirming: null, pending: event.kind, done: null, error: null }, send: event.kind };
    case 'confirm':
      if (state.confirming === null) return { state, send: null };
      return { state: { confirming: null, pending: state.confirming, done: null, error: null }, send: state.confirming };
    case 'cancel':
      return { state: { ...state, confirming: null }, send: null };
    case 'succeeded':
      return { state: { confirming: null, pending: null, done: event.message, error: null }, send: null };
    case 'failed':
      return { state: { confirming: null, pending: null, done: null, error: event.error }, send: null };
    case 'dismiss':
      return { state: { ...state, done: null, error: null }, send: null };
  }
}
