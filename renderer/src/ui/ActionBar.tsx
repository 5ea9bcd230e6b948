// Buttons for the actions on one thing, with the confirmation of those that destroy or interrupt
// something, the answer under them, and a refusal with its hint. The state is stepAction's.
import type { ReactNode } from 'react';
import type { ActionState } from '../state/action-state.ts';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import type { IconName } from './icons.tsx';

export interface ActionButton<K extends string> {
  kind: K;
  label: string;
  icon?: IconName;
  /** Why it can't be asked now (shown as its title), or null. */
  blocked: string | null;
  title?: string;
}

export interface ActionConfirmation {
  title: string;
  explain: ReactNode;
  confirm: string;
}

export function ActionBar<K extends string>({
  testId,
  buttons,
  state,
  confirmation,
  onAsk,
  onConfirm,
  onCancel,
  onDismiss,
}: {
  testId: string;
  buttons: ActionButton<K>[];
  state: ActionState<K>;
  /** The words of the action being confirmed. */
  confirmation: (kind: K) => ActionConfirmation;
  onAsk: (kind: K) => void;
  onConfirm: () => void;
  onCancel: () => void;
  onDismiss: () => void;
}) {
  const asking = state.confirming;
  const words = asking === null ? null : confirmation(asking);
  return (
    <div data-testid={testId} className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-1.5">
        {buttons.map((b) => (
          <Button
            key={b.kind}
            data-action={b.kind}
            icon={b.icon}
            className="h-7 px-2.5 text-[12px]"
            busy={state.pending === b.kind}
            disabled={b.blocked !== null || state.pending !== null}
            title={b.blocked ?? b.title}
            onClick={() => onAsk(b.kind)}
          >
            {b.label}
          </Button>
        ))}
      </div>
      {state.done !== null && (
        <p role="status" data-testid={`${testId}-done`} className="text-[12px] text-emerald-700 dark:text-emerald-400">
          {state.done}
        </p>
      )}
      {state.error !== null && <ErrorNote error={state.error} onDismiss={onDismiss} />}
      {words !== null && (
        <Dialog
          label={words.title}
          onClose={onCancel}
          footer={
            <>
              <Button onClick={onCancel}>Cancel</Button>
              <Button variant="primary" data-testid="confirm-action" data-autofocus onClick={onConfirm}>
                {words.confirm}
              </Button>
            </>
          }
        >
          <p className="text-[13px] text-zinc-700 dark:text-zinc-300">{words.explain}</p>
        </Dialog>
      )}
    </div>
  );
}
