// A service's rollout and its revisions, live: fetched when shown, fetched again when an event
// about the service arrives (its rollout.* steps, its replicas' health), never on a timer.
import type { BatonEvent } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import type { RevisionEntry, RolloutStatus } from '../../../../shared/rollout.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { LiveQuery, type LiveApi } from '../../state/live-query.ts';

export interface RolloutState {
  status: RolloutStatus | null;
  history: RevisionEntry[];
  error: BatonError | null;
}

export class RolloutLoader extends LiveQuery<RolloutState> {
  constructor(
    api: LiveApi,
    readonly service: string,
  ) {
    super(api, { status: null, history: [], error: null });
  }

  protected concerns(event: BatonEvent): boolean {
    return `${event.stack}/${event.service}` === this.service || (event.service === null && event.kind.startsWith('stack.') && event.stack === this.service.split('/')[0]);
  }

  protected async load(): Promise<void> {
    try {
      const [status, history] = await Promise.all([this.api.call('rollout.status', { service: this.service }), this.api.call('rollout.history', { service: this.service })]);
      this.set({ status, history, error: null });
    } catch (err) {
      this.set({ ...this.state, error: asBatonError(err) });
    }
  }
}
