// Service volumes: "name:/path[:ro]", "/host/path:/path", "./relative:/path", "/path" (anonymous),
// the long form (type volume | bind | tmpfs), and `tmpfs:`.
import { resolve } from 'node:path';
import type { VolumeMount } from '../../../../shared/stack.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { didYouMean } from './suggest.ts';
import { parseBytes } from './units.ts';
import { got, isDict, readBool, readBytes } from './values.ts';

export interface VolumeEntry {
  mount: VolumeMount;
  /** Where it was written (a bind mount that reaches into the host is refused at its line). */
  path: Path;
}

export function readVolumes(ctx: SpecContext, path: Path, value: unknown): VolumeEntry[] {
  if (!Array.isArray(value)) return [];
  const out: VolumeEntry[] = [];
  value.forEach((item, i) => {
    const mount = typeof item === 'string' ? readShortVolume(ctx, [...path, i], item) : isDict(item) ? readLongVolume(ctx, [...path, i], item) : null;
    if (mount) out.push({ mount, path: typeof item === 'string' ? [...path, i] : [...path, i, 'source'] });
  });
  return out;
}

/** `tmpfs: /run`, `/run:size=64m,mode=1777`, or a list of them. */
export function readTmpfs(ctx: SpecContext, path: Path, value: unknown): VolumeEntry[] {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const out: VolumeEntry[] = [];
  items.forEach((item, i) => {
    if (typeof item !== 'string') return;
    const itemPath = typeof value === 'string' ? path : [...path, i];
    const colon = item.indexOf(':');
    const target = colon === -1 ? item : item.slice(0, colon);
    if (!checkTarget(ctx, itemPath, target)) return;
    let readOnly = false;
    const tmpfs: NonNullable<VolumeMount['tmpfs']> = {};
    let ok = true;
    for (const option of colon === -1 ? [] : item.slice(colon + 1).split(',')) {
      const [name = '', v] = option.split('=', 2);
      if (name === 'rw' && v === undefined) readOnly = false;
      else if (name === 'ro' && v === undefined) readOnly = true;
      else if (name === 'size' && v !== undefined && parseBytes(v) !== null) tmpfs.sizeBytes = parseBytes(v)!;
      else if (name === 'mode' && v !== undefined && /^0?[0-7]{3,4}$/.test(v)) tmpfs.mode = parseInt(v, 8);
      else {
        ctx.problems.error(itemPath, `tmpfs option "${option}" is not supported: write size=<bytes> ("64m"), mode=<octal> ("1777"), ro or rw`);
        ok = false;
      }
    }
    if (ok) out.push({ mount: { type: 'tmpfs', source: null, target, readOnly, ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}) }, path: itemPath });
  });
  return out;
}

/** A long-form tmpfs mount's `tmpfs: { size, mode }`; the mode's digits are octal as written (1777). */
function readTmpfsOptions(ctx: SpecContext, path: Path, value: unknown): VolumeMount['tmpfs'] | null {
  if (!isDict(value)) {
    ctx.problems.error(path, `must be a map with \`size\` and \`mode\` ${got(value)}`);
    return null;
  }
  const out: NonNullable<VolumeMount['tmpfs']> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'size') {
      const size = readBytes(ctx.problems, [...path, 'size'], v);
      if (size === undefined) ok = false;
      else out.sizeBytes = size;
    } else if (key === 'mode') {
      const raw = typeof v === 'number' ? (ctx.rawScalar([...path, 'mode'])?.trim() ?? String(v)) : typeof v === 'string' ? v.trim() : '';
      if (/^(0o|0)?[0-7]{1,4}$/.test(raw)) out.mode = parseInt(raw.replace(/^0o/, ''), 8);
      else {
        ctx.problems.error([...path, 'mode'], `must be a mode in octal, like 1777 or 0700 ${got(v)}`);
        ok = false;
      }
    } else if (!key.startsWith('x-')) {
      ctx.problems.error([...path, key], `tmpfs option \`${key}\` is not supported: \`size\` and \`mode\` are`, { at: 'key' });
      ok = false;
    }
  }
  return ok ? out : null;
}

function readShortVolume(ctx: SpecContext, path: Path, text: string): VolumeMount | null {
  const parts = text.split(':');
  if (parts.length > 3) {
    ctx.problems.error(path, `"${text}" is not a volume: write "name:/path", "/host/path:/path" or "./dir:/path", with ":ro" for read-only`);
    return null;
  }
  if (parts.length === 1) {
    return checkTarget(ctx, path, text) ? { type: 'volume', source: null, target: text, readOnly: false } : null;
  }
  const [source = '', target = '', mode] = parts;
  let readOnly = false;
  for (const option of mode === undefined || mode === '' ? [] : mode.split(',')) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw' || option === 'cached' || option === 'delegated' || option === 'consistent') continue; // the last three matter on Docker Desktop only
    else {
      ctx.problems.error(path, `volume option "${option}" in "${text}" is not supported${['z', 'Z', 'nocopy', 'shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'].includes(option) ? ' yet' : ''}: use "ro" or "rw"`);
      return null;
    }
  }
  if (!checkTarget(ctx, path, target)) return null;
  if (looksLikePath(source)) {
    const host = bindSource(ctx, path, source);
    return host === null ? null : { type: 'bind', source: host, target, readOnly };
  }
  return checkDeclaredVolume(ctx, path, source) ? { type: 'volume', source, target, readOnly, ...declaredAs(ctx, source) } : null;
}

