// `baton apply -f stack.yaml`: a Compose file, as people write it, to a StackSpec, with every
// problem at its line: YAML syntax, interpolation, the official Compose schema, then Baton's rules.
// It reads nothing from disk: the files a stack names (env_file) come with it, as the client that
// sent it read them (`filesNamedBy` says which they are).
import { basename, dirname, isAbsolute, posix, resolve } from 'node:path';
import type { ServiceSpec, SpecProblem, StackSpec } from '../../../../shared/stack.ts';
import { composeSchemaErrors } from './compose-schema.ts';
import { readDeclarations, type DeclaredValues } from './declarations.ts';
import { checkPortConflicts } from './port-conflicts.ts';
import { ProblemList, dotted, sortProblems, type Locator, type Path } from './problems.ts';
import { reportSchemaErrors } from './schema-problems.ts';
import { NAME_PATTERN, NAME_RULE, readService, type ServiceResult } from './service.ts';
import { checkDependencies, dependsOnSpec } from './depends-on.ts';
import { fileKey, loadStack, type WantedFile } from './load.ts';
import { selectByProfiles } from './profiles.ts';
import { checkServiceNames } from './service-names.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict, type Dict } from './values.ts';
import { readStackExtensions, type PlacementStrategy, type RolloutTuning } from './x-baton.ts';

export { serviceSpecHash } from './spec-hash.ts';
export type { DeclaredValues } from './declarations.ts';
export type { PlacementStrategy, RolloutTuning } from './x-baton.ts';

export interface ParseInput {
  text: string; // the file's content
  file: string; // its path as the client knows it, for messages
  stackName?: string; // from the CLI (-p / --name); else top-level `name:`; else the file's folder name
  env?: Record<string, string>; // for ${VAR} interpolation (the CLI passes process.env merged with a .env beside the file)
  /**
   * The files the stack loads (include, extends) and names (env_file, secret and config files):
   * path relative to the stack file's folder → content, as the client sent them.
   */
  files?: Readonly<Record<string, string>>;
  /** Files merged over this one in order (`-f compose.yaml -f prod.yaml`), by their key in `files`. */
  overrides?: readonly string[];
  /** The active profiles (`--profile`, COMPOSE_PROFILES): services with `profiles:` are deployed only under one of them. */
  profiles?: readonly string[];
}

/** A file a stack names, as it writes it (after interpolation), for the client to send with it. */
export interface NamedFile {
  path: string;
  /** false: `required: false`, the stack works without it. */
  required: boolean;
  /** What it is for messages, when not an env_file: "secret `db_password`". */
  what?: string;
}

/** What `x-baton` says that StackSpec / ServiceSpec have no field for yet. */
export interface BatonExtensions {
  /** Top-level `x-baton.placement_strategy` (default spread). */
  placementStrategy: PlacementStrategy;
  /** Per service name, for the services that set `x-baton.rollout`. */
  rollout: Record<string, RolloutTuning>;
}

export interface ParseResult {
  stack: StackSpec | null; // null when any problem has severity 'error'
  problems: SpecProblem[];
  baton: BatonExtensions | null; // null with stack
  /** Required files the stack names that were not sent with it (each is also a problem at its line). */
  unsentFiles: string[];
  /** The values of the stack's own secrets and configs (null with stack): never stored in the spec. */
  values: DeclaredValues | null;
}

const TOP_LEVEL_RULES: Record<string, { severity: 'error' | 'warning'; message: string }> = {
  version: { severity: 'warning', message: '`version` is obsolete and ignored: remove it' },
  models: { severity: 'error', message: '`models` (Docker Model Runner) is not supported' },
};

type Prepared = { data: Dict; problems: SpecProblem[]; locator: Locator; wanted: WantedFile[]; leftOut: Map<string, string[]> } | { failed: SpecProblem[]; wanted: WantedFile[] };

/** The files loaded into one document (include, extends), then the services the active profiles leave out. */
function prepare(input: ParseInput): Prepared {
  const files = new Map(Object.entries(input.files ?? {}).map(([path, content]) => [fileKey(path), content]));
  const loaded = loadStack({ text: input.text, file: input.file, env: input.env ?? {}, files, overrides: (input.overrides ?? []).map(fileKey) });
  if ('failed' in loaded) return loaded;
  const { data } = loaded;
  let leftOut = new Map<string, string[]>();
  if (isDict(data.services)) {
    const selection = selectByProfiles(data.services, input.profiles ?? []);
    data.services = selection.kept;
    leftOut = selection.leftOut;
  }
  return { data, problems: loaded.problems, locator: loaded.locator, wanted: loaded.wanted, leftOut };
}

