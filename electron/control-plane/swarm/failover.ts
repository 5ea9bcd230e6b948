// Which manager of a Swarm cluster to try, and when to try the next one, pure. A cluster knows
// several managers: those given when it was added and those learned from the swarm's node list.
// A call goes to the manager that answered last; when that one cannot be reached (its SSH port
// refuses or times out, its engine does not answer, or it is no manager of an active swarm any
// more) the call goes to the next, in this order: the leader the cluster last saw, the managers
// given, then those learned. An error that another manager would only repeat (a key that
// changed, a refused login, a swarm without a leader, a bad request) is not retried.
import { BatonError } from '../../../shared/errors.ts';

export interface KnownManager {
  /** "user@address:port". */
  target: string;
  address: string;
  /** Learned from the node list, not given when the cluster was added. */
  learned: boolean;
}

/** The managers in the order to try them: the one used last, the last leader seen, those given, those learned. */
export function managerOrder(managers: KnownManager[], usedLast: string | null, leaderAddress: string | null): KnownManager[] {
  const rank = (m: KnownManager) => (m.target === usedLast ? 0 : m.address === leaderAddress ? 1 : m.learned ? 3 : 2);
  return managers.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i).map((x) => x.m);
}

const UNREACHABLE_CODES = new Set(['HOST_UNREACHABLE', 'TIMEOUT', 'DOCKER_NOT_FOUND', 'UNAVAILABLE']);
const NETWORK_ERRNO = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|connection (closed|lost)|Timed out while waiting for handshake|No response from server/i;

/** Whether reaching this manager failed in a way another manager may not: then the next is tried. */
export function tryNextManager(err: unknown): boolean {
  if (err instanceof BatonError) {
    if (UNREACHABLE_CODES.has(err.code)) return true;
    // the engine answers but is no manager of an active swarm now (demoted, left, locked)
    if (err.code === 'INVALID_INPUT' && err.details !== undefined && ('localNodeState' in err.details || 'managers' in err.details)) return true;
    if (err.code === 'DOCKER_ERROR') return NETWORK_ERRNO.test(err.message);
    return false;
  }
  return err instanceof Error && NETWORK_ERRNO.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`);
}
