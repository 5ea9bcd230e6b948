// A service's `build:` → BuildSpec: the short form (the context) or the long one (context,
// dockerfile, args, target, labels). Options Baton's builder does not carry out are refused with
// what to do, never dropped: an image built without them would not be the one the file asks for.
import type { BuildSpec } from '../../../../shared/stack.ts';
import { readKeyValues } from './environment.ts';
import type { Path } from './problems.ts';
import { isRemoteContext } from './relative-paths.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict } from './values.ts';

const SUPPORTED = new Set(['context', 'dockerfile', 'args', 'target', 'labels']);

/** Long-form keys with the reason each is refused. */
const REFUSED: Readonly<Record<string, string>> = {
  dockerfile_inline: 'write the Dockerfile into the context and name it with `dockerfile:`',
  ssh: 'Baton builds without an SSH agent: fetch what the build needs into the context first',
  secrets: 'Baton passes no secrets to a build: fetch what the build needs into the context first',
  cache_from: 'the engine that builds reuses its own cache; remove it',
  cache_to: 'the engine that builds keeps its own cache; remove it',
  no_cache: 'remove it (to build again, change the context or remove the image)',
  additional_contexts: 'Baton sends one context: copy what the build needs into it',
  network: 'the build uses the engine\'s default network; remove it',
  pull: 'Baton never pulls for a build (the base image must be on the engine that builds); remove it',
  platforms: 'the image is built for the engine that builds it; remove it',
  tags: 'the image is named by `image:` (or `<stack>-<service>`); remove it',
  shm_size: 'remove it',
  extra_hosts: 'remove it',
  isolation: 'remove it',
  privileged: 'remove it',
  ulimits: 'remove it',
  entitlements: 'remove it',
};

export function readBuild(ctx: SpecContext, path: Path, value: unknown): BuildSpec | undefined {
  if (value === undefined || value === null) return undefined;
  const { problems } = ctx;
  let context: string;
  let long: Record<string, unknown> = {};
  if (typeof value === 'string') context = value;
  else if (isDict(value)) {
    long = value;
    context = typeof value.context === 'string' ? value.context : '.';
  } else return undefined; // the schema said so
  for (const key of Object.keys(long)) {
    if (SUPPORTED.has(key) || key.startsWith('x-')) continue;
    problems.error([...path, key], `\`build.${key}\` is not supported: ${REFUSED[key] ?? 'remove it'}`, { at: 'key' });
  }
  const contextPath: Path = typeof value === 'string' ? path : [...path, 'context'];
  if (context.trim() === '') problems.error(contextPath, 'the build context is empty: write the folder to build from (e.g. `.`)');
  else if (isRemoteContext(context)) {
    problems.error(contextPath, `the build context \`${context}\` is a URL: Baton builds from a folder beside the stack file; clone it there and write its path`);
  }
  let dockerfile = 'Dockerfile';
  if (typeof long.dockerfile === 'string') {
    dockerfile = long.dockerfile.replace(/^\.\//, '');
    if (dockerfile === '' || dockerfile.startsWith('/') || dockerfile.split('/').includes('..')) {
      problems.error([...path, 'dockerfile'], `\`${long.dockerfile}\` is not a path inside the build context: write the Dockerfile's path relative to the context, without ".."`);
    }
  }
  const target = typeof long.target === 'string' && long.target !== '' ? long.target : null;
  const args = long.args === undefined ? {} : readKeyValues(ctx, [...path, 'args'], long.args, true);
  const labels = long.labels === undefined ? {} : readKeyValues(ctx, [...path, 'labels'], long.labels, false);
  for (const key of Object.keys(labels)) {
    if (!key.startsWith('baton.')) continue;
    problems.error([...path, 'labels', key], `label \`${key}\`: labels starting with "baton." are Baton's own (it marks the images it builds with them); choose another prefix`, { at: 'key' });
    delete labels[key];
  }
  return { context, dockerfile, args, target, labels };
}
