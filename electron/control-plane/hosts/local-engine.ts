// A Docker engine on this machine is the quickest first host: offer it when it answers.
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { LocalEngineOffer } from '../../../shared/api.ts';

export const DEFAULT_LOCAL_SOCKET = '/var/run/docker.sock';

function get(socketPath: string, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export async function findLocalEngine(socketPath = DEFAULT_LOCAL_SOCKET): Promise<Omit<LocalEngineOffer, 'alreadyAdded'> | null> {
  if (!existsSync(socketPath)) return null;
  try {
    const info = (await get(socketPath, '/info', 2000)) as { Name?: unknown; ServerVersion?: unknown };
    if (typeof info.Name !== 'string' || typeof info.ServerVersion !== 'string') return null;
    return { socketPath, hostname: info.Name, dockerVersion: info.ServerVersion };
  } catch {
    return null; // there, but not answering (or not ours to use): nothing to offer
  }
}
