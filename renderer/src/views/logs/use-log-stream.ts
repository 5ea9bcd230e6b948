// Streams a target's logs into a LogBuffer: lines arrive in chunks, the page takes them in a
// batch at a time. The stream is cancelled when the target changes or the view goes; when it stops on
// its own (connection lost, host gone, replica removed) it stays stopped until `resume`.
import { useCallback, useEffect, useRef, useState } from 'react';
import { BatonError } from '../../../../shared/errors.ts';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';
import { LogBuffer } from './log-buffer.ts';
import { logsParams, targetKey, type LogTarget } from './log-target.ts';

/** Lines from the end to start with; a resume asks for more and drops the ones already shown. */
export const INITIAL_TAIL = 500;
export const RESUME_TAIL = 2000;
/** Lines are taken in at most this often: a chatty service costs a few renders a second, not one per chunk. */
export const FLUSH_MS = 100;

export type StreamStatus = 'idle' | 'waiting' | 'streaming' | 'ended' | 'failed';

export interface LogStream {
  buffer: LogBuffer;
  /** Changes whenever the buffer does. */
  version: number;
  status: StreamStatus;
  error: BatonError | null;
  resume: () => void;
  clear: () => void;
}

export function useLogStream(target: LogTarget | null): LogStream {
  const api = useApi();
  const connected = useConnection().status === 'connected';
  const buffer = useRef(new LogBuffer()).current;
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>('idle');
  const [error, setError] = useState<BatonError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const stopped = useRef(false); // ended or failed: no restart until resume
  const started = useRef(false); // this target has streamed before: a restart is a resume
  const shownKey = useRef('');
  const connectedRef = useRef(connected);
  connectedRef.current = connected;
  const key = targetKey(target);

  if (shownKey.current !== key) {
    // a new target: its own lines, from the start (done during render so no frame shows the old ones)
    shownKey.current = key;
    buffer.clear();
    stopped.current = false;
    started.current = false;
  }

  useEffect(() => {
    if (target === null) {
      setStatus('idle');
      return;
    }
    if (!connected) {
      if (!stopped.current) setStatus('waiting');
      return;
    }
    if (stopped.current) return;

    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      if (buffer.flush()) setVersion((v) => v + 1);
    };
    const schedule = (): void => {
      timer ??= setTimeout(flush, FLUSH_MS);
    };
    const stop = (why: BatonError | null): void => {
      if (!live) return;
      live = false;
      clearTimeout(timer);
      flush();
      stopped.current = true;
      setError(why);
      setStatus(why === null ? 'ended' : 'failed');
    };

    setStatus('streaming');
    setError(null);
    const tail = started.current ? RESUME_TAIL : INITIAL_TAIL;
    started.current = true;
    let cancel: () => void = () => {};
    try {
      cancel = api.stream('logs', logsParams(target, tail), {
        chunk: (lines) => {
          if (!live) return;
          buffer.push(lines);
          schedule();
        },
        end: (why) => stop(why),
      });
    } catch (err) {
      stop(asBatonError(err));
    }
    return () => {
      if (live && !connectedRef.current) {
        // the connection went: say so, and wait for a resume
        stop(new BatonError('UNAVAILABLE', 'The connection to the control plane was lost, so the log stream stopped. Resume once it is back.'));
      }
      live = false;
      clearTimeout(timer);
      cancel();
    };
    // `target` is read through `key`: the same target in a new object is no change
  }, [api, key, connected, attempt, buffer]);

  const resume = useCallback(() => {
    stopped.current = false;
    setAttempt((a) => a + 1);
  }, []);

  const clear = useCallback(() => {
    buffer.clear();
    setVersion((v) => v + 1);
  }, [buffer]);

  return { buffer, version, status, error, resume, clear };
}
