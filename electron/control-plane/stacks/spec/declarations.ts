// The top-level secrets, configs, volumes and networks a stack declares for its services, and the
// values of the stack's own secrets and configs: from a file the client sent with the stack
// (`file:`), from the applying client's environment (`environment:`), or written inline (a
// config's `content:`). Values never go into the spec or a problem's message.
import { isAbsolute, resolve } from 'node:path';
import type { NetworkDeclaration, StackSpec } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';
import { lookupEnv } from './spec-context.ts';
import { isDict, readBool } from './values.ts';

export type Declarations = Pick<StackSpec, 'secrets' | 'configs' | 'volumes' | 'networks'>;

/** The largest secret Baton takes (as Swarm: 500 KB), and the largest config (1000 KB). */
export const SECRET_MAX_BYTES = 500 * 1024;
export const CONFIG_MAX_BYTES = 1000 * 1024;

/** The values of the stack's own secrets and configs, by name (external secrets are in Baton's store). */
export interface DeclaredValues {
  secrets: Record<string, Buffer>;
  configs: Record<string, Buffer>;
}

interface Reader {
  problems: ProblemList;
  dir: string;
  env: Readonly<Record<string, string>>;
  /** A file the stack names, by its path as written, as the client sent it (see SpecContext.readFile). */
  readFile: (path: string, required: boolean, what?: string) => string | undefined;
}

