// The local transport for the CLI: newline-delimited JSON over a Unix socket that only this user
// may open (the socket is 0600 inside a 0700 BATON_HOME, so no token is needed).
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { BatonError } from '../../shared/errors.ts';
import type { ControlPlaneLike } from './control-plane-like.ts';
import { LineSplitter } from './line-splitter.ts';
import { openWireConnection } from './wire.ts';

export const MAX_LINE = 16 * 1024 * 1024;

/**
 * A socket nobody answers on is a leftover of a crash and is removed; one that answers is another
 * server. Anything else at the path (a file, a folder) is not Baton's to delete.
 */
async function clearStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stat.isSocket()) {
    const what = stat.isFile() ? 'a regular file' : stat.isDirectory() ? 'a folder' : stat.isSymbolicLink() ? 'a symbolic link' : 'not a socket';
    throw new BatonError(
      'ALREADY_EXISTS',
      `${path} is ${what}, not a socket, so Baton cannot listen there and left it untouched. Move it away, or use another BATON_HOME (--home).`,
    );
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new BatonError('ALREADY_EXISTS', `Another Baton control plane is already serving ${path}. Stop it first, or use another BATON_HOME.`);
  unlinkSync(path);
}

export async function listenOnSocket(plane: ControlPlaneLike, path: string): Promise<net.Server> {
  await clearStaleSocket(path);
  const server = net.createServer((socket) => {
    const write = (message: unknown): void => {
      if (!socket.destroyed && socket.writable) socket.write(JSON.stringify(message) + '\n');
    };
    const wire = openWireConnection(plane, write, { transport: 'local-socket' });
    const splitter = new LineSplitter(MAX_LINE);
    let refused = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (refused) return;
      const { lines, overflow } = splitter.push(chunk);
      for (const line of lines) {
        if (!line.trim()) continue;
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          write({ id: -1, error: { code: 'INVALID_INPUT', message: 'A line was not valid JSON.' } });
          continue;
        }
        wire.receive(message);
      }
      if (overflow) {
        refused = true;
        wire.close();
        const error = { code: 'INVALID_INPUT', message: `A line was longer than ${MAX_LINE / 1024 / 1024} MiB: the connection is closed. Send one JSON message per line, each under that size.` };
        socket.end(JSON.stringify({ id: -1, error }) + '\n', () => socket.destroy());
        setTimeout(() => socket.destroy(), 5000).unref(); // a client that reads nothing more is not waited for
      }
    });
    socket.on('close', () => wire.close());
    socket.on('error', () => wire.close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return server;
}
