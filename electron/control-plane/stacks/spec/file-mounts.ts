// A service's secrets and configs: "name", or { source, target, uid, gid, mode }.
import type { FileMount } from '../../../../shared/stack.ts';
import { DEFAULT_FILE_MODE, SECRETS_DIR } from './defaults.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { didYouMean } from './suggest.ts';
import { got, isDict, readString } from './values.ts';

export type FileKind = 'secret' | 'config';

export function readFileMounts(ctx: SpecContext, path: Path, value: unknown, kind: FileKind): FileMount[] {
  if (!Array.isArray(value)) return [];
  const out: FileMount[] = [];
  value.forEach((item, i) => {
    const itemPath = [...path, i];
    if (typeof item === 'string') {
      if (checkDeclared(ctx, itemPath, item, kind)) out.push({ source: item, target: defaultTarget(item, kind), uid: '0', gid: '0', mode: DEFAULT_FILE_MODE });
    } else if (isDict(item)) {
      const mount = readLongMount(ctx, itemPath, item, kind);
      if (mount) out.push(mount);
    }
  });
  return out;
}

function defaultTarget(name: string, kind: FileKind): string {
  return kind === 'secret' ? `${SECRETS_DIR}/${name}` : `/${name}`;
}

function readLongMount(ctx: SpecContext, path: Path, item: Record<string, unknown>, kind: FileKind): FileMount | null {
  const { problems } = ctx;
  if (typeof item.source !== 'string' || item.source === '') {
    problems.error([...path, 'source'], `\`source\` (the name of a top-level ${kind}) is required`, { placeAt: path });
    return null;
  }
  const source = item.source;
  const declared = checkDeclared(ctx, [...path, 'source'], source, kind);
  let target = defaultTarget(source, kind);
  if (typeof item.target === 'string' && item.target !== '') {
    // Swarm puts a relative secret target under /run/secrets; a relative config target under /.
    target = item.target.startsWith('/') ? item.target : defaultTarget(item.target, kind);
  }
  const uid = item.uid === undefined ? '0' : readOwner(ctx, [...path, 'uid'], item.uid);
  const gid = item.gid === undefined ? '0' : readOwner(ctx, [...path, 'gid'], item.gid);
  const mode = item.mode === undefined ? DEFAULT_FILE_MODE : readMode(ctx, [...path, 'mode'], item.mode);
  if (!declared || uid === undefined || gid === undefined || mode === undefined) return null;
  return { source, target, uid, gid, mode };
}

/** A numeric user or group id, as Swarm takes them ("1000"; a name would need the image's /etc/passwd). */
function readOwner(ctx: SpecContext, path: Path, value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : readString(ctx.problems, path, value);
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text.trim()) || Number(text) > 0o7777777) {
    ctx.problems.error(path, `must be a numeric id, like 1000 ${got(value)}`);
    return undefined;
  }
  return text.trim();
}

/**
 * File modes are octal. Compose's YAML reads `0440` as octal (YAML 1.1), YAML 1.2 as 440: read the
 * number as written. A string ("0440", "440") is octal too, as Compose reads it.
 */
function readMode(ctx: SpecContext, path: Path, value: unknown): number | undefined {
  let mode: number | null = null;
  if (typeof value === 'number') {
    const raw = ctx.rawScalar(path)?.trim() ?? '';
    mode = /^0[0-7]+$/.test(raw) ? parseInt(raw, 8) : value;
  } else if (typeof value === 'string' && /^(0o)?[0-7]{1,4}$/.test(value.trim())) {
    mode = parseInt(value.trim().replace(/^0o/, ''), 8);
  }
  if (mode === null || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    ctx.problems.error(path, `must be a file mode in octal, like 0440 ${got(value)}`);
    return undefined;
  }
  return mode;
}

function checkDeclared(ctx: SpecContext, path: Path, name: string, kind: FileKind): boolean {
  const declared = kind === 'secret' ? ctx.declared.secrets : ctx.declared.configs;
  if (declared.has(name)) return true;
  ctx.problems.error(path, `${kind} \`${name}\` is not declared: add it under the top-level \`${kind}s:\` key${didYouMean(name, declared)}`);
  return false;
}
