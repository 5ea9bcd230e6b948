// Reading typed values out of the parsed file. After interpolation a number may be a string
// ("${REPLICAS}" → "3"), so numbers and booleans are also read from their string form.
import type { Path, ProblemList } from './problems.ts';
import { parseBytes, parseCpus, parseDuration } from './units.ts';

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it after "got": strings quoted and cut short, lists and maps by kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (isDict(value)) return 'a map';
  if (value === null || value === undefined) return 'nothing';
  return String(value);
}

export function got(value: unknown): string {
  return `(got ${shown(value)})`;
}

export interface IntBounds {
  min?: number;
  max?: number;
}

export function readInt(problems: ProblemList, path: Path, value: unknown, bounds: IntBounds = {}): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) {
    problems.error(path, `must be an integer ${got(value)}`);
    return undefined;
  }
  return checkBounds(problems, path, n, value, bounds);
}

export function readNumber(problems: ProblemList, path: Path, value: unknown, bounds: IntBounds = {}): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    problems.error(path, `must be a number ${got(value)}`);
    return undefined;
  }
  return checkBounds(problems, path, n, value, bounds);
}

function checkBounds(problems: ProblemList, path: Path, n: number, value: unknown, { min, max }: IntBounds): number | undefined {
  if (min !== undefined && n < min) {
    problems.error(path, `must be at least ${min} ${got(value)}`);
    return undefined;
  }
  if (max !== undefined && n > max) {
    problems.error(path, `must be at most ${max} ${got(value)}`);
    return undefined;
  }
  return n;
}

export function readBool(problems: ProblemList, path: Path, value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  problems.error(path, `must be true or false ${got(value)}`);
  return undefined;
}

/** A string, or a number or boolean written where a string is meant (`FOO: 1`). */
export function readString(problems: ProblemList, path: Path, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  problems.error(path, `must be a string ${got(value)}`);
  return undefined;
}

export function readDuration(problems: ProblemList, path: Path, value: unknown): number | undefined {
  const ms = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0 : null;
  if (ms === null) {
    problems.error(path, `must be a duration like "10s", "1m30s" or "500ms" ${got(value)}`);
    return undefined;
  }
  return ms;
}

export function readBytes(problems: ProblemList, path: Path, value: unknown): number | undefined {
  const bytes = typeof value === 'string' || typeof value === 'number' ? parseBytes(value) : null;
  if (bytes === null) {
    problems.error(path, `must be a size like "512M", "1g" or "100mb" ${got(value)}`);
    return undefined;
  }
  return bytes;
}

export function readNanoCpus(problems: ProblemList, path: Path, value: unknown): number | undefined {
  const nano = typeof value === 'string' || typeof value === 'number' ? parseCpus(value) : null;
  if (nano === null) {
    problems.error(path, `must be a number of CPUs like 0.5 or "2" ${got(value)}`);
    return undefined;
  }
  return nano;
}

/** One of a few words. */
export function readChoice<T extends string>(problems: ProblemList, path: Path, value: unknown, choices: readonly T[]): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  problems.error(path, `must be one of ${choices.map((c) => `"${c}"`).join(', ')} ${got(value)}`);
  return undefined;
}
