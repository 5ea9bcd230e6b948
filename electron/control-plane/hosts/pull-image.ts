// Pulling an image on a host, with a deadline: an offline host's registry lookup must fail, not hang.
import type Docker from 'dockerode';

export function pullImage(docker: Docker, image: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const pull = new Promise<void>((resolve, reject) => {
    docker.pull(image, (err: Error | null, stream: NodeJS.ReadableStream) => {
      if (err) return reject(err);
      docker.modem.followProgress(stream, (doneErr: Error | null) => (doneErr ? reject(doneErr) : resolve()));
    });
  });
  return Promise.race([pull, deadline]).finally(() => clearTimeout(timer));
}

/** Docker's pull errors start with "(HTTP code 404) unexpected - …": keep what a person needs. */
export function pullErrorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/^\(HTTP code \d+\) [a-z ]+ - /, '');
}
