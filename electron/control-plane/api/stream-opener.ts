// Streams (shared/api.ts `streams`), as the dispatcher does requests: the name and the params are
// checked against the contract before an opener sees them, every chunk is checked before it
// leaves, and an opener's failure becomes an error body. After `end` or a cancel, nothing more is
// delivered.
import type { z } from 'zod';
import { isStreamName, streams, type StreamChunk, type StreamName, type Streams } from '../../../shared/api.ts';
import { BatonError, toErrorBody, type ErrorBody } from '../../../shared/errors.ts';
import type { Logger } from '../log.ts';
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

export type StreamOpeners = {
  [S in StreamName]: (params: z.output<Streams[S]['params']>, sink: StreamSink<S>) => () => void;
};

/**
 * Opens a stream by name; returns cancel. Never throws: a refusal is an `end` with the error.
 * `end` never comes before this returns.
 */
export type OpenStream = (name: string, params: unknown, handlers: StreamHandlersOnTheWire) => () => void;

/** Openers may be a part of the contract's streams (a test's): one not given is refused as unknown. */
export function createStreamOpener(openers: Partial<StreamOpeners>, log: Logger): OpenStream {
  return (name, params, handlers) => {
    let open = true;
    const end = (error: ErrorBody | null) => {
      if (!open) return;
      open = false;
      handlers.end(error);
    };
    // the caller gets cancel first, then the refusal
    const refuse = (error: ErrorBody): (() => void) => {
      queueMicrotask(() => end(error));
      return () => {
        open = false;
      };
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
      const opener = openers[name] as (p: unknown, s: StreamSink<StreamName>) => () => void;
      cancel = opener(parsed.data, sink);
      opening = false;
    } catch (err) {
      const body = toErrorBody(err);
      if (body.code === 'INTERNAL') log.error({ stream: name, err }, 'api: a stream failed to open');
      else log.debug({ stream: name, code: body.code }, 'api: stream refused');
      return refuse(body);
    }
    return () => {
      if (!open) return;
      open = false;
      cancel();
    };
  };
}