export function parseStackFile(input: ParseInput): ParseResult {
  const { file } = input;
  const prepared = prepare(input);
  if ('failed' in prepared) return failed(prepared.failed, file, prepared.wanted.filter((w) => w.required).map((w) => w.path));
  const { data, problems: loadProblems, locator } = prepared;
  const problems = new ProblemList(file, locator);
  problems.items.push(...loadProblems);

  const sent = new Map(Object.entries(input.files ?? {}).map(([path, content]) => [fileKey(path), content]));
  const unsent: string[] = prepared.wanted.filter((w) => w.required && !sent.has(w.path)).map((w) => w.path);
  const readFile = (path: string, required: boolean): string | undefined => {
    const content = sent.get(fileKey(path));
    if (content === undefined && required && !unsent.includes(path)) unsent.push(path);
    return content;
  };

  // Baton's rules run even where the schema failed, so all problems come at once; where the
  // schema already said what's wrong with a node, what Baton would add about it is left out.
  const schema = new ProblemList(file, locator);
  const schemaPaths = reportSchemaErrors(composeSchemaErrors(data), data, schema);
  const rules = new ProblemList(file, locator);
  const built = build(input, data, rules, locator, readFile, prepared.leftOut);
  // and where interpolating a value failed: its text then is not what the file means
  const interpolationFailed = problems.items.filter((p) => p.severity === 'error' && p.path !== '').map((p) => p.path);
  const said = [...schemaPaths.map(dotted).filter((s) => s !== ''), ...interpolationFailed];
  const extra = rules.items.filter((p) => !said.some((s) => p.path === s || p.path.startsWith(`${s}.`)));

  const all = sortProblems([...problems.items, ...schema.items, ...extra], file);
  if (all.some((p) => p.severity === 'error') || !built) return failed(all, file, unsent);
  return { stack: built.stack, problems: all, baton: built.baton, unsentFiles: unsent, values: built.values };
}

/**
 * The variables the stack's secrets and configs take their value from (`environment: NAME`): what
 * a client sends with it besides those the file mentions as ${VAR}.
 */
export function variablesNamedBy(input: Omit<ParseInput, 'env'>): string[] {
  const prepared = prepare(input);
  if ('failed' in prepared) return [];
  const names = new Set<string>();
  for (const section of [prepared.data.secrets, prepared.data.configs]) {
    if (!isDict(section)) continue;
    for (const decl of Object.values(section)) if (isDict(decl) && typeof decl.environment === 'string') names.add(decl.environment);
  }
  return [...names];
}

/**
 * The files a stack names (env_file, and the files of its secrets and configs), as it writes them after interpolation: what a client reads
 * and sends with it. Baton's rules only, without the schema (a file the schema refuses still
 * says which files it names), and nothing is read.
 */
export function filesNamedBy(input: ParseInput): NamedFile[] {
  const prepared = prepare(input);
  // the files loading asked for (includes, extended files): once they are sent, what they name
  const named: NamedFile[] = prepared.wanted.map((w) => ({ path: w.path, required: w.required, what: w.what }));
  if ('failed' in prepared) return named;
  const record = (path: string, required: boolean, what?: string): undefined => {
    const seen = named.find((n) => fileKey(n.path) === fileKey(path));
    if (seen) seen.required ||= required;
    else named.push({ path, required, ...(what !== undefined ? { what } : {}) });
    return undefined;
  };
  build(input, prepared.data, new ProblemList(input.file, prepared.locator), prepared.locator, record, prepared.leftOut);
  return named;
}

function failed(problems: SpecProblem[], file: string, unsentFiles: string[]): ParseResult {
  return { stack: null, problems: sortProblems(problems, file), baton: null, unsentFiles, values: null };
}

