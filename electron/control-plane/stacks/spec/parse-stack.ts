// `baton apply -f stack.yaml`: a Compose file, as people write it, to a StackSpec, with every
// problem at its line: YAML syntax, interpolation, the official Compose schema, then Baton's rules.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ServiceSpec, SpecProblem, StackSpec } from '../../../../shared/stack.ts';
import { composeSchemaErrors } from './compose-schema.ts';
import { readDeclarations } from './declarations.ts';
import { interpolateDocument } from './interpolate.ts';
import { checkPortConflicts } from './port-conflicts.ts';
import { ProblemList, dotted, sortProblems, type Path } from './problems.ts';
import { reportSchemaErrors } from './schema-problems.ts';
import { NAME_PATTERN, NAME_RULE, readService, type ServiceResult } from './service.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict, type Dict } from './values.ts';
import { readStackExtensions, type PlacementStrategy, type RolloutTuning } from './x-baton.ts';
import { DocumentLocator, parseYaml } from './yaml-source.ts';

export { serviceSpecHash } from './spec-hash.ts';
export type { PlacementStrategy, ReplicaAmount, RolloutTuning } from './x-baton.ts';

export interface ParseInput {
  text: string; // the file's content
  file: string; // its path, for messages
  stackName?: string; // from the CLI (-p / --name); else top-level `name:`; else the file's folder name
  env?: Record<string, string>; // for ${VAR} interpolation (the CLI passes process.env merged with a .env beside the file)
  readFile?: (path: string) => string; // for env_file (paths relative to the file's folder); default fs
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
}

const TOP_LEVEL_RULES: Record<string, { severity: 'error' | 'warning'; message: string }> = {
  version: { severity: 'warning', message: '`version` is obsolete and ignored: remove it' },
  include: { severity: 'error', message: '`include` is not supported: put all the services of a stack in one file' },
  models: { severity: 'error', message: '`models` (Docker Model Runner) is not supported' },
};

export function parseStackFile(input: ParseInput): ParseResult {
  const { text, file } = input;
  const dir = dirname(resolve(file));
  const { source, problems: syntax } = parseYaml(text, file);
  if (syntax.some((p) => p.severity === 'error')) return failed(syntax, file);

  const locator = new DocumentLocator(source);
  const problems = new ProblemList(file, locator);
  problems.items.push(...syntax);
  interpolateDocument(source, locator, input.env ?? {}, problems);

  let data: unknown;
  try {
    data = source.doc.toJS();
  } catch (e) {
    problems.addAt('error', [], { line: 0, column: 0 }, `the file can't be read as data: ${(e as Error).message}`);
    return failed(problems.items, file);
  }
  if (!isDict(data)) {
    problems.error([], 'a stack file is a map with a `services:` key at the top');
    return failed(problems.items, file);
  }

  // Baton's rules run even where the schema failed, so all problems come at once; where the
  // schema already said what's wrong with a node, what Baton would add about it is left out.
  const schema = new ProblemList(file, locator);
  const schemaPaths = reportSchemaErrors(composeSchemaErrors(data), data, schema);
  const rules = new ProblemList(file, locator);
  const built = build(input, dir, data, rules, locator);
  const said = schemaPaths.map(dotted).filter((s) => s !== '');
  const extra = rules.items.filter((p) => !said.some((s) => p.path === s || p.path.startsWith(`${s}.`)));

  const all = sortProblems([...problems.items, ...schema.items, ...extra], file);
  if (all.some((p) => p.severity === 'error') || !built) return failed(all, file);
  return { stack: built.stack, problems: all, baton: built.baton };
}

function failed(problems: SpecProblem[], file: string): ParseResult {
  return { stack: null, problems: sortProblems(problems, file), baton: null };
}

function build(input: ParseInput, dir: string, data: Dict, problems: ProblemList, locator: DocumentLocator): { stack: StackSpec; baton: BatonExtensions } | null {
  for (const [key, rule] of Object.entries(TOP_LEVEL_RULES)) {
    if (data[key] === undefined) continue;
    if (rule.severity === 'error') problems.error([key], rule.message, { at: 'key' });
    else problems.warn([key], rule.message, { at: 'key' });
  }

  const name = stackName(input, dir, data, problems);
  const declarations = readDeclarations({ problems, dir }, data);
  const placementStrategy = readStackExtensions(problems, ['x-baton'], data['x-baton']);

  const ctx: SpecContext = {
    file: input.file,
    dir,
    env: input.env ?? {},
    readFile: input.readFile ?? ((path) => readFileSync(path, 'utf8')),
    problems,
    declared: {
      secrets: new Set(Object.keys(declarations.secrets)),
      configs: new Set(Object.keys(declarations.configs)),
      volumes: new Set(Object.keys(declarations.volumes)),
      networks: new Set(Object.keys(declarations.networks)),
    },
    rawScalar: (path: Path) => locator.rawScalar(path),
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

  if (name === null || placementStrategy === null) return null;
  const rollout: Record<string, RolloutTuning> = {};
  for (const s of services) if (s.rollout) rollout[s.spec.name] = s.rollout;
  const specs: ServiceSpec[] = services.map((s) => s.spec);
  return { stack: { name, services: specs, ...declarations }, baton: { placementStrategy, rollout } };
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
