// BatonApi over the preload's bridge (Electron IPC to the embedded control plane).
import type { BatonEvent, MethodName, Params, Result, StreamChunk, StreamControl, StreamHandlers, StreamName, StreamParams } from '../../../shared/api.ts';
import { streamControl } from '../../../shared/stream-control.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { BatonBridge, StreamPort } from '../../../shared/bridge.ts';
import { subscribeWithReplay } from './event-replay.ts';
import type { ConnectionState, Transport } from './transport.ts';
import { errorFromWire } from './wire-errors.ts';

const CONNECTED: ConnectionState = { status: 'connected', endpoint: 'this app', retryAt: null, reason: null };

export class IpcClient implements Transport {
  readonly kind = 'ipc';

  constructor(private readonly bridge: BatonBridge) {}

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    let envelope: unknown;
    try {
      envelope = await this.bridge.invoke(method, params);
    } catch (err) {
      throw new BatonError('UNAVAILABLE', `The app's control plane did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof envelope !== 'object' || envelope === null) {
      throw new BatonError('INTERNAL', 'The control plane sent an answer this app does not understand.');
    }
    if ('error' in envelope) throw errorFromWire(envelope.error);
    if (!('result' in envelope)) throw new BatonError('INTERNAL', 'The control plane answered without a result.');
    return envelope.result as Result<M>; // the control plane validated it against the contract
  }

  subscribe(listener: (event: BatonEvent) => void, options?: { after?: number }): () => void {
    return subscribeWithReplay(
      (live) => this.bridge.subscribe(live),
      (after, limit) => this.call('events.list', { after, limit }),
      listener,
      options?.after,
    );
  }

  stream<S extends StreamName>(name: S, params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S> {
    let done = false;
    const end = (error: BatonError | null): void => {
      if (done) return;
      done = true;
      handlers.end(error);
    };
    let port: StreamPort;
    try {
      port = this.bridge.openStream(name, params, (message) => {
        if (done) return;
        if ('chunk' in message) handlers.chunk(message.chunk as StreamChunk<S>); // checked by the control plane
        else end('error' in message ? errorFromWire(message.error) : null);
      });
    } catch (err) {
      queueMicrotask(() => end(new BatonError('UNAVAILABLE', `The app's control plane did not take the stream: ${err instanceof Error ? err.message : String(err)}`)));
      return streamControl(() => {
        done = true;
      });
    }
    return streamControl(
      () => {
        if (done) return;
        done = true;
        port.close();
      },
      (input) => {
        if (!done) port.send(input);
      },
    );
  }

  connection(): ConnectionState {
    return CONNECTED;
  }

  onConnectionChange(): () => void {
    return () => {};
  }

  reconnectNow(): void {}

  close(): void {}
}
