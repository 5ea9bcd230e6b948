// Readiness probes: does a host's sshd greet, does its Docker engine answer.
import { request } from 'node:http';
import { connect } from 'node:net';
import { sleep, tailFile } from './exec.ts';

// Resolves true when something at address:port sends an SSH identification line.
export function sshGreets(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.on('end', () => done(false));
  });
}

// GET path on a Docker engine's Unix socket; resolves the status code (0 if no answer).
export function dockerGet(socketPath: string, path: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function dockerAnswers(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return (await dockerGet(socketPath, '/_ping', timeoutMs)) === 200;
}

export interface WaitSpec {
  what: string; // 'sshd of baton-lab-1'
  ready: () => Promise<boolean>;
  alive?: () => Promise<boolean>; // false = the daemon died: fail at once
  logFile: string;
  timeoutMs?: number;
}

// Polls until ready; on timeout or death throws with the tail of the daemon's log.
export async function waitReady(spec: WaitSpec): Promise<void> {
  const timeoutMs = spec.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (await spec.ready()) return;
    const died = spec.alive ? !(await spec.alive()) : false;
    if (died || Date.now() > deadline) {
      const why = died ? 'exited' : `did not answer within ${timeoutMs / 1000} s`;
      throw new Error(`${spec.what} ${why}; last lines of ${spec.logFile}:\n${await tailFile(spec.logFile)}`);
    }
    await sleep(delay);
  }
}
