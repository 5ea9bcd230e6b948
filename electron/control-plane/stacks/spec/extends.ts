// A service's `extends`: the service it starts from, in the same file or in `file:` (relative to
// the file that says it), as the Compose Specification writes it. Merging is compose-merge.ts;
// finding the file and the chain of services is the loader's.
import type { Path, ProblemList } from './problems.ts';
import { isDict } from './values.ts';

export interface ExtendsRef {
  service: string;
  /** As written (already relative to the stack file's folder for a file loaded from elsewhere); null: the same file. */
  file: string | null;
  at: Path;
}

export function readExtends(problems: ProblemList, servicePath: Path, value: unknown): ExtendsRef | null {
  const at: Path = [...servicePath, 'extends'];
  if (typeof value === 'string') return value === '' ? null : { service: value, file: null, at };
  if (!isDict(value)) return null; // the schema says what it should be
  if (typeof value.service !== 'string' || value.service === '') {
    problems.error(at, '`extends` names the service it starts from: `extends: { service: base }` (with `file:` when it is in another file)');
    return null;
  }
  return { service: value.service, file: typeof value.file === 'string' && value.file !== '' ? value.file : null, at };
}

/** "web (compose.yaml) → base (common.yaml) → web (compose.yaml)": a chain as messages say it. */
export function chainText(chain: readonly { service: string; file: string }[]): string {
  return chain.map((c) => `${c.service} (${c.file})`).join(' → ');
}