export function readDeclarations(r: Reader, data: Record<string, unknown>): { declarations: Declarations; values: DeclaredValues } {
  const values: DeclaredValues = { secrets: {}, configs: {} };
  const declarations = {
    secrets: each(data.secrets, (name, v) => readSecret(r, ['secrets', name], v, values.secrets)),
    configs: each(data.configs, (name, v) => readConfig(r, ['configs', name], v, values.configs)),
    volumes: each(data.volumes, (name, v) => readVolume(r, ['volumes', name], v)),
    networks: each(data.networks, (name, v) => readNetwork(r, ['networks', name], name, v)),
  };
  return { declarations, values };
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

/** A sent file's content, or a problem that says it was not sent (a secret or config file is always required). */
function sentFile(r: Reader, path: Path, kind: 'secret' | 'config', name: string, file: string): Buffer | undefined {
  const text = r.readFile(file, true, `${kind} \`${name}\``);
  if (text !== undefined) return Buffer.from(text, 'utf8');
  r.problems.error(
    [...path, 'file'],
    `the file ${file} of ${kind} \`${name}\` was not sent with the stack: the control plane reads no file a stack names, the client that applies it sends them. ` +
      `\`baton apply -f\` sends the files beside the stack; the app can't read them from a file it opens: apply this stack with the CLI${kind === 'secret' ? ', or create the secret with `baton secret create` and declare it `external: true`' : ', or write it inline with `content:`'}`,
  );
  return undefined;
}

/** The value of an `environment:` declaration, from the applying client's environment. */
function fromEnvironment(r: Reader, path: Path, kind: 'secret' | 'config', name: string, variable: unknown): { variable: string; value: Buffer } | undefined {
  if (typeof variable !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    r.problems.error([...path, 'environment'], `\`environment\` names the variable that holds the ${kind}: a name of letters, digits and _, like DB_PASSWORD`);
    return undefined;
  }
  const value = lookupEnv(r.env, variable);
  if (value === undefined) {
    r.problems.error(
      [...path, 'environment'],
      `${kind} \`${name}\` comes from the variable ${variable}, which is not set in the environment of the client that applied the stack: set it (export ${variable}=…, or a .env beside the file) and apply again${kind === 'secret' ? ', or use `file:`' : ''}`,
    );
    return undefined;
  }
  return { variable, value: Buffer.from(value, 'utf8') };
}

function checkSize(r: Reader, path: Path, kind: 'secret' | 'config', name: string, value: Buffer): boolean {
  const max = kind === 'secret' ? SECRET_MAX_BYTES : CONFIG_MAX_BYTES;
  if (value.length <= max) return true;
  r.problems.error(path, `${kind} \`${name}\` is ${Math.ceil(value.length / 1024)} KB: a ${kind} is at most ${max / 1024} KB. Keep large files in an image or a volume`, { at: 'key' });
  return false;
}

function readSecret(r: Reader, path: Path, value: unknown, values: Record<string, Buffer>): StackSpec['secrets'][string] {
  const name = String(path[path.length - 1]);
  const v = isDict(value) ? value : {};
  refuse(r, path, v, {
    name: notYet('name', 'declare the secret under the name its services use'),
    driver: notYet('driver', 'Baton stores secrets itself'),
    driver_opts: notYet('driver_opts', 'Baton stores secrets itself'),
    template_driver: notYet('template_driver', 'remove it'),
    labels: ignored('labels'),
  });
  const file = resolvedFile(r, v.file);
  const external = readExternal(r, [...path, 'external'], v.external);
  const given = [file !== null, v.environment !== undefined, external].filter(Boolean).length;
  if (given > 1) {
    r.problems.error(path, 'a secret is one of `file: ./path`, `environment: VARIABLE` or `external: true`', { at: 'key' });
    return { file, external };
  }
  if (given === 0) {
    r.problems.error(path, 'a secret needs `file: ./path`, `environment: VARIABLE` or `external: true` (made with `baton secret create`)', { at: 'key' });
    return { file, external };
  }
  if (file !== null) {
    const content = sentFile(r, path, 'secret', name, v.file as string);
    if (content && checkSize(r, path, 'secret', name, content)) values[name] = content;
  } else if (v.environment !== undefined) {
    const got = fromEnvironment(r, path, 'secret', name, v.environment);
    if (got && checkSize(r, path, 'secret', name, got.value)) values[name] = got.value;
    return { file, external, ...(got ? { environment: got.variable } : {}) };
  }
  return { file, external };
}

function readConfig(r: Reader, path: Path, value: unknown, values: Record<string, Buffer>): StackSpec['configs'][string] {
  const name = String(path[path.length - 1]);
  const v = isDict(value) ? value : {};
  refuse(r, path, v, {
    name: notYet('name', 'declare the config under the name its services use'),
    template_driver: notYet('template_driver', 'remove it'),
    labels: ignored('labels'),
  });
  const file = resolvedFile(r, v.file);
  const content = typeof v.content === 'string' ? v.content : null;
  const external = readExternal(r, [...path, 'external'], v.external);
  if (external) {
    r.problems.error([...path, 'external'], 'external configs are not supported: Baton keeps configs with their stack; use `file:`, `content:` or `environment:`', { at: 'key' });
    return { file, content, external };
  }
  const given = [file !== null, content !== null, v.environment !== undefined].filter(Boolean).length;
  if (given > 1) {
    r.problems.error(path, 'a config is one of `file: ./path`, `content: ...` or `environment: VARIABLE`', { at: 'key' });
    return { file, content, external };
  }
  if (given === 0) {
    r.problems.error(path, 'a config needs `file: ./path`, `content: ...` or `environment: VARIABLE`', { at: 'key' });
    return { file, content, external };
  }
  let got: Buffer | undefined;
  let variable: string | undefined;
  if (file !== null) got = sentFile(r, path, 'config', name, v.file as string);
  else if (content !== null) got = Buffer.from(content, 'utf8');
  else {
    const fromEnv = fromEnvironment(r, path, 'config', name, v.environment);
    got = fromEnv?.value;
    variable = fromEnv?.variable;
  }
  if (got && checkSize(r, path, 'config', name, got)) values[name] = got;
  return { file, content, external, ...(variable !== undefined ? { environment: variable } : {}) };
}

function readVolume(r: Reader, path: Path, value: unknown): StackSpec['volumes'][string] {
  const v = isDict(value) ? value : {};
  const external = readExternal(r, [...path, 'external'], v.external);
  const driver = typeof v.driver === 'string' && v.driver !== '' ? v.driver : 'local';
  const driverOpts = readStringMap(r, [...path, 'driver_opts'], v.driver_opts, 'driver option');
  const labels = readStringMap(r, [...path, 'labels'], v.labels, 'label');
  for (const key of Object.keys(labels)) {
    if (!key.startsWith('baton.')) continue;
    r.problems.error([...path, 'labels', key], `label \`${key}\`: labels starting with "baton." are Baton's own (it finds its volumes by them); choose another prefix`, { at: 'key' });
    delete labels[key];
  }
  let name: string | undefined;
  if (v.name !== undefined) {
    if (typeof v.name === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v.name)) name = v.name;
    else r.problems.error([...path, 'name'], `volume name ${JSON.stringify(v.name)} is not a name Docker takes: use letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  if (external) {
    // an external volume exists already, as it is: Baton neither creates it nor sets its options
    for (const key of ['driver', 'driver_opts', 'labels'] as const) {
      if (v[key] !== undefined) r.problems.error([...path, key], `an external volume is used as it exists: remove \`${key}\`, or drop \`external: true\` to have Baton create the volume`, { at: 'key' });
    }
  }
  return {
    driver,
    external,
    ...(name !== undefined ? { name } : {}),
    ...(Object.keys(driverOpts).length > 0 && !external ? { driverOpts } : {}),
    ...(Object.keys(labels).length > 0 && !external ? { labels } : {}),
  };
}

