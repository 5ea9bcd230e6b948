// A list the control plane answers with one call, kept live: fetched again when an event the
// caller names arrives, or the connection comes back (LiveQuery). For the views that only show one
// list (volumes, images).
import type { BatonEvent, MethodName, Result } from '../../../shared/api.ts';
import type { BatonError } from '../../../shared/errors.ts';
import { asBatonError } from './baton-error.ts';
import { LiveQuery, type LiveApi } from './live-query.ts';

export interface ListSnapshot<T> {
  items: T | null;
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

type EmptyParamMethod = 'volume.list' | 'image.list' | 'secret.list' | 'config.list';

export class ListQuery<M extends EmptyParamMethod & MethodName> extends LiveQuery<ListSnapshot<Result<M>>> {
  constructor(
    api: LiveApi,
    private readonly method: M,
    private readonly concernsEvent: (event: BatonEvent) => boolean,
  ) {
    super(api, { items: null, status: 'loading', error: null });
  }

  protected concerns(event: BatonEvent): boolean {
    return this.concernsEvent(event);
  }

  protected async load(): Promise<void> {
    try {
      const items = await this.api.call(this.method, {} as never);
      this.set({ items, status: 'ready', error: null });
    } catch (err) {
      this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error: asBatonError(err) });
    }
  }
}
