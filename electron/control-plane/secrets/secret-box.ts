// Seals small secrets (key passphrases, stack environment values, stack files) with AES-256-GCM
// under one data key (see data-key.ts for where that key lives).
//
// A sealed value is "v2:<iv>:<tag>:<ciphertext>", sealed for one place: the context (e.g.
// "host:web-1:passphrase") is GCM's associated data, so a value copied into another row, or
// another field of the same row, does not open there. Baton 0.1.0 wrote "v1:…" values with no
// context: they open only through openLegacy, used once to rewrite a store as v2 (see
// store/seal-legacy.ts); open refuses them, so an old value planted later can't be replayed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const DATA_KEY_BYTES = 32;

/** What a sealed value belongs to: its place in the store, written as associated data. */
export const sealedFor = {
  hostPassphrase: (host: string): string => context('host', host, 'passphrase'),
  stackSource: (stack: string): string => context('stack', stack, 'source'),
  stackEnv: (stack: string, service: string, key: string): string => context('stack', stack, 'env', service, key),
  /** A secret's or config's value at one version; stack '' for those made with `baton secret create`. */
  file: (kind: 'secret' | 'config', stack: string, name: string, version: number): string => context('file', kind, stack, name, String(version)),
};

// Each part escaped, so "a:b" + "c" and "a" + "b:c" can never be the same context.
function context(...parts: string[]): string {
  return parts.map(encodeURIComponent).join(':');
}

export function isSealed(value: string): boolean {
  return value.startsWith('v2:');
}

export function isLegacySealed(value: string): boolean {
  return value.startsWith('v1:');
}

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`a data key is ${DATA_KEY_BYTES} bytes`);
    return new SecretBox(Buffer.from(key));
  }

  /** Seals `plain` for `context`: it opens only with the same key and the same context. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v2', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string, context: string): string {
    if (isLegacySealed(sealed)) {
      throw new Error(`The sealed value of ${context} is in the old v1 form, which Baton no longer opens once a store has been rewritten; seal it again (remove and add the host, or apply the stack again).`);
    }
    const [version, iv, tag, body, extra] = sealed.split(':');
    if (version !== 'v2' || !iv || !tag || body === undefined || extra !== undefined) throw new Error(`The value stored for ${context} is not a sealed value.`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`The sealed value of ${context} does not open: it was sealed for another place, altered, or sealed with another data key (was data.key replaced?).`);
    }
  }

  /** Opens a v1 value (Baton 0.1.0: no context). Only for rewriting an old store as v2. */
  openLegacy(sealed: string): string {
    const [version, iv, tag, body, extra] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined || extra !== undefined) throw new Error('not a v1 sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
