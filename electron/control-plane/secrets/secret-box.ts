// Seals small secrets (key passphrases now, stack secrets later) with AES-256-GCM under one
// data key. Headless, the data key is a file readable only by its owner (mode 0600); the desktop
// app can wrap it with the OS keychain instead. A sealed value is "v1:<iv>:<tag>:<ciphertext>".
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const KEY_BYTES = 32;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Loads the data key from `file`, creating it (0600) on first use. */
  static fromKeyFile(file: string): SecretBox {
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      // someone loosened it: tighten rather than refuse, the key itself is still only ours
      chmodSync(file, 0o600);
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(`The key file ${file} is damaged (expected ${KEY_BYTES} bytes of base64). Restore it from a backup; sealed secrets cannot be read without it.`);
    }
    return new SecretBox(key);
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES) throw new Error(`a data key is ${KEY_BYTES} bytes`);
    return new SecretBox(Buffer.from(key));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
