// Host-key verification, as OpenSSH does it: a key seen before must be the same key; a new key
// is accepted only when the person confirms it (or pinned it, or asked to trust new keys).
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export interface PresentedKey {
  keyType: string;
  fingerprint: string;
}

/** `SHA256:<base64, no padding>` of an SSH public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type is the first string of the SSH wire encoding ("ssh-ed25519", "ssh-rsa", …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}

export function describeKey(keyBlob: Buffer): PresentedKey {
  return { keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
}

/** "address" for port 22, "[address]:port" otherwise: how known_hosts names an endpoint. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(name);
}

/** Keys an OpenSSH known_hosts file holds for an endpoint (hashed names, patterns and negations honoured). */
export function keysFromKnownHosts(text: string, address: string, port: number): PresentedKey[] {
  const name = knownHostsName(address, port);
  const keys: PresentedKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) {
      // @cert-authority lines vouch for certificates, not keys; @revoked keys are never trusted
      continue;
    }
    const [patterns, keyType, keyB64] = fields;
    if (!patterns || !keyType || !keyB64) continue;
    let matched = false;
    let negated = false;
    for (const p of patterns.split(',')) {
      if (p.startsWith('!')) {
        if (patternMatches(p.slice(1), name)) negated = true;
      } else if (patternMatches(p, name)) matched = true;
    }
    if (!matched || negated) continue;
    keys.push({ keyType, fingerprint: fingerprintOf(Buffer.from(keyB64, 'base64')) });
  }
  return keys;
}

export function keysFromKnownHostsFile(file: string, address: string, port: number): PresentedKey[] {
  if (!existsSync(file)) return [];
  try {
    return keysFromKnownHosts(readFileSync(file, 'utf8'), address, port);
  } catch {
    return []; // an unreadable known_hosts is as good as none: the person will be asked
  }
}

export type HostKeyVerdict =
  | { accept: true; remember: boolean; how: 'known' | 'pinned' | 'trusted-new' }
  | { accept: false; problem: 'unknown' }
  | { accept: false; problem: 'changed'; expected: string }
  | { accept: false; problem: 'pin-mismatch'; expected: string };

/**
 * The decision, pure. `remembered` is Baton's own memory of this endpoint; `systemKnown` is what
 * ~/.ssh/known_hosts says. A pin overrides both (the person has just said which key is right).
 */
export function decideHostKey(input: {
  presented: PresentedKey;
  remembered: PresentedKey | null;
  systemKnown: PresentedKey[];
  pin?: string | undefined;
  trustNew?: boolean | undefined;
}): HostKeyVerdict {
  const { presented, remembered, systemKnown, pin, trustNew } = input;
  if (pin !== undefined) {
    return presented.fingerprint === pin
      ? { accept: true, remember: true, how: 'pinned' }
      : { accept: false, problem: 'pin-mismatch', expected: pin };
  }
  if (remembered) {
    return remembered.fingerprint === presented.fingerprint
      ? { accept: true, remember: false, how: 'known' }
      : { accept: false, problem: 'changed', expected: remembered.fingerprint };
  }
  if (systemKnown.some((k) => k.fingerprint === presented.fingerprint)) {
    return { accept: true, remember: true, how: 'known' };
  }
  const sameType = systemKnown.find((k) => k.keyType === presented.keyType);
  if (sameType) return { accept: false, problem: 'changed', expected: sameType.fingerprint };
  if (trustNew) return { accept: true, remember: true, how: 'trusted-new' };
  return { accept: false, problem: 'unknown' };
}
