// The Compose editor's logic without React: the stack name a draft gets, its ${VAR} variables,
// and the control plane's problems of the draft (editor-diagnostics.ts places them in the text).
import type { BatonError } from '../../../../shared/errors.ts';

/** As the control plane checks it (electron/control-plane/stacks/spec/service.ts NAME_PATTERN). */
export const STACK_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a pasted draft is called when it has no file name. */
export const PASTED_FILE = 'compose.yaml';

const GENERIC_FILE = /^(docker-)?compose(\.[a-z0-9_-]+)?\.ya?ml$/i;

/** Made name-safe as Compose does for folder names: lowercase, only [a-z0-9_-], no leading _ or -. */
export function toStackName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '').slice(0, 63);
}

/** The top-level `name:` of a Compose file, when it is a plain value. */
export function composeName(source: string): string | null {
  const match = /^name:[ \t]*(["']?)([^"'#\s]+)\1[ \t]*(?:#.*)?$/m.exec(source);
  if (match === null || match[2]!.includes('$')) return null;
  return match[2]!;
}

/**
 * The stack name a draft gets unless the person types one: `name:` in the file, else the file's
 * name ("shop.yaml" → "shop", "compose.shop.yml" → "shop"); "" for a generic name like compose.yaml.
 */
export function defaultStackName(source: string, fileName: string): string {
  const named = composeName(source);
  if (named !== null) return named;
  const base = fileName.replace(/^.*[/\\]/, '');
  const withoutExt = base.replace(/\.ya?ml$/i, '');
  if (GENERIC_FILE.test(base)) {
    const inner = /^(?:docker-)?compose\.(.+)$/i.exec(withoutExt);
    return inner === null ? '' : toStackName(inner[1]!);
  }
  return toStackName(withoutExt.replace(/[.-](docker-)?compose$/i, ''));
}

export function stackNameProblem(name: string): string | null {
  if (name === '') return 'Name the stack (or give the file a top-level name:).';
  if (!STACK_NAME_PATTERN.test(name)) return 'Lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63.';
  return null;
}

export interface ParsedVariables {
  env: Record<string, string>;
  problems: Array<{ line: number; message: string }>;
}

/** `KEY=value` lines, as in a .env file: `export` allowed, `#` comments, one pair of quotes stripped. */
export function parseVariables(text: string): ParsedVariables {
  const env: Record<string, string> = {};
  const problems: ParsedVariables['problems'] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) {
      problems.push({ line: index + 1, message: `line ${index + 1}: write NAME=value (a name is letters, digits and _, not starting with a digit)` });
      return;
    }
    env[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  });
  return { env, problems };
}

export interface VariableUse {
  name: string;
  /** `${NAME:-default}` / `${NAME-default}`: works without a value. */
  hasDefault: boolean;
}

/** The variables a file mentions, in order of first use (`$$` is an escaped dollar, not a variable). */
export function referencedVariables(source: string): VariableUse[] {
  const found = new Map<string, VariableUse>();
  const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+=])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const match of source.matchAll(pattern)) {
    if (match[0] === '$$') continue;
    // skip comments: a # at the start of the line or after whitespace, before the match
    const lineStart = source.lastIndexOf('\n', match.index) + 1;
    if (/(^|\s)#/.test(source.slice(lineStart, match.index))) continue;
    const name = match[1] ?? match[3]!;
    const hasDefault = match[2] === '-' || match[2] === ':-';
    const seen = found.get(name);
    if (seen === undefined) found.set(name, { name, hasDefault });
    else if (!hasDefault) seen.hasDefault = false;
  }
  return [...found.values()];
}

/** Variables the file needs that have no value and no default. */
export function missingVariables(source: string, env: Record<string, string>): string[] {
  return referencedVariables(source)
    .filter((v) => !v.hasDefault && !Object.hasOwn(env, v.name))
    .map((v) => v.name);
}

export interface DraftProblem {
  /** 1-based; 0 when it has no place in the draft (another file, or the cluster). */
  line: number;
  column: number;
  message: string;
  /** Dotted path into the file ("services.web.deploy.replicas"), "" when none. */
  path: string;
  severity: 'error' | 'warning';
  /** Another file than the draft (an env_file): its name. */
  otherFile: string | null;
}

interface SpecProblemLike {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

function isSpecProblem(value: unknown): value is SpecProblemLike {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p['file'] === 'string' && typeof p['line'] === 'number' && typeof p['message'] === 'string';
}

function fromSpecProblem(p: SpecProblemLike, file: string): DraftProblem {
  const here = p.file === file;
  return {
    line: here ? Math.max(0, p.line) : 0,
    column: here ? Math.max(0, p.column) : 0,
    message: p.message,
    path: typeof p.path === 'string' ? p.path : '',
    severity: p.severity === 'warning' ? 'warning' : 'error',
    otherFile: here ? null : `${p.file}${p.line > 0 ? `:${p.line}` : ''}`,
  };
}

/**
 * A rejected apply, as problems of the draft. File problems come as `details.problems` of
 * SpecProblem objects (with line and column); problems only the cluster sees (ports taken, no host
 * fits, image missing) come as plain sentences. `null` when the error is not about the file at all.
 */
export function problemsOfError(error: BatonError, file: string): DraftProblem[] | null {
  const listed = error.details?.['problems'];
  if (!Array.isArray(listed) || listed.length === 0) return null;
  const problems: DraftProblem[] = [];
  for (const item of listed) {
    if (isSpecProblem(item)) problems.push(fromSpecProblem(item, file));
    else if (typeof item === 'string') problems.push({ line: 0, column: 0, message: item, path: '', severity: 'error', otherFile: null });
  }
  return problems.length > 0 ? problems : null;
}

/** Warnings a plan carries (SpecProblem objects), as draft problems. */
export function problemsOfWarnings(warnings: readonly unknown[], file: string): DraftProblem[] {
  return warnings.filter(isSpecProblem).map((w) => fromSpecProblem(w, file));
}
