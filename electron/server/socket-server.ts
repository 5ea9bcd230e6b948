// The local transport for the CLI: newline-delimited JSON over a Unix socket that only this user
// may open (the socket is 0600 inside a 0700 BATON_HOME, so no token is needed).
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import type { ControlPlaneLike } from './control-plane-like.ts';
import { openWireConnection } from './wire.ts';

const MAX_LINE = 16 * 1024 * 1024;

/** A socket file nobody answers on is a leftover of a crash; one that answers is another server. */
async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`Another Baton control plane is already serving ${path}. Stop it first, or use another BATON_HOME.`);
  unlinkSync(path);
}

export async function listenOnSocket(plane: ControlPlaneLike, path: string): Promise<net.Server> {
  await clearStaleSocket(path);
  const server = net.createServer((socket) => {
    const wire = openWireConnection(
      plane,
      (message) => {
        if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
      },
      { transport: 'local-socket' },
    );
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_LINE) {
        socket.destroy();
        return;
      }
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line.trim()) continue;
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          socket.write(JSON.stringify({ id: -1, error: { code: 'INVALID_INPUT', message: 'A line was not valid JSON.' } }) + '\n');
          continue;
        }
        wire.receive(message);
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
