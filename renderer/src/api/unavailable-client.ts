// The page was opened with nothing to talk to (a browser without ?ws=, or no preload).
import type { BatonEvent, MethodName, Params, Result, StreamControl, StreamHandlers, StreamName, StreamParams } from '../../../shared/api.ts';
import { streamControl } from '../../../shared/stream-control.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { ConnectionState, Transport } from './transport.ts';

export class UnavailableClient implements Transport {
  readonly kind = 'none';
  private readonly state: ConnectionState;

  constructor(reason: string) {
    this.state = { status: 'unavailable', endpoint: 'none', retryAt: null, reason };
  }

  call<M extends MethodName>(_method: M, _params: Params<M>): Promise<Result<M>> {
    return Promise.reject(new BatonError('UNAVAILABLE', this.state.reason ?? 'Not connected to a control plane.'));
  }

  subscribe(_listener: (event: BatonEvent) => void): () => void {
    return () => {};
  }

  /** Ends at once (right after returning) with UNAVAILABLE. */
  stream<S extends StreamName>(_name: S, _params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S> {
    let cancelled = false;
    queueMicrotask(() => {
      if (!cancelled) handlers.end(new BatonError('UNAVAILABLE', this.state.reason ?? 'Not connected to a control plane.'));
    });
    return streamControl(() => {
      cancelled = true;
    });
  }

  connection(): ConnectionState {
    return this.state;
  }

  onConnectionChange(): () => void {
    return () => {};
  }

  reconnectNow(): void {}

  close(): void {}
}
