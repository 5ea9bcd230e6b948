// The top-level secrets, configs, volumes and networks a stack declares for its services.
import { isAbsolute, resolve } from 'node:path';
import type { StackSpec } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';
import { isDict, readBool } from './values.ts';

export type Declarations = Pick<StackSpec, 'secrets' | 'configs' | 'volumes' | 'networks'>;

interface Reader {
  problems: ProblemList;
  dir: string;
}

export function readDeclarations(r: Reader, data: Record<string, unknown>): Declarations {
  return {
    secrets: each(data.secrets, (name, v) => readSecret(r, ['secrets', name], v)),
    configs: each(data.configs, (name, v) => readConfig(r, ['configs', name], v)),
    volumes: each(data.volumes, (name, v) => readVolume(r, ['volumes', name], v)),
    networks: each(data.networks, (name, v) => readNetwork(r, ['networks', name], v)),
  };
}

function each<T>(section: unknown, read: (name: string, value: unknown) => T): Record<string, T> {
  const out: Record<string, T> = {};
  if (isDict(section)) for (const [name, value] of Object.entries(section)) out[name] = read(name, value);
  return out;
}

/** Keys Baton refuses (error) or ignores (warning) in a declaration, with why. */
function refuse(r: Reader, path: Path, value: Record<string, unknown>, rules: Record<string, { severity: 'error' | 'warning'; message: string }>): void {
  for (const [key, rule] of Object.entries(rules)) {
    if (value[key] === undefined) continue;
    if (rule.severity === 'error') r.problems.error([...path, key], rule.message, { at: 'key' });
    else r.problems.warn([...path, key], rule.message, { at: 'key' });
  }
}

const notYet = (what: string, hint: string) => ({ severity: 'error' as const, message: `\`${what}\` is not supported yet: ${hint}` });
const ignored = (what: string) => ({ severity: 'warning' as const, message: `\`${what}\` is ignored by Baton` });

function readExternal(r: Reader, path: Path, value: unknown): boolean {
  if (value === undefined) return false;
  if (isDict(value)) {
    if (value.name !== undefined) r.problems.error([...path, 'name'], '`external.name` is not supported: declare it under the name it already has', { at: 'key' });
    return true;
  }
  return readBool(r.problems, path, value) ?? false;
}

function resolvedFile(r: Reader, file: unknown): string | null {
  return typeof file === 'string' && file !== '' ? (isAbsolute(file) ? file : resolve(r.dir, file)) : null;
}

function readSecret(r: Reader, path: Path, value: unknown): StackSpec['secrets'][string] {
  const v = isDict(value) ? value : {};
  refuse(r, path, v, {
    environment: notYet('environment', 'write the value to a file and use `file:`, or create the secret in Baton and use `external: true`'),
    name: notYet('name', 'declare the secret under the name its services use'),
    driver: notYet('driver', 'Baton stores secrets itself'),
    driver_opts: notYet('driver_opts', 'Baton stores secrets itself'),
    template_driver: notYet('template_driver', 'remove it'),
    labels: ignored('labels'),
  });
  const file = resolvedFile(r, v.file);
  const external = readExternal(r, [...path, 'external'], v.external);
  if (file && external) r.problems.error(path, 'a secret is either `file:` or `external: true`, not both', { at: 'key' });
  else if (!file && !external && v.environment === undefined) r.problems.error(path, 'a secret needs `file: ./path` or `external: true`', { at: 'key' });
  return { file, external };
}

function readConfig(r: Reader, path: Path, value: unknown): StackSpec['configs'][string] {
  const v = isDict(value) ? value : {};
  refuse(r, path, v, {
    environment: notYet('environment', 'use `content:` (with ${VAR} in it) or `file:`'),
    name: notYet('name', 'declare the config under the name its services use'),
    template_driver: notYet('template_driver', 'remove it'),
    labels: ignored('labels'),
  });
  const file = resolvedFile(r, v.file);
  const content = typeof v.content === 'string' ? v.content : null;
  const external = readExternal(r, [...path, 'external'], v.external);
  const given = [file !== null, content !== null, external].filter(Boolean).length;
  if (given > 1) r.problems.error(path, 'a config is one of `file:`, `content:` or `external: true`', { at: 'key' });
  else if (given === 0 && v.environment === undefined) r.problems.error(path, 'a config needs `file: ./path`, `content: ...` or `external: true`', { at: 'key' });
  return { file, content, external };
}

function readVolume(r: Reader, path: Path, value: unknown): StackSpec['volumes'][string] {
  const v = isDict(value) ? value : {};
  refuse(r, path, v, {
    driver_opts: notYet('driver_opts', 'Baton creates plain local volumes'),
    name: notYet('name', 'Baton names the volume after the stack and this key'),
    labels: ignored('labels'),
  });
  const driver = typeof v.driver === 'string' ? v.driver : 'local';
  if (driver !== 'local') r.problems.error([...path, 'driver'], `volume driver "${driver}" is not supported: Baton creates local volumes only (remove \`driver\`)`);
  return { driver: 'local', external: readExternal(r, [...path, 'external'], v.external) };
}

function readNetwork(r: Reader, path: Path, value: unknown): StackSpec['networks'][string] {
  const v = isDict(value) ? value : {};
  const own = 'Baton makes its own networks';
  refuse(r, path, v, {
    ipam: notYet('ipam', own),
    internal: notYet('internal', own),
    enable_ipv4: notYet('enable_ipv4', own),
    enable_ipv6: notYet('enable_ipv6', own),
    driver_opts: notYet('driver_opts', own),
    name: notYet('name', own),
    attachable: ignored('attachable'),
    labels: ignored('labels'),
  });
  if (v.driver !== undefined && v.driver !== 'overlay' && v.driver !== 'bridge') {
    r.problems.error([...path, 'driver'], `network driver "${String(v.driver)}" is not supported: ${own} (overlay and bridge are accepted and make no difference)`);
  }
  return { external: readExternal(r, [...path, 'external'], v.external) };
}
