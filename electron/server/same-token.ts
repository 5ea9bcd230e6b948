import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares in constant time (over hashes, so the length of the token does not show either). */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
