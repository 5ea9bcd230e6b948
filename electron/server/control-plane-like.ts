// What a transport needs of the control plane: dispatch, the event stream and streams. Keeping it
// this narrow lets the servers be tested and reused without the whole control plane behind them.
import type { BatonEvent } from '../../shared/api.ts';
import type { Envelope, ErrorBody } from '../../shared/errors.ts';
import type { Caller } from '../control-plane/api/caller.ts';

export interface StreamHandlersOnTheWire {
  chunk(chunk: unknown): void;
  /** Once: null when the stream ended by itself, else why it stopped. */
  end(error: ErrorBody | null): void;
}

export interface ControlPlaneLike {
  /** `caller`: the transport the request came over (what it may name on this machine depends on it). */
  dispatch(method: string, params: unknown, caller: Caller): Promise<Envelope<unknown>>;
  subscribe(listener: (event: BatonEvent) => void, opts?: { after?: number }): () => void;
  /** The id of the newest stored event (0 when there is none). */
  lastEventId(): number;
  /**
   * Opens a stream (shared/api.ts `streams`); returns cancel. `end` never comes before it returns.
   * Optional: a stand-in control plane without streams (a benchmark's) has its stream requests refused.
   */
  stream?(name: string, params: unknown, handlers: StreamHandlersOnTheWire, caller?: Caller): StreamCancel;
}

/** Cancels a stream; `input`, when there, hands it a client's input (a stream that takes none has none). */
export interface StreamCancel {
  (): void;
  input?(value: unknown): void;
}