function build(
  input: ParseInput,
  data: Dict,
  problems: ProblemList,
  locator: Locator,
  readFile: (path: string, required: boolean, what?: string) => string | undefined,
  leftOut: ReadonlyMap<string, string[]>,
): { stack: StackSpec; baton: BatonExtensions; values: DeclaredValues } | null {
  // The stack file's folder on the client's side: relative bind mounts are resolved from it, and
  // files it names are said in messages as the client knows them.
  const dir = dirname(resolve(input.file));
  const clientDir = posix.dirname(input.file);
  for (const [key, rule] of Object.entries(TOP_LEVEL_RULES)) {
    if (data[key] === undefined) continue;
    if (rule.severity === 'error') problems.error([key], rule.message, { at: 'key' });
    else problems.warn([key], rule.message, { at: 'key' });
  }

  const name = stackName(input, dir, data, problems);
  const { declarations, values } = readDeclarations({ problems, dir, env: input.env ?? {}, readFile }, data);
  const placementStrategy = readStackExtensions(problems, ['x-baton'], data['x-baton']);

  const ctx: SpecContext = {
    file: input.file,
    dir,
    env: input.env ?? {},
    readFile,
    clientPath: (path) => (isAbsolute(path) ? path : posix.join(clientDir, path)),
    problems,
    declared: {
      secrets: new Set(Object.keys(declarations.secrets)),
      configs: new Set(Object.keys(declarations.configs)),
      volumes: new Set(Object.keys(declarations.volumes)),
      networks: new Set(Object.keys(declarations.networks)),
    },
    volumeDeclarations: declarations.volumes,
    networkDeclarations: declarations.networks,
    rawScalar: (path: Path) => locator.rawScalar?.(path) ?? null,
  };

  const services: ServiceResult[] = [];
  if (isDict(data.services) && Object.keys(data.services).length > 0) {
    for (const [serviceName, service] of Object.entries(data.services)) {
      if (isDict(service)) services.push(readService(ctx, name ?? '', serviceName, service));
    }
  } else if (data.services === undefined || isDict(data.services)) {
    problems.error(['services'], 'the stack has no services: add at least one under `services:`', data.services === undefined ? { placeAt: [] } : { at: 'key' });
  }
  checkPortConflicts(problems, services.map((s) => ({ name: s.spec.name, ports: s.ports })));
  checkServiceNames(problems, services.map((s) => s.spec.name));
  checkDependencies(problems, services.map((s) => ({ name: s.spec.name, dependsOn: s.dependsOn })), leftOut);
  for (const [left, profiles] of leftOut) {
    problems.warn(['services', left, 'profiles'], `service \`${left}\` is left out: none of its profiles (${profiles.join(', ')}) is active; deploy it with --profile ${profiles[0] ?? ''} (or COMPOSE_PROFILES=${profiles[0] ?? ''})`, { at: 'key' });
  }

  if (name === null || placementStrategy === null) return null;
  const rollout: Record<string, RolloutTuning> = {};
  for (const s of services) if (s.rollout) rollout[s.spec.name] = s.rollout;
  const known = new Set(services.map((s) => s.spec.name));
  const specs: ServiceSpec[] = services.map((s) => {
    const dependsOn = dependsOnSpec(s.dependsOn, known);
    return dependsOn.length > 0 ? { ...s.spec, dependsOn } : s.spec;
  });
  return { stack: { name, services: specs, ...declarations }, baton: { placementStrategy, rollout }, values };
}

/** From the CLI, else `name:`, else the file's folder (made name-safe, as Compose does). */
function stackName(input: ParseInput, dir: string, data: Dict, problems: ProblemList): string | null {
  if (input.stackName !== undefined) {
    if (NAME_PATTERN.test(input.stackName)) return input.stackName;
    problems.addAt('error', [], { line: 0, column: 0 }, `stack name \`${input.stackName}\` (from --name) ${NAME_RULE}`);
    return null;
  }
  if (typeof data.name === 'string') {
    if (NAME_PATTERN.test(data.name)) return data.name;
    problems.error(['name'], `stack name \`${data.name}\` ${NAME_RULE}`);
    return null;
  }
  const folder = basename(dir);
  const derived = folder.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '').slice(0, 63);
  if (derived !== '') return derived;
  problems.addAt('error', [], { line: 0, column: 0 }, `no stack name: the folder name "${folder}" has no letters or digits to make one from; give one with --name or a top-level \`name:\``);
  return null;
}
