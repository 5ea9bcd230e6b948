// What a transport needs of the control plane: dispatch and the event stream. Keeping it this
// narrow lets the servers be tested and reused without the whole control plane behind them.
import type { BatonEvent } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';

export interface ControlPlaneLike {
  dispatch(method: string, params: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: BatonEvent) => void, opts?: { after?: number }): () => void;
  /** The id of the newest stored event (0 when there is none). */
  lastEventId(): number;
}