/** A map of strings (`driver_opts`, `labels`), or for labels also a list of "key=value". Numbers and booleans are written as text. */
function readStringMap(r: Reader, path: Path, value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (Array.isArray(value) && what === 'label') {
    value.forEach((item, i) => {
      const text = typeof item === 'string' ? item : '';
      const eq = text.indexOf('=');
      if (eq <= 0) r.problems.error([...path, i], `label ${JSON.stringify(item)} is not "key=value"`);
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    });
    return out;
  }
  if (!isDict(value)) {
    r.problems.error(path, `write the ${what}s as a map of names to values`);
    return out;
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else r.problems.error([...path, key], `${what} \`${key}\` must be a string, not ${Array.isArray(v) ? 'a list' : v === null ? 'empty' : 'a map'}`);
  }
  return out;
}

/** Docker's rule for a network's name. */
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Networks a stack can't name: Baton's own, and Docker's, where a replica can't have aliases. */
const RESERVED_NETWORKS = new Set(['baton', 'bridge', 'host', 'none']);

/**
 * A top-level network. Each host has its own bridge of the network (replicas on other hosts are
 * reached through the ingress, never across a network), so what is kept is what means something
 * on one host's bridge: `name`, `driver_opts`, `labels`, `internal`, `external`. A fixed subnet
 * (`ipam`) and IPv6 are refused or ignored: each host's engine picks its bridges' subnets.
 */
function readNetwork(r: Reader, path: Path, key: string, value: unknown): NetworkDeclaration {
  const v = isDict(value) ? value : {};
  const own = "each host's network is a bridge of that host's own";
  refuse(r, path, v, {
    ipam: { severity: 'warning', message: "`ipam` is ignored: each host's network takes its subnet from that host's engine (replicas on other hosts are reached through the ingress, never by address on one network); remove it" },
    enable_ipv4: ignored('enable_ipv4'),
    enable_ipv6: notYet('enable_ipv6', `${own}, and Baton gives them no IPv6 subnet`),
    attachable: { severity: 'warning', message: "`attachable` is ignored: every host's bridge takes any container already" },
  });
  if (v.driver !== undefined && v.driver !== 'overlay' && v.driver !== 'bridge') {
    r.problems.error([...path, 'driver'], `network driver "${String(v.driver)}" is not supported: ${own} (overlay and bridge are accepted and both make one)`);
  }
  const external = readExternal(r, [...path, 'external'], v.external);
  const driverOpts = readStringMap(r, [...path, 'driver_opts'], v.driver_opts, 'driver option');
  const labels = readStringMap(r, [...path, 'labels'], v.labels, 'label');
  for (const label of Object.keys(labels)) {
    if (!label.startsWith('baton.')) continue;
    r.problems.error([...path, 'labels', label], `label \`${label}\`: labels starting with "baton." are Baton's own (it finds its networks by them); choose another prefix`, { at: 'key' });
    delete labels[label];
  }
  const internal = v.internal === undefined ? false : (readBool(r.problems, [...path, 'internal'], v.internal) ?? false);
  let name: string | undefined;
  if (v.name !== undefined) {
    if (typeof v.name === 'string' && RESERVED_NETWORKS.has(v.name)) {
      r.problems.error([...path, 'name'], `network \`${v.name}\` is ${v.name === 'baton' ? "Baton's own, which every replica joins already" : "one of Docker's own, which takes no service names"}: name the network otherwise`);
    } else if (typeof v.name === 'string' && NETWORK_NAME.test(v.name)) name = v.name;
    else r.problems.error([...path, 'name'], `network name ${JSON.stringify(v.name)} is not a name Docker takes: use letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  if (key === 'default') {
    // `<stack>_default` is where the stack's services find each other by name: Baton makes it as it needs it
    for (const k of ['name', 'external', 'driver_opts', 'labels', 'internal'] as const) {
      if (v[k] !== undefined) r.problems.error([...path, k], `the \`default\` network is Baton's own \`<stack>_default\` on each host, where the stack's services find each other by name: \`${k}\` can't be set on it; declare a network of another name for it and list that under the services' \`networks:\``, { at: 'key' });
    }
    return { external: false };
  }
  if (external) {
    // an external network exists already, as it is: Baton neither creates nor removes it
    for (const k of ['driver_opts', 'labels', 'internal'] as const) {
      if (v[k] !== undefined) r.problems.error([...path, k], `an external network is used as it exists: remove \`${k}\`, or drop \`external: true\` to have Baton create the network`, { at: 'key' });
    }
    return { external, ...(name !== undefined ? { name } : {}) };
  }
  return {
    external,
    ...(name !== undefined ? { name } : {}),
    ...(Object.keys(driverOpts).length > 0 ? { driverOpts } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(internal ? { internal: true as const } : {}),
  };
}
