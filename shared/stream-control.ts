// What BatonApi.stream gives back (a cancel that can also send input), made the same way by every
// client. No zod here: the renderer imports it.
import type { StreamControl, StreamInput, StreamName } from './api.ts';

/** `send` defaults to dropping input: a stream refused before it opened has nowhere to send it. */
export function streamControl<S extends StreamName>(cancel: () => void, send: (input: StreamInput<S>) => void = () => {}): StreamControl<S> {
  return Object.assign(() => cancel(), { send });
}
