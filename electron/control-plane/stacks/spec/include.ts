// Top-level `include`: other Compose files whose services, networks, volumes, secrets and
// configs become the stack's. Short form (a path) and long form (`path`, `project_directory`,
// `env_file`), as the Compose Specification writes them.
import type { Path, ProblemList } from './problems.ts';
import { isDict } from './values.ts';

export interface IncludeEntry {
  /** The files, as written (several under one `path:` are one file merged from them: the first is read, the rest refused). */
  paths: { path: string; at: Path }[];
  /** As written, relative to the including file's folder; default the included file's folder. */
  projectDirectory: string | null;
  /** As written; none written: the project directory's `.env`, when there is one. */
  envFiles: { path: string; at: Path }[] | null;
  at: Path;
}

export function readIncludes(problems: ProblemList, value: unknown): IncludeEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.error(['include'], '`include` is a list of files: `include: [other.yaml]`');
    return [];
  }
  const entries: IncludeEntry[] = [];
  value.forEach((item, i) => {
    const at: Path = ['include', i];
    if (typeof item === 'string') {
      entries.push({ paths: [{ path: item, at }], projectDirectory: null, envFiles: null, at });
      return;
    }
    if (!isDict(item)) return; // the schema says what it should be
    const list = (key: string): { path: string; at: Path }[] => {
      const v = item[key];
      if (typeof v === 'string') return [{ path: v, at: [...at, key] }];
      if (Array.isArray(v)) return v.flatMap((p, j) => (typeof p === 'string' ? [{ path: p, at: [...at, key, j] }] : []));
      return [];
    };
    const paths = list('path');
    if (paths.length > 1) {
      // Compose merges them as override files; Baton reads one file per entry
      problems.error([...at, 'path', 1], '`path` lists several files, which Compose merges as overrides; Baton does not merge override files: include each file on its own, or merge them into one');
    }
    entries.push({
      paths: paths.slice(0, 1),
      projectDirectory: typeof item.project_directory === 'string' ? item.project_directory : null,
      envFiles: item.env_file === undefined ? null : list('env_file'),
      at,
    });
  });
  return entries;
}
