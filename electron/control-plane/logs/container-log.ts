// One container's log, read over its host's engine: the TTY question is a short call, the log
// itself rides the pool for long streams (see Engine.logStream).
import type { IncomingMessage } from 'node:http';
import type { LogStreamOptions } from '../hosts/engine.ts';
import type { HostLink } from '../hosts/host-link.ts';
import { DockerLogDecoder, type DecodedLine } from './docker-log-decoder.ts';

/** Where the log starts (tail, since) and whether it follows. */
export type ContainerLogOptions = LogStreamOptions;

/** 'ended': Docker closed the log (not following, or the container stopped); 'gone': no such container. */
export type ContainerLogOutcome = 'ended' | 'gone';

/**
 * Streams one container's log into `onLines` until Docker ends it (resolves), it fails (rejects),
 * or `signal` aborts it (resolves 'ended'; the caller ignores it then).
 */
export async function readContainerLog(
  link: HostLink,
  id: string,
  options: ContainerLogOptions,
  signal: AbortSignal,
  onLines: (lines: DecodedLine[]) => void,
): Promise<ContainerLogOutcome> {
  const info = (await link.engine().inspectContainer(id, { signal })) as { Config?: { Tty?: boolean } } | null;
  if (!info) return 'gone';
  const tty = info.Config?.Tty === true;
  if (signal.aborted) return 'ended';
  const engine = link.engine();
  let response: IncomingMessage | null;
  try {
    response = await engine.logStream(id, options, signal);
  } catch (err) {
    if (signal.aborted) return 'ended';
    throw err;
  }
  if (!response) return signal.aborted ? 'ended' : 'gone';
  const decoder = new DockerLogDecoder({ tty, timestamps: true });
  return new Promise<ContainerLogOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: ContainerLogOutcome | Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const abort = () => {
      response.destroy();
      settle('ended');
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    response.on('data', (chunk: Buffer) => {
      const lines = decoder.push(chunk);
      if (lines.length > 0) onLines(lines);
    });
    response.on('end', () => {
      const rest = decoder.end();
      if (rest.length > 0) onLines(rest);
      settle(decoder.engineError ? new Error(`the Docker engine said: ${decoder.engineError}`) : 'ended');
    });
    response.on('error', (err) => settle(err));
    response.on('close', () => settle(new Error('the connection closed before the log ended')));
  });
}
