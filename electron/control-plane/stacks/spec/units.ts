// Compose's duration, size and CPU notations, read the way Docker reads them.

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Go's time.ParseDuration, which Compose uses: "1m30s", "500ms", "10s", "1.5h", "0".
 * Returns milliseconds (fractional below 1 ms), or null if it is not a duration.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return null;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    part.lastIndex = i;
    const m = part.exec(s);
    if (!m) return null;
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    i = part.lastIndex;
  }
  return total;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/**
 * Docker's RAMInBytes (go-units), which Compose uses for memory: binary units, any case, an
 * optional "b" or "ib": "512M", "1g", "100mb", "1.5GiB", "1024". Returns bytes, or null.
 */
export function parseBytes(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?(?:i?b)?$/i.exec(value.trim());
  if (!m) return null;
  // "100b" alone is bytes; "b" after a unit letter is the unit's ("mb").
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]!);
}

/** CPUs as a number or numeric string ("0.5") to nano-CPUs (5e8), or null. */
export function parseCpus(value: string | number): number | null {
  const n = typeof value === 'number' ? value : /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1e9) : null;
}
