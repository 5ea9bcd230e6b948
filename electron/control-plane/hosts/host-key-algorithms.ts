// Which host key the server shows is the first algorithm of the client's list that it also has.
// A host with an ed25519 and an RSA key, known here by its RSA key, would show its ed25519 key to
// a client that asks for ed25519 first, and look like a new (or changed) host. So, as ssh does
// (sshconnect2.c, order_hostkeyalgs), the algorithms of the key types already known for the host go
// first, in the default order, then the rest: a host that still has its known key shows it.
import type { ServerHostKeyAlgorithm } from 'ssh2';

/** ssh2's default host key algorithms, in its order (ssh2 1.17, lib/protocol/constants.js). */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The key type (as a key blob and known_hosts name it) an algorithm's host key has. */
export function keyTypeOfAlgorithm(algorithm: string): string {
  // RSA keys are "ssh-rsa" whatever the signature hash (RFC 8332)
  return algorithm === 'rsa-sha2-512' || algorithm === 'rsa-sha2-256' ? 'ssh-rsa' : algorithm;
}

/**
 * The host key algorithms to offer, those of the known key types first. Undefined when nothing
 * is known, so the connection offers ssh2's defaults unchanged. A known type ssh2 does not offer
 * by default (ssh-dss) is not added: it stays refused, as ssh refuses DSA.
 */
export function orderHostKeyAlgorithms(knownKeyTypes: readonly string[], defaults: readonly ServerHostKeyAlgorithm[] = DEFAULT_HOST_KEY_ALGORITHMS): ServerHostKeyAlgorithm[] | undefined {
  const known = new Set(knownKeyTypes);
  const first = defaults.filter((a) => known.has(keyTypeOfAlgorithm(a)));
  if (first.length === 0) return undefined;
  return [...first, ...defaults.filter((a) => !known.has(keyTypeOfAlgorithm(a)))];
}
