// Streams (shared/api.ts `streams`), as the dispatcher does requests: the name and the params are
// checked against the contract before an opener sees them, every chunk is checked before it
// leaves, and an opener's failure becomes an error body. After `end` or a cancel, nothing more is
// delivered.
import type { z } from 'zod';
import { isStreamName, streams, type InputStreamName, type StreamChunk, type StreamName, type Streams } from '../../../shared/api.ts';
import { BatonError, toErrorBody, type ErrorBody } from '../../../shared/errors.ts';
import type { Logger } from '../log.ts';
import { IN_PROCESS, type Caller } from './caller.ts';
import { describeIssues } from './dispatcher.ts';

/** What a transport hands the control plane: chunks as data, errors as wire bodies. */
export interface StreamHandlersOnTheWire {
  chunk(chunk: unknown): void;
  /** Once: null when the stream ended by itself, else why it stopped. */
  end(error: ErrorBody | null): void;
}

export interface StreamSink<S extends StreamName> {
  chunk(chunk: StreamChunk<S>): void;
  end(error: ErrorBody | null): void;
}

/** What an opener of a stream that takes input returns: its cancel, and where checked input goes. */
export interface InputSession<S extends InputStreamName> {
  cancel(): void;
  input(value: z.output<Streams[S]['input']>): void;
}

export type StreamOpeners = {
  [S in StreamName]: (params: z.output<Streams[S]['params']>, sink: StreamSink<S>, caller: Caller) => S extends InputStreamName ? InputSession<S> : () => void;
};

/** An open stream, as a transport holds it: call it to cancel; `input` is checked against the stream's contract. */
export interface OpenedStream {
  (): void;
  input(value: unknown): void;
}

/**
 * Opens a stream by name; returns cancel (with `input`). Never throws: a refusal is an `end` with
 * the error. `end` never comes before this returns. Input that does not fit the stream's contract
 * (or to a stream that takes none) ends it with INVALID_INPUT.
 */
export type OpenStream = (name: string, params: unknown, handlers: StreamHandlersOnTheWire, caller?: Caller) => OpenedStream;

function opened(cancel: () => void, input: (value: unknown) => void): OpenedStream {
  return Object.assign(cancel, { input });
}

/** Openers may be a part of the contract's streams (a test's): one not given is refused as unknown. */
export function createStreamOpener(openers: Partial<StreamOpeners>, log: Logger): OpenStream {
  return (name, params, handlers, caller = IN_PROCESS) => {
    let open = true;
    const end = (error: ErrorBody | null) => {
      if (!open) return;
      open = false;
      handlers.end(error);
    };
    // the caller gets cancel first, then the refusal
    const refuse = (error: ErrorBody): OpenedStream => {
      queueMicrotask(() => end(error));
      return opened(
        () => {
          open = false;
        },
        () => {},
      );
    };
    if (!isStreamName(name) || openers[name] === undefined) {
      return refuse({ code: 'INVALID_INPUT', message: `Unknown stream "${name}". This control plane streams: ${Object.keys(streams).join(', ')}.` });
    }
    const contract = streams[name];
    const parsed = contract.params.safeParse(params ?? {});
    if (!parsed.success) {
      return refuse({
        code: 'INVALID_INPUT',
        message: `Invalid ${name} stream request: ${describeIssues(parsed.error.issues)}`,
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      });
    }
    let cancel: () => void = () => {};
    let takeInput: ((value: unknown) => void) | null = null;
    const sink: StreamSink<typeof name> = {
      chunk(chunk) {
        if (!open) return;
        const checked = contract.chunk.safeParse(chunk);
        if (!checked.success) {
          log.error({ stream: name, issues: checked.error.issues }, 'api: a stream broke the contract');
          cancel();
          end(new BatonError('INTERNAL', `The control plane produced an invalid ${name} chunk (${describeIssues(checked.error.issues)}). This is a bug in Baton.`).toBody());
          return;
        }
        handlers.chunk(checked.data);
      },
      end,
    };
    let opening = true;
    sink.end = (error) => (opening ? queueMicrotask(() => end(error)) : end(error));
    try {
      const opener = openers[name] as (p: unknown, s: StreamSink<StreamName>, c: Caller) => (() => void) | { cancel(): void; input(value: unknown): void };
      const made = opener(parsed.data, sink, caller);
      if (typeof made === 'function') cancel = made;
      else {
        cancel = () => made.cancel();
        takeInput = (value) => made.input(value);
      }
      opening = false;
    } catch (err) {
      const body = toErrorBody(err);
      if (body.code === 'INTERNAL') log.error({ stream: name, err }, 'api: a stream failed to open');
      else log.debug({ stream: name, code: body.code }, 'api: stream refused');
      return refuse(body);
    }
    const stop = (): void => {
      if (!open) return;
      open = false;
      cancel();
    };
    const input = (value: unknown): void => {
      if (!open) return;
      const schema = 'input' in contract ? contract.input : null;
      const checked = schema?.safeParse(value);
      if (!schema || !takeInput || !checked?.success) {
        stop();
        handlers.end({
          code: 'INVALID_INPUT',
          message: schema ? `Invalid input to the ${name} stream: ${describeIssues(checked!.error!.issues)}; the stream was closed.` : `The ${name} stream takes no input; it was closed.`,
        });
        return;
      }
      takeInput(checked.data);
    };
    return opened(stop, input);
  };
}
