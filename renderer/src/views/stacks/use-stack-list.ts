// The stacks (`stack.list`), fetched when the view opens or the connection comes back and again
// when an event says a stack or its set of services changed. Their services' live counts come
// from the cluster picture (useCluster), which follows replica events already.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StackSummary } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';

export interface StackList {
  stacks: StackSummary[];
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
  refresh: () => void;
}

/** Events after which the list (its services, its "updated" time) may differ. */
export function changesStackList(kind: string): boolean {
  return kind.startsWith('stack.') || /^service\.(created|updated|removed)$/.test(kind);
}

export function useStackList(): StackList {
  const api = useApi();
  const { status: connection } = useConnection();
  const [state, setState] = useState<Omit<StackList, 'refresh'>>({ stacks: [], status: 'loading', error: null });
  const running = useRef<{ busy: boolean; again: boolean }>({ busy: false, again: false });

  const refresh = useCallback(() => {
    const run = running.current;
    if (run.busy) {
      run.again = true;
      return;
    }
    run.busy = true;
    void (async () => {
      do {
        run.again = false;
        try {
          const stacks = await api.call('stack.list', {});
          setState({ stacks: [...stacks].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null });
        } catch (err) {
          setState((s) => ({ ...s, status: s.status === 'loading' ? 'error' : s.status, error: asBatonError(err) }));
        }
      } while (run.again);
      run.busy = false;
    })();
  }, [api]);

  useEffect(() => {
    if (connection !== 'connected') return;
    refresh();
    return api.subscribe((event) => {
      if (changesStackList(event.kind)) refresh();
    });
  }, [api, connection, refresh]);

  return { ...state, refresh };
}
