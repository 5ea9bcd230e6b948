// Collects the problems found in a stack file, each placed at its line and column.
import type { SpecProblem } from '../../../../shared/stack.ts';

/** A path into the parsed file: keys and list indexes, as in JSON. */
export type Path = readonly (string | number)[];

export interface Place {
  line: number;
  column: number;
  /** The file it is in, when not the list's own (a service written in an included file). */
  file?: string;
}

/** Finds where a path is in the source; `key` asks for the key of a map entry rather than its value. */
export interface Locator {
  place(path: Path, at: 'key' | 'value'): Place;
  /** The scalar at the path as the file writes it (quotes included), when there is one. */
  rawScalar?(path: Path): string | null;
}

export function dotted(path: Path): string {
  return path.map(String).join('.');
}

export function isUnder(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

export interface ProblemOptions {
  /** Point at the key of the entry rather than its value (unknown or unsupported keys). */
  at?: 'key' | 'value';
  /** Place it at another path than the one it is about (a missing key: at its map). */
  placeAt?: Path;
  /** A place in another file (an env_file). */
  elsewhere?: { file: string; line: number; column: number };
  /** The character of the value it is about (0 = its first): placed there, past an opening quote. */
  within?: number;
}

export class ProblemList {
  readonly items: SpecProblem[] = [];

  constructor(
    readonly file: string,
    private readonly locator: Locator | null,
  ) {}

  error(path: Path, message: string, options: ProblemOptions = {}): void {
    this.report('error', path, message, options);
  }

  warn(path: Path, message: string, options: ProblemOptions = {}): void {
    this.report('warning', path, message, options);
  }

  /** A problem at a known place (a `${VAR}` inside a scalar). */
  addAt(severity: SpecProblem['severity'], path: Path, place: Place, message: string): void {
    this.items.push({ file: place.file ?? this.file, line: place.line, column: place.column, path: dotted(path), message: withPath(path, message), severity });
  }

  hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }

  private report(severity: SpecProblem['severity'], path: Path, message: string, options: ProblemOptions): void {
    if (options.elsewhere) {
      const { file, line, column } = options.elsewhere;
      this.items.push({ file, line, column, path: dotted(path), message: withPath(path, message), severity });
      return;
    }
    let place = this.locator?.place(options.placeAt ?? path, options.at ?? 'value') ?? { line: 0, column: 0 };
    if (options.within !== undefined && place.line > 0) {
      const raw = this.locator?.rawScalar?.(path) ?? '';
      place = { ...place, column: place.column + options.within + (raw.startsWith('"') || raw.startsWith("'") ? 1 : 0) };
    }
    this.addAt(severity, path, place, message);
  }
}

function withPath(path: Path, message: string): string {
  return path.length === 0 ? message : `${dotted(path)}: ${message}`;
}

/**
 * File order: the stack file's problems first (those without a place before the rest), then those
 * in other files (env_file), each by line and column; ties keep the order found.
 */
export function sortProblems(problems: SpecProblem[], mainFile: string): SpecProblem[] {
  const rank = (p: SpecProblem) => (p.file === mainFile ? '' : p.file);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p).localeCompare(rank(b.p)) || a.p.line - b.p.line || a.p.column - b.p.column || a.i - b.i)
    .map(({ p }) => p);
}

/** One problem on one line, as compilers say it: "compose.yaml:12:7: error: services.web…". */
export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${where}: ${p.severity}: ${p.message}`;
}
