// `baton apply` and `baton config` read a stack here, on the client's side: the stack file (given,
// or found by Compose's default names), the files it loads (include, extends, further -f files)
// and those it names (env_file, secret and config files), and the variables they mention. The
// control plane reads no file a stack names, whatever the transport. This module stays light: the
// parser only, no control plane, no SSH, no Docker client, no database.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { STACK_FILES_LIMITS } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import { filesNamedBy, variablesNamedBy } from '../../control-plane/stacks/spec/parse-stack.ts';
import { activeProfiles } from '../../control-plane/stacks/spec/profiles.ts';

/** The names Compose looks for when no file is given, in its order. */
export const DEFAULT_STACK_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** The stack file of a folder, by Compose's default names. */
export function findStackFile(dir: string): string {
  for (const name of DEFAULT_STACK_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new BatonError('INVALID_INPUT', `No stack file given and none in ${dir}: looked for ${DEFAULT_STACK_FILES.join(', ')}.`, { dir }, 'Give one with -f FILE, or run this in the folder that has it.');
}

/** What `stack.apply` and `baton config` parse: the stack file and everything it loads and names. */
export interface StackInput {
  source: string;
  file: string;
  env: Record<string, string>;
  files: Record<string, string>;
  overrides: string[];
  profiles: string[];
}

/**
 * Reads a stack as the client has it: `paths` (none: the folder's default file), the first the
 * stack file and the rest merged over it; `profiles` from --profile, COMPOSE_PROFILES added.
 */
export function readStackInput(paths: readonly string[], profiles: readonly string[], cwd = process.cwd(), environment: NodeJS.ProcessEnv = process.env): StackInput {
  const file = paths.length > 0 ? resolve(cwd, paths[0]!) : findStackFile(cwd);
  const source = readStack(file, paths[0] ?? file);
  const dir = dirname(file);
  // the further -f files, by their path from the stack file's folder: as the parser looks them up
  const overrides: string[] = [];
  const extra: Record<string, string> = {};
  for (const p of paths.slice(1)) {
    const full = resolve(cwd, p);
    const key = relative(dir, full) || full;
    extra[key] = readStack(full, p);
    overrides.push(key);
  }
  const active = activeProfiles(profiles, environment.COMPOSE_PROFILES);
  let env = variablesFor([source, ...Object.values(extra)], file, { ...extra }, environment);
  let files = readStackFiles(source, file, env, extra, overrides);
  // what the loaded files mention, now that they are read
  const again = variablesFor([source, ...Object.values(files)], file, files, environment);
  if (JSON.stringify(again) !== JSON.stringify(env)) {
    env = again;
    files = readStackFiles(source, file, env, extra, overrides);
  }
  return { source, file, env, files, overrides, profiles: active };
}

function readStack(full: string, asGiven: string): string {
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new BatonError('INVALID_INPUT', `Cannot read ${asGiven}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`, { file: asGiven });
  }
}

/**
 * The variables the files mention ($VAR, ${VAR…}) and those the stack's secrets and configs take
 * their value from (`environment: NAME`), from the environment and then a .env beside the stack file.
 */
export function variablesFor(texts: readonly string[], file: string, files: Record<string, string>, environment: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const names = new Set(texts.flatMap((text) => [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!)));
  for (const name of variablesNamedBy({ text: texts[0] ?? '', file, files })) names.add(name);
  const fromDotEnv: Record<string, string> = {};
  const dotEnv = resolve(dirname(file), '.env');
  if (existsSync(dotEnv)) {
    for (const line of readFileSync(dotEnv, 'utf8').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) fromDotEnv[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  const env: Record<string, string> = {};
  for (const n of names) {
    const v = environment[n] ?? fromDotEnv[n];
    if (v !== undefined) env[n] = v;
  }
  return env;
}

/**
 * Path relative to the stack file's folder → content, for StackApplyParams.files: the files the
 * stack loads (each read file can name more, so until none is new) and those it names.
 */
export function readStackFiles(source: string, file: string, env: Record<string, string>, extra: Record<string, string> = {}, overrides: readonly string[] = []): Record<string, string> {
  const files: Record<string, string> = { ...extra };
  const absent = new Set<string>();
  let total = Object.values(files).reduce((sum, c) => sum + c.length, 0);
  for (let round = 0; round <= STACK_FILES_LIMITS.count; round++) {
    let added = false;
    for (const named of filesNamedBy({ text: source, file, env, files, overrides })) {
      if (Object.hasOwn(files, named.path) || absent.has(named.path)) continue;
      const full = isAbsolute(named.path) ? named.path : resolve(dirname(file), named.path);
      let content: string;
      try {
        content = readFileSync(full, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !named.required) {
          absent.add(named.path); // `required: false` (or an include's default .env): deployed without it
          continue;
        }
        const why = code === 'ENOENT' ? `does not exist (looked for ${full})` : `can't be read (${code ?? (err as Error).message})`;
        if (named.what?.startsWith('the ')) {
          throw new BatonError('INVALID_INPUT', `${file} loads ${named.path} (${named.what}), which ${why}. Nothing was applied.`, { file: named.path }, `Fix the path (it is relative to the file that names it), or create ${full}.`);
        }
        if (named.what !== undefined) {
          throw new BatonError('INVALID_INPUT', `${file} takes ${named.what} from the file ${named.path}, which ${why}. Nothing was applied.`, { file: named.path }, code === 'EACCES' ? `Let this user read ${full}, or point \`file:\` at a file it can read.` : `Create ${full}, or fix the path under \`file:\`.`);
        }
        throw new BatonError('INVALID_INPUT', `${file} names the file ${named.path}, which ${why}. Create it, fix the path, or mark it \`required: false\`.`, { file: named.path });
      }
      if (content.length > STACK_FILES_LIMITS.each) {
        throw new BatonError('INVALID_INPUT', `${full} is ${Math.round(content.length / 1024)} KiB: a file sent with a stack is at most ${STACK_FILES_LIMITS.each / 1024} KiB. Is it the file you meant?`, { file: named.path });
      }
      total += content.length;
      files[named.path] = content;
      added = true;
      const count = Object.keys(files).length;
      if (count > STACK_FILES_LIMITS.count || total > STACK_FILES_LIMITS.total) {
        throw new BatonError('INVALID_INPUT', `${file} loads and names ${count} files of ${Math.round(total / 1024)} KiB in all (so far: ${Object.keys(files).join(', ')}): at most ${STACK_FILES_LIMITS.count} files and ${STACK_FILES_LIMITS.total / 1024} KiB can be sent with a stack. Merge some of them.`);
      }
    }
    if (!added) break;
  }
  return files;
}
