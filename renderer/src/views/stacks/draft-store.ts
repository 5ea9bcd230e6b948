// The Compose draft being edited and what the control plane last said about it. Held in this
// page's memory only (never sessionStorage or localStorage: variables may hold secrets), so it
// survives switching views but not a reload.
import { useSyncExternalStore } from 'react';
import type { StackPlan } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { PASTED_FILE, type DraftProblem } from './compose-draft.ts';

export type DraftOutcome =
  | { kind: 'none' }
  | { kind: 'plan'; plan: StackPlan; source: string }
  | { kind: 'applied'; plan: StackPlan; source: string }
  | { kind: 'problems'; problems: DraftProblem[]; summary: string; source: string }
  | { kind: 'error'; error: BatonError };

export interface Draft {
  source: string;
  /** The opened file's name, or PASTED_FILE; sent as `file` (messages name it). */
  fileName: string;
  /** null: the name follows the file (`name:` or the file name). */
  stackName: string | null;
  variables: string;
  busy: 'plan' | 'apply' | null;
  outcome: DraftOutcome;
}

const INITIAL: Draft = { source: '', fileName: PASTED_FILE, stackName: null, variables: '', busy: null, outcome: { kind: 'none' } };

let draft: Draft = INITIAL;
const listeners = new Set<() => void>();

export function getDraft(): Draft {
  return draft;
}

export function updateDraft(patch: Partial<Draft> | ((d: Draft) => Partial<Draft>)): void {
  draft = { ...draft, ...(typeof patch === 'function' ? patch(draft) : patch) };
  for (const listener of [...listeners]) listener();
}

export function resetDraft(): void {
  updateDraft(INITIAL);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useDraft(): Draft {
  return useSyncExternalStore(subscribe, getDraft);
}
