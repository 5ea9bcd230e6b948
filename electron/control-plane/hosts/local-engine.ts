// A Docker engine on this machine is the quickest first host: offer it when it answers.
import { existsSync } from 'node:fs';
import type { LocalEngineOffer } from '../../../shared/api.ts';
import { HostSession } from './host-session.ts';

export const DEFAULT_LOCAL_SOCKET = '/var/run/docker.sock';

export async function findLocalEngine(socketPath = DEFAULT_LOCAL_SOCKET): Promise<Omit<LocalEngineOffer, 'alreadyAdded'> | null> {
  if (!existsSync(socketPath)) return null;
  const session = HostSession.local(socketPath);
  try {
    const answer = await session.request('/info', 2000);
    const info = JSON.parse(answer.body) as { Name?: unknown; ServerVersion?: unknown };
    if (answer.status !== 200 || typeof info.Name !== 'string' || typeof info.ServerVersion !== 'string') return null;
    return { socketPath, hostname: info.Name, dockerVersion: info.ServerVersion };
  } catch {
    return null; // there, but not answering (or not ours to use): nothing to offer
  } finally {
    session.close();
  }
}
