// What the service-level readers share while a stack file is turned into a StackSpec.
import type { NetworkDeclaration, VolumeDeclaration } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';

export interface Declared {
  secrets: ReadonlySet<string>;
  configs: ReadonlySet<string>;
  volumes: ReadonlySet<string>;
  networks: ReadonlySet<string>;
}

export interface SpecContext {
  /** The stack file's path (for messages) and its folder (relative paths are resolved from it). */
  file: string;
  dir: string;
  env: Readonly<Record<string, string>>;
  /**
   * A file the stack names (env_file), by its path as written: its content as the client sent it
   * with the stack, or undefined when it was not sent. Nothing is read from the disk.
   */
  readFile: (path: string, required: boolean, what?: string) => string | undefined;
  /** Where a file the stack names is, as the client knows it (beside the stack file): for messages. */
  clientPath: (path: string) => string;
  problems: ProblemList;
  declared: Declared;
  /** The top-level volumes as declared: a service's mount of one carries its declaration. */
  volumeDeclarations: Readonly<Record<string, VolumeDeclaration>>;
  /** The top-level networks as declared: a service's join of one carries its declaration. */
  networkDeclarations: Readonly<Record<string, NetworkDeclaration>>;
  /** A scalar as written in the file, where YAML 1.2 and Compose read it differently (octal modes). */
  rawScalar: (path: Path) => string | null;
}

export function lookupEnv(env: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

/**
 * A scalar as text the way Compose reads it into a string: as written. YAML would make
 * `VERSION: 1.10` the number 1.1 and `MODE: 0x1F` 31; Compose passes "1.10" and "0x1F".
 */
export function scalarText(ctx: SpecContext, path: Path, value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  return ctx.rawScalar(path)?.trim() ?? String(value);
}
