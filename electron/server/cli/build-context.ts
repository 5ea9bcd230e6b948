// A service's build context as `baton apply` sends it: the folder on the client's machine, less
// what its .dockerignore leaves out, as a tar archive (held in memory, never written to a disk),
// and its digest. The digest is over what the build sees (each entry's path, kind, mode and
// content or link target), not over times, so the same files give the same digest on any machine
// and at any time. The Dockerfile and .dockerignore are always sent, as Docker does.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { BatonError } from '../../../shared/errors.ts';
import { makeTar, type TarEntry } from '../../control-plane/hosts/tar.ts';
import { isIgnored, mayTakeBackUnder, parseDockerignore } from './dockerignore.ts';

export interface BuildContext {
  tar: Buffer;
  /** "sha256:…" over the entries, see above. */
  digest: string;
  files: number;
  bytes: number;
}

export interface ContextLimits {
  /** Bytes of file content at most (what is left after .dockerignore). */
  maxBytes: number;
  /** Entries at most. */
  maxEntries: number;
}

const formatMiB = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** `dir` is the context's folder; `dockerfile` its Dockerfile's path inside it; `what` names it in errors ("service web"). */
export function readBuildContext(dir: string, dockerfile: string, limits: ContextLimits, what: string): BuildContext {
  const root = resolve(dir);
  let top: Stats;
  try {
    top = statSync(root);
  } catch (err) {
    throw new BatonError('INVALID_INPUT', `The build context of ${what}, ${root}, ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `can't be read (${(err as Error).message})`}. Nothing was applied.`, { context: root }, 'Fix `build:` (or `build.context:`): it is a folder relative to the stack file.');
  }
  if (!top.isDirectory()) throw new BatonError('INVALID_INPUT', `The build context of ${what}, ${root}, is not a folder. Nothing was applied.`, { context: root }, 'Point `build:` at the folder that holds the Dockerfile.');
  const dockerfilePath = dockerfile.split('/').join(sep);
  let ignoreText = '';
  try {
    ignoreText = readFileSync(join(root, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore: everything is sent
  }
  const patterns = parseDockerignore(ignoreText);
  const always = new Set([dockerfile, '.dockerignore']);
  try {
    if (!statSync(join(root, dockerfilePath)).isFile()) throw new Error('not a file');
  } catch {
    throw new BatonError('INVALID_INPUT', `${what} is built from ${join(root, dockerfilePath)}, which is not there. Nothing was applied.`, { dockerfile: join(root, dockerfilePath) }, 'Create the Dockerfile in the context, or name it with `build.dockerfile:` (a path inside the context).');
  }

  const entries: TarEntry[] = [];
  const hash = createHash('sha256');
  let bytes = 0;
  const add = (entry: TarEntry, digestLine: string, size: number): void => {
    bytes += size;
    if (entries.length + 1 > limits.maxEntries || bytes > limits.maxBytes) {
      throw new BatonError(
        'INVALID_INPUT',
        `The build context of ${what} (${root}) is larger than Baton sends with an apply (at most ${formatMiB(limits.maxBytes)} and ${limits.maxEntries} entries after .dockerignore): it reached ${entries.length + 1} entries, ${formatMiB(bytes)}. Nothing was applied.`,
        { context: root, maxBytes: limits.maxBytes, maxEntries: limits.maxEntries },
        `Leave out what the image does not need with a .dockerignore in ${root} (node_modules, .git, build output), or build the image yourself (docker build -t NAME ${root}), load it on a host and write \`image: NAME\` instead of \`build:\`.`,
      );
    }
    entries.push(entry);
    hash.update(digestLine);
  };

  const walk = (folder: string): void => {
    const names = readdirSync(join(root, folder)).sort();
    for (const name of names) {
      const rel = folder === '' ? name : `${folder}/${name}`;
      const full = join(root, rel.split('/').join(sep));
      const stat = lstatSync(full);
      const ignored = !always.has(rel) && isIgnored(patterns, rel);
      const mode = stat.mode & 0o7777;
      const mtime = Math.floor(stat.mtimeMs / 1000);
      if (stat.isDirectory()) {
        if (!ignored) add({ name: `${rel}/`, mode, mtime }, `d ${rel} ${mode.toString(8)}\n`, 0);
        if (!ignored || mayTakeBackUnder(patterns, rel)) walk(rel);
        continue;
      }
      if (ignored) continue;
      if (stat.isSymbolicLink()) {
        const target = readlinkSync(full);
        add({ name: rel, linkTarget: target, mode, mtime }, `l ${rel} ${target}\n`, 0);
      } else if (stat.isFile()) {
        if (bytes + stat.size > limits.maxBytes) add({ name: rel }, '', stat.size); // throws, before reading it
        const content = readFileSync(full);
        add({ name: rel, content, mode, mtime }, `f ${rel} ${mode.toString(8)} ${createHash('sha256').update(content).digest('hex')}\n`, content.length);
      }
      // sockets, fifos and devices are not part of a build
    }
  };
  walk('');
  return { tar: makeTar(entries), digest: `sha256:${hash.digest('hex')}`, files: entries.length, bytes };
}
