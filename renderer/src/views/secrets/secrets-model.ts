// The secrets view's logic, pure: how a secret is shown (never its value: the control plane sends
// none), what a name made from a file's name is, what is wrong with a file before it is sent, and
// the value's base64 for the one call that carries it (secret.create, secret.set).
import type { SecretInfo } from '../../../../shared/api.ts';
import { formatBytes } from '../hosts/format.ts';

/** As shared/api.ts: SECRET_MAX_BYTES and SecretName (imported as plain values: the renderer needs no zod here). */
export const SECRET_MAX_BYTES = 500 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface SecretRow {
  name: string;
  /** "Baton's store" or "stack shop". */
  origin: string;
  /** Only Baton's own secrets are rotated or removed here; a stack's go with its stack. */
  managed: boolean;
  size: string;
  version: string;
  /** "shop/web, shop/api" or "no service". */
  users: string;
  updated: string;
}

export function secretRow(s: SecretInfo): SecretRow {
  return {
    name: s.name,
    origin: s.stack === null ? "Baton's store" : `stack ${s.stack}`,
    managed: s.stack === null,
    size: formatBytes(s.size),
    version: `v${s.version}`,
    users: s.services.length === 0 ? 'no service' : [...s.services].sort().join(', '),
    updated: s.updatedAt,
  };
}

/** Baton's own first, then by name. */
export function sortSecrets(list: readonly SecretInfo[]): SecretInfo[] {
  return [...list].sort((a, b) => (a.stack === null ? 0 : 1) - (b.stack === null ? 0 : 1) || a.name.localeCompare(b.name));
}

/** A secret name from a file's name: "db-password.txt" → "db-password"; what does not fit the pattern becomes "_". */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(txt|secret|key|pem)$/i, '');
  const cleaned = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned;
}

export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Name the secret';
  return NAME.test(name) ? null : 'A secret name is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit';
}

export function fileProblem(file: { size: number } | null): string | null {
  if (file === null) return 'Choose the file that holds the value';
  if (file.size > SECRET_MAX_BYTES) return `The file is ${formatBytes(file.size)}; a secret is at most ${SECRET_MAX_BYTES / 1024} KB`;
  return null;
}

/** Any bytes as base64, the way the API takes a value. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** What a rotation's answer means: the new version, and who rolls out for it. */
export function rotatedText(answer: { name: string; version: number; rolling: string[] }): string {
  const rolling = answer.rolling.length === 0 ? 'no service uses it, so nothing rolls out' : `rolling out ${answer.rolling.join(', ')}`;
  return `${answer.name} is at v${answer.version}: ${rolling}.`;
}