function readLongVolume(ctx: SpecContext, path: Path, item: Record<string, unknown>): VolumeMount | null {
  const { problems } = ctx;
  const type = item.type;
  if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs') {
    if (typeof type === 'string') problems.error([...path, 'type'], `volume type "${type}" is not supported: use volume, bind or tmpfs`);
    return null;
  }
  let ok = true;
  let tmpfs: VolumeMount['tmpfs'] | null | undefined;
  if (type === 'tmpfs' && item.tmpfs !== undefined && item.tmpfs !== null) {
    tmpfs = readTmpfsOptions(ctx, [...path, 'tmpfs'], item.tmpfs);
    if (tmpfs === null) ok = false;
  }
  for (const options of ['bind', 'volume', 'tmpfs', 'image'] as const) {
    if (options === 'tmpfs' && type === 'tmpfs') continue;
    if (item[options] !== undefined) {
      problems.error([...path, options], `\`${options}\` options are not supported yet: remove them`, { at: 'key' });
      ok = false;
    }
  }
  const target = typeof item.target === 'string' ? item.target : undefined;
  if (target === undefined) {
    problems.error([...path, 'target'], '`target` (the path in the container) is required', { placeAt: path });
    ok = false;
  } else if (!checkTarget(ctx, [...path, 'target'], target)) ok = false;
  const readOnly = item.read_only === undefined ? false : readBool(problems, [...path, 'read_only'], item.read_only);
  if (readOnly === undefined) ok = false;
  const source = typeof item.source === 'string' && item.source !== '' ? item.source : null;
  let resolved: string | null = null;
  if (type === 'tmpfs') {
    if (source !== null) {
      problems.error([...path, 'source'], 'a tmpfs mount has no source: remove `source`');
      ok = false;
    }
  } else if (type === 'bind') {
    if (source === null) {
      problems.error([...path, 'source'], '`source` (the host path) is required for a bind mount', { placeAt: path });
      ok = false;
    } else if (!looksLikePath(source)) {
      problems.error([...path, 'source'], `bind source "${source}" must be an absolute path or start with ./ (relative to the stack file)`);
      ok = false;
    } else {
      resolved = bindSource(ctx, [...path, 'source'], source);
      if (resolved === null) ok = false;
    }
  } else if (source !== null) {
    if (checkDeclaredVolume(ctx, [...path, 'source'], source)) resolved = source;
    else ok = false;
  }
  if (!ok || target === undefined || readOnly === undefined) return null;
  return {
    type,
    source: resolved,
    target,
    readOnly,
    ...(type === 'volume' && resolved !== null ? declaredAs(ctx, resolved) : {}),
    ...(tmpfs && Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
  };
}

/** What a mount of a declared volume carries of its declaration: only what differs from a plain local `<stack>_<name>`. */
function declaredAs(ctx: SpecContext, source: string): Partial<VolumeMount> {
  const d = ctx.volumeDeclarations[source];
  if (!d) return {};
  return {
    ...(d.name !== undefined ? { name: d.name } : d.external ? { name: source } : {}),
    ...(d.external ? { external: true as const } : {}),
    ...(d.driver !== 'local' ? { driver: d.driver } : {}),
    ...(d.driverOpts ? { driverOpts: d.driverOpts } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
  };
}

function looksLikePath(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
}

/** An absolute host path, or ./relative to the stack file's folder; null (reported) otherwise. */
function bindSource(ctx: SpecContext, path: Path, source: string): string | null {
  if (source.startsWith('~')) {
    ctx.problems.error(path, `bind source "${source}": "~" would be a home folder on the machine running baton, not on the hosts: write an absolute path`);
    return null;
  }
  return source.startsWith('/') ? source : resolve(ctx.dir, source);
}

function checkTarget(ctx: SpecContext, path: Path, target: string): boolean {
  if (target.startsWith('/')) return true;
  ctx.problems.error(path, `the path in the container ("${target}") must be absolute, like /data`);
  return false;
}

function checkDeclaredVolume(ctx: SpecContext, path: Path, name: string): boolean {
  if (ctx.declared.volumes.has(name)) return true;
  ctx.problems.error(path, `volume \`${name}\` is not declared: add it under the top-level \`volumes:\` key${didYouMean(name, ctx.declared.volumes)}`);
  return false;
}
