// Host-key verification, as OpenSSH does it: a key seen before must be the same key; a new key
// is accepted only when the person confirms it (or pinned it, or asked to trust new keys); a
// revoked key never. The decisions are pure; reading ~/.ssh/known_hosts is the one effect here.
import { existsSync, readFileSync } from 'node:fs';
import { fingerprintOf, keyTypeOf, knowledgeOf, parseKnownHosts, type KnownHostsLine, type KnownHostsLookup } from './known-hosts.ts';

export { fingerprintOf, keyTypeOf } from './known-hosts.ts';

export interface PresentedKey {
  keyType: string;
  fingerprint: string;
}

/** A key known from somewhere, and where: "/home/me/.ssh/known_hosts:3", "Baton's record of 10.0.0.5:22". */
export interface KnownKey {
  /** Null when only the fingerprint was kept. */
  keyType: string | null;
  fingerprint: string;
  where: string;
}

/** What ~/.ssh/known_hosts says about one host (see known-hosts.ts for which lines count how). */
export interface SystemKnown {
  keys: KnownKey[];
  fallbackKeys: KnownKey[];
  revoked: KnownKey[];
}

export const NOTHING_KNOWN: SystemKnown = { keys: [], fallbackKeys: [], revoked: [] };

export function describeKey(keyBlob: Buffer): PresentedKey {
  return { keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
}

/**
 * Reads a known_hosts file for one host. A line that can't be read is skipped and told to `warn`
 * with its file:line; the rest of the file still counts. A missing file knows nothing.
 */
export function readKnownHostsFile(file: string, lookup: KnownHostsLookup, warn: (where: string, message: string) => void): SystemKnown {
  if (!existsSync(file)) return NOTHING_KNOWN;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // as ssh does with an unreadable file: go on without it (a new key is then asked about)
    warn(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); its keys are not used`);
    return NOTHING_KNOWN;
  }
  const parsed = parseKnownHosts(text);
  for (const p of parsed.problems) warn(`${file}:${p.line}`, `${p.message}; this line is skipped`);
  const knowledge = knowledgeOf(parsed, lookup);
  const known = (line: KnownHostsLine): KnownKey => ({ keyType: line.keyType, fingerprint: line.fingerprint, where: `${file}:${line.line}` });
  return { keys: knowledge.keys.map(known), fallbackKeys: knowledge.fallbackKeys.map(known), revoked: knowledge.revoked.map(known) };
}

export type HostKeyVerdict =
  | { accept: true; remember: boolean; how: 'known' | 'pinned' | 'trusted-new' }
  | { accept: false; problem: 'unknown' }
  /** Another key is known for the host: of the same type (changed), or of another type the host no longer offers. */
  | { accept: false; problem: 'changed'; expected: KnownKey }
  | { accept: false; problem: 'pin-mismatch'; expected: string }
  | { accept: false; problem: 'revoked'; revoked: KnownKey }
  /** Reconnecting to a host whose key was never stored: nothing to check the key against. */
  | { accept: false; problem: 'no-stored-key'; host: string };

/** The key types known for a host, to ask the host for first (host-key-algorithms.ts). */
export function knownKeyTypes(remembered: KnownKey | null, system: SystemKnown): string[] {
  const types = [remembered, ...system.keys, ...system.fallbackKeys].map((k) => k?.keyType).filter((t): t is string => !!t);
  return [...new Set(types)];
}

/**
 * The decision on first contact (host add), pure. `remembered` is Baton's own memory of this
 * endpoint; `system` is what ~/.ssh/known_hosts says. Revoked beats everything; then a pin
 * overrides the rest (the person has just said which key is right).
 */
export function decideHostKey(input: {
  presented: PresentedKey;
  remembered: KnownKey | null;
  system: SystemKnown;
  pin?: string | undefined;
  trustNew?: boolean | undefined;
}): HostKeyVerdict {
  const { presented, remembered, system, pin, trustNew } = input;
  const same = (k: KnownKey) => k.fingerprint === presented.fingerprint;
  const revoked = system.revoked.find(same);
  if (revoked) return { accept: false, problem: 'revoked', revoked };
  if (pin !== undefined) {
    return presented.fingerprint === pin ? { accept: true, remember: true, how: 'pinned' } : { accept: false, problem: 'pin-mismatch', expected: pin };
  }
  if (remembered) {
    return same(remembered) ? { accept: true, remember: false, how: 'known' } : { accept: false, problem: 'changed', expected: remembered };
  }
  if (system.keys.some(same)) return { accept: true, remember: true, how: 'known' };
  // as ssh: any other key known for the host makes this one "changed", of whatever type; the
  // host was asked for the known types first, so a key of another type means it has none of them
  if (system.keys.length > 0) {
    const expected = system.keys.find((k) => k.keyType === presented.keyType) ?? system.keys[0]!;
    return { accept: false, problem: 'changed', expected };
  }
  if (system.fallbackKeys.some(same)) return { accept: true, remember: true, how: 'known' };
  if (trustNew) return { accept: true, remember: true, how: 'trusted-new' };
  return { accept: false, problem: 'unknown' };
}

/**
 * The decision on reconnect, pure: the key stored for the host is the only one accepted, and a
 * host with no stored key is refused (fail closed) rather than trusted with whatever it shows.
 */
export function decideReconnectKey(input: { host: string; presented: PresentedKey; stored: KnownKey | null; revoked: KnownKey[] }): HostKeyVerdict {
  const { host, presented, stored, revoked } = input;
  const revokedKey = revoked.find((k) => k.fingerprint === presented.fingerprint);
  if (revokedKey) return { accept: false, problem: 'revoked', revoked: revokedKey };
  if (stored === null) return { accept: false, problem: 'no-stored-key', host };
  if (stored.fingerprint === presented.fingerprint) return { accept: true, remember: false, how: 'known' };
  return { accept: false, problem: 'changed', expected: stored };
}
