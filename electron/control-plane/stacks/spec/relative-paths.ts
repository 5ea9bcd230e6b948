// A file loaded from another folder (an `include`, or the file an `extends` names) writes its
// paths relative to its own folder: they are rewritten relative to the stack file's folder, the
// one every other reader resolves from, before the file's services are merged into the stack.
import { isAbsolute, posix } from 'node:path';
import { isDict, type Dict } from './values.ts';

/** `dir` joined with a path as written, unless it is absolute or home-relative. */
export function rebasePath(dir: string, path: string): string {
  if (dir === '.' || isAbsolute(path) || path.startsWith('~')) return path;
  return posix.normalize(posix.join(dir, path));
}

/** A volume's short-syntax source is a path when it starts like one; else it names a volume. */
function isPathSource(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

function rebaseEnvFile(dir: string, value: unknown): unknown {
  const one = (item: unknown): unknown => {
    if (typeof item === 'string') return rebasePath(dir, item);
    if (isDict(item) && typeof item.path === 'string') return { ...item, path: rebasePath(dir, item.path) };
    return item;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

function rebaseVolume(dir: string, volume: unknown): unknown {
  if (typeof volume === 'string') {
    const colon = volume.indexOf(':');
    if (colon <= 0) return volume;
    const source = volume.slice(0, colon);
    if (!isPathSource(source) || source.startsWith('/') || source.startsWith('~')) return volume;
    // still written as a path ("./x"), not the name of a volume
    const rebased = rebasePath(dir, source);
    return `${rebased.startsWith('.') || rebased.startsWith('/') ? rebased : `./${rebased}`}${volume.slice(colon)}`;
  }
  if (isDict(volume) && volume.type === 'bind' && typeof volume.source === 'string') return { ...volume, source: rebasePath(dir, volume.source) };
  return volume;
}

/** A build context that names a repository or an archive by URL, not a folder (build.ts refuses it). */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || context.endsWith('.git');
}

/**
 * `build:` with its context from the stack file's folder. The long form without a context builds
 * the folder of the file that says it (Compose's `.`), so that folder is written in. The Dockerfile
 * stays as written: it is a path inside the context.
 */
function rebaseBuild(dir: string, build: unknown): unknown {
  const context = (c: string): string => (isRemoteContext(c) ? c : rebasePath(dir, c));
  if (typeof build === 'string') return context(build);
  if (!isDict(build)) return build;
  if (build.context === undefined) return { ...build, context: dir };
  return typeof build.context === 'string' ? { ...build, context: context(build.context) } : build;
}

/** The service with its build context, env files and bind-mount sources relative to the stack file's folder. */
export function rebaseService(dir: string, service: Dict): Dict {
  if (dir === '.') return service;
  const out: Dict = { ...service };
  if (service.build !== undefined && service.build !== null) out.build = rebaseBuild(dir, service.build);
  if (service.env_file !== undefined) out.env_file = rebaseEnvFile(dir, service.env_file);
  if (Array.isArray(service.volumes)) out.volumes = service.volumes.map((v) => rebaseVolume(dir, v));
  if (isDict(service.extends) && typeof service.extends.file === 'string') out.extends = { ...service.extends, file: rebasePath(dir, service.extends.file) };
  return out;
}

/** Top-level secrets and configs with their `file:` relative to the stack file's folder. */
export function rebaseDeclarations(dir: string, declarations: Dict): Dict {
  if (dir === '.') return declarations;
  const out: Dict = {};
  for (const [name, decl] of Object.entries(declarations)) {
    out[name] = isDict(decl) && typeof decl.file === 'string' ? { ...decl, file: rebasePath(dir, decl.file) } : decl;
  }
  return out;
}
