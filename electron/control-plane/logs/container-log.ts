// One container's log, read over its host's link: the TTY question is a short call, the log itself
// rides the link's pool for long streams (never a short-call channel, which it would hold for as
// long as it follows).
import type { IncomingMessage } from 'node:http';
import type { HostLink } from '../hosts/host-link.ts';
import { DockerLogDecoder, type DecodedLine } from './docker-log-decoder.ts';

export interface ContainerLogOptions {
  /** Lines from the end to start with, or every line. */
  tail: number | 'all';
  follow: boolean;
  /** Docker's `since` (seconds.nanoseconds), or null for no lower bound. */
  since: string | null;
}

/** 'ended': Docker closed the log (not following, or the container stopped); 'gone': no such container. */
export type ContainerLogOutcome = 'ended' | 'gone';

interface ModemLike {
  dial(options: Record<string, unknown>, callback: (err: (Error & { statusCode?: number }) | null, data: unknown) => void): void;
}

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

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
  let tty: boolean;
  try {
    const info = (await link.docker().getContainer(id).inspect({ abortSignal: signal })) as { Config?: { Tty?: boolean } };
    tty = info.Config?.Tty === true;
  } catch (err) {
    if (isNotFound(err)) return 'gone';
    throw err;
  }
  if (signal.aborted) return 'ended';
  const modem = (link.streams() as unknown as { modem: ModemLike }).modem;
  let response: IncomingMessage;
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) => {
      modem.dial(
        {
          path: `/containers/${id}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: signal,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: {
            stdout: true,
            stderr: true,
            timestamps: true,
            follow: options.follow,
            tail: String(options.tail),
            ...(options.since !== null ? { since: options.since } : {}),
          },
        },
        (err, data) => (err ? reject(err) : resolve(data as IncomingMessage)),
      );
    });
  } catch (err) {
    if (signal.aborted) return 'ended';
    if (isNotFound(err)) return 'gone';
    throw err;
  }
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
