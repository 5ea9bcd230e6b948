// Baton's secrets, by name only, kept live: `secret.list` again when a secret.* event arrives (or a
// service.* one: which services use a secret follows the services), or the connection comes back.
import type { BatonEvent, SecretInfo } from '../../../../shared/api.ts';
import type { BatonError } from '../../../../shared/errors.ts';
import { asBatonError } from '../../state/baton-error.ts';
import { LiveQuery, type LiveApi } from '../../state/live-query.ts';
import { sortSecrets } from './secrets-model.ts';

export interface SecretsSnapshot {
  secrets: SecretInfo[];
  status: 'loading' | 'ready' | 'error';
  error: BatonError | null;
}

export class SecretsStore extends LiveQuery<SecretsSnapshot> {
  constructor(api: LiveApi) {
    super(api, { secrets: [], status: 'loading', error: null });
  }

  protected concerns(event: BatonEvent): boolean {
    return event.kind.startsWith('secret.') || event.kind === 'service.created' || event.kind === 'service.updated' || event.kind === 'service.removed' || event.kind === 'stack.removed';
  }

  protected async load(): Promise<void> {
    try {
      this.set({ secrets: sortSecrets(await this.api.call('secret.list', {})), status: 'ready', error: null });
    } catch (err) {
      this.set({ ...this.state, status: this.state.status === 'loading' ? 'error' : this.state.status, error: asBatonError(err) });
    }
  }
}
