// Loading a stack: the stack file, the files it includes and those its services extend, into one
// document (the data the rest of the parser reads) and one locator (where each part of it was
// written: which file, which line). Every file comes from what the client sent: nothing is read
// from the disk here. `wanted` says which files loading asked for, so a client can send them.
import { isAbsolute, posix } from 'node:path';
import type { SpecProblem } from '../../../../shared/stack.ts';
import { mergeService } from './compose-merge.ts';
import { parseEnvFile } from './env-file.ts';
import { chainText, readExtends } from './extends.ts';
import { applyServiceTags, findComposeTags, serviceTags, TAG_WARNING, type ComposeTags } from './compose-tags.ts';
import { readIncludes } from './include.ts';
import { interpolateDocument } from './interpolate.ts';
import { ProblemList, type Locator, type Path, type Place } from './problems.ts';
import { rebaseDeclarations, rebasePath, rebaseService } from './relative-paths.ts';
import { didYouMean } from './suggest.ts';
import { isDict, type Dict } from './values.ts';
import { DocumentLocator, parseYaml } from './yaml-source.ts';

/** How deep includes may nest, and how many files one stack may load. */
export const MAX_INCLUDE_DEPTH = 16;
export const MAX_LOADED_FILES = 32;
/** How many services one chain of `extends` may go through. */
export const MAX_EXTENDS_DEPTH = 32;

const SECTIONS = ['networks', 'volumes', 'secrets', 'configs'] as const;

export interface LoadInput {
  text: string;
  /** The stack file's path as the client knows it: for messages. */
  file: string;
  env: Readonly<Record<string, string>>;
  /** Files sent with the stack, by their path relative to the stack file's folder (normalized). */
  files: ReadonlyMap<string, string>;
  /** Further files (`-f a.yaml -f b.yaml`), by their key in `files`: merged over the stack file in order, as Compose merges them. */
  overrides?: readonly string[];
}

/** A file loading asked for, by its path relative to the stack file's folder. */
export interface WantedFile {
  path: string;
  required: boolean;
  /** What it is for: "the included file", "the extended file", "the env file of an include", "the file merged over the stack file". */
  what: string;
}

export interface Loaded {
  /** The stack as one document: includes merged in, `extends` resolved, `include` gone. */
  data: Dict;
  locator: Locator;
  /** Syntax, interpolation and loading problems, in every file. */
  problems: SpecProblem[];
  /** The files loading asked for (sent or not): what a client reads and sends. */
  wanted: WantedFile[];
}

export type LoadResult = Loaded | { failed: SpecProblem[]; wanted: WantedFile[] };

/** One file, read: its data, its problems, where each node of it is. */
export interface SourceDoc {
  key: string;
  /** Its path as the client knows it, for messages. */
  file: string;
  data: Dict;
  problems: ProblemList;
  locator: DocumentLocator;
  tags: ComposeTags;
}

/** Where a service (as merged) was written: its own file and name, and the service it extends. */
interface ServiceOrigin {
  doc: SourceDoc;
  name: string;
  raw: Dict;
  base: ServiceOrigin | null;
}

/** YAML, interpolation, and the document as data: one file. */
export function readDocument(text: string, file: string, key: string, env: Readonly<Record<string, string>>): SourceDoc | { failed: SpecProblem[] } {
  const parsed = parseYaml(text, file);
  const { source } = parsed;
  if (parsed.problems.some((p) => p.severity === 'error')) return { failed: parsed.problems };
  // Compose's own tags are understood (compose-tags.ts), not unknown YAML
  const syntax = parsed.problems.filter((p) => !TAG_WARNING.test(p.message));
  const tags = findComposeTags(source.doc);
  const locator = new DocumentLocator(source);
  const problems = new ProblemList(file, locator);
  problems.items.push(...syntax);
  interpolateDocument(source, locator, env, problems);
  let data: unknown;
  try {
    data = source.doc.toJS();
  } catch (e) {
    problems.addAt('error', [], { line: 0, column: 0 }, `the file can't be read as data: ${(e as Error).message}`);
    return { failed: problems.items };
  }
  if (!isDict(data)) {
    problems.error([], 'a stack file is a map with a `services:` key at the top');
    return { failed: problems.items };
  }
  return { key, file, data, problems, locator, tags };
}

/** The key a file is sent under: relative to the stack file's folder, normalized ("./a.yaml" → "a.yaml"). */
export function fileKey(path: string): string {
  return posix.normalize(path);
}

interface DocResult {
  services: Map<string, { data: Dict; origin: ServiceOrigin }>;
  sections: Record<(typeof SECTIONS)[number], Map<string, { value: unknown; doc: SourceDoc }>>;
  doc: SourceDoc;
}

export function loadStack(input: LoadInput): LoadResult {
  const loader = new Loader(input);
  const main = readDocument(input.text, input.file, '.', input.env);
  if ('failed' in main) return { failed: main.failed, wanted: [] };
  const result = loader.complete(main, '.', [input.file]);
  const topLevel: Dict = {};
  for (const key of input.overrides ?? []) {
    const doc = loader.open(fileKey(key), '.', input.env, main, [], 'the file merged over the stack file');
    if (!doc) continue;
    const over = loader.complete(doc, '.', [loader.clientPath(fileKey(key))]);
    for (const [name, s] of over.services) {
      const mine = result.services.get(name);
      result.services.set(name, mine ? { data: applyServiceTags(mergeService(mine.data, s.data), s.data, serviceTags(doc.tags, name)), origin: s.origin.base ? s.origin : { ...s.origin, base: mine.origin } } : s);
    }
    for (const section of SECTIONS) {
      for (const [name, d] of over.sections[section]) {
        const mine = result.sections[section].get(name);
        result.sections[section].set(name, mine && isDict(mine.value) && isDict(d.value) ? { value: { ...mine.value, ...d.value }, doc: d.doc } : d);
      }
    }
    for (const [k, v] of Object.entries(doc.data)) if (k !== 'services' && k !== 'include' && !(SECTIONS as readonly string[]).includes(k)) topLevel[k] = v;
  }
  if (loader.failed.length > 0) return { failed: [...loader.allProblems(main), ...loader.failed], wanted: loader.wanted };

  const services: Dict = {};
  const origins = new Map<string, ServiceOrigin>();
  for (const [name, s] of result.services) {
    services[name] = s.data;
    origins.set(name, s.origin);
  }
  const data: Dict = { ...main.data, ...topLevel };
  delete data.include;
  if (isDict(main.data.services) || result.services.size > 0) data.services = services;
  const sectionDocs = new Map<string, SourceDoc>();
  for (const section of SECTIONS) {
    const entries = result.sections[section];
    if (entries.size === 0) continue;
    const merged: Dict = {};
    for (const [name, { value, doc }] of entries) {
      merged[name] = value;
      if (doc !== main) sectionDocs.set(`${section}\0${name}`, doc);
    }
    data[section] = merged;
  }
  return { data, locator: new ComposedLocator(main, origins, sectionDocs), problems: loader.allProblems(main), wanted: loader.wanted };
}

class Loader {
  readonly wanted: WantedFile[] = [];
  readonly failed: SpecProblem[] = [];
  private readonly docs = new Map<string, SourceDoc | null>();
  private readonly seen: SourceDoc[] = [];
  private readonly resolved = new Map<string, { data: Dict; origin: ServiceOrigin } | null>();
  /** How many services each resolved one goes through by `extends`. */
  private readonly depth = new Map<string, number>();

  constructor(private readonly input: LoadInput) {}

  allProblems(main: SourceDoc): SpecProblem[] {
    return [main, ...this.seen.filter((d) => d !== main)].flatMap((d) => d.problems.items);
  }

  /** Its path as the client knows it: beside the stack file. */
  clientPath(key: string): string {
    return isAbsolute(key) ? key : posix.join(posix.dirname(this.input.file), key);
  }

  /** A file sent with the stack, or undefined (and asked for). */
  private sent(key: string, required: boolean, what: string): string | undefined {
    const content = this.input.files.get(key);
    if (content === undefined && !this.wanted.some((w) => w.path === key)) this.wanted.push({ path: key, required, what });
    else if (content === undefined) for (const w of this.wanted) if (w.path === key) w.required ||= required;
    return content;
  }

  /**
   * Another file, read once per folder it is resolved from and environment: null when it was not
   * sent or can't be read (the problem is said at `at` in `from`).
   */
  open(key: string, dir: string, env: Readonly<Record<string, string>>, from: SourceDoc, at: Path, what: string): SourceDoc | null {
    const cacheKey = `${key}\0${dir}\0${JSON.stringify(env)}`;
    if (this.docs.has(cacheKey)) return this.docs.get(cacheKey)!;
    if (this.docs.size >= MAX_LOADED_FILES) {
      from.problems.error(at, `the stack loads more than ${MAX_LOADED_FILES} files (includes and extended files): merge some of them`);
      this.docs.set(cacheKey, null);
      return null;
    }
    const text = this.sent(key, true, what);
    if (text === undefined) {
      from.problems.error(at, `${what} ${this.clientPath(key)} was not sent with the stack: the control plane reads no file a stack names, the client that applies it sends them (\`baton apply -f\` and \`baton config -f\` do); check the path`);
      this.docs.set(cacheKey, null);
      return null;
    }
    const read = readDocument(text, this.clientPath(key), key, env);
    if ('failed' in read) {
      this.failed.push(...read.failed);
      this.docs.set(cacheKey, null);
      return null;
    }
    rebaseDocument(read, dir);
    this.docs.set(cacheKey, read);
    this.seen.push(read);
    return read;
  }

  /** A file with its `extends` resolved and its includes merged in. */
  complete(doc: SourceDoc, dir: string, includeChain: string[]): DocResult {
    if (!this.seen.includes(doc)) this.seen.push(doc);
    const result: DocResult = { services: new Map(), sections: { networks: new Map(), volumes: new Map(), secrets: new Map(), configs: new Map() }, doc };
    const own = isDict(doc.data.services) ? doc.data.services : {};
    for (const [name, service] of Object.entries(own)) {
      if (!isDict(service)) continue;
      const r = this.resolveService(doc, dir, name, []);
      if (r) result.services.set(name, r);
    }
    for (const section of SECTIONS) {
      const decls = doc.data[section];
      if (isDict(decls)) for (const [name, value] of Object.entries(decls)) result.sections[section].set(name, { value, doc });
    }

    for (const entry of readIncludes(doc.problems, doc.data.include)) {
      const first = entry.paths[0];
      if (!first) continue;
      const key = fileKey(rebasePath(dir, first.path));
      const shown = this.clientPath(key);
      if (includeChain.includes(shown)) {
        doc.problems.error(first.at, `includes ${shown}, which includes this file again: ${[...includeChain, shown].join(' → ')}; remove one of the includes`);
        continue;
      }
      if (includeChain.length > MAX_INCLUDE_DEPTH) {
        doc.problems.error(first.at, `includes nest more than ${MAX_INCLUDE_DEPTH} deep (${includeChain.join(' → ')}): include the files from one place`);
        continue;
      }
      const projectDir = entry.projectDirectory !== null ? fileKey(rebasePath(dir, entry.projectDirectory)) : posix.dirname(key);
      const env = this.includeEnv(doc, dir, projectDir, entry.envFiles);
      const included = this.open(key, projectDir, env, doc, first.at, 'the included file');
      if (!included) continue;
      const sub = this.complete(included, projectDir, [...includeChain, shown]);
      for (const [name, s] of sub.services) {
        const mine = result.services.get(name);
        if (mine && JSON.stringify(mine.data) !== JSON.stringify(s.data)) {
          doc.problems.error(first.at, `service \`${name}\` is defined both in ${mine.origin.doc.file} and in the included ${s.origin.doc.file}: rename one of them (Compose refuses the same conflict)`);
        } else if (!mine) result.services.set(name, s);
      }
      for (const section of SECTIONS) {
        for (const [name, d] of sub.sections[section]) {
          const mine = result.sections[section].get(name);
          if (mine && JSON.stringify(mine.value) !== JSON.stringify(d.value)) {
            doc.problems.error(first.at, `${section.slice(0, -1)} \`${name}\` is declared both in ${mine.doc.file} and in the included ${d.doc.file}, differently: declare it once`);
          } else if (!mine) result.sections[section].set(name, d);
        }
      }
    }
    return result;
  }

  /** An included file's variables: its env files (default: its project folder's .env), under the client's own. */
  private includeEnv(doc: SourceDoc, dir: string, projectDir: string, envFiles: { path: string; at: Path }[] | null): Readonly<Record<string, string>> {
    const env: Record<string, string> = {};
    const files = envFiles ?? [{ path: fileKey(posix.join(projectDir, '.env')), at: [] as Path }];
    for (const f of files) {
      const key = envFiles ? fileKey(rebasePath(dir, f.path)) : f.path;
      const text = this.sent(key, envFiles !== null, 'the env file of an include');
      if (text === undefined) {
        if (envFiles) doc.problems.error(f.at, `env file ${this.clientPath(key)} was not sent with the stack: check the path (the client that applies the stack sends the files it names)`);
        continue;
      }
      const parsed = parseEnvFile(text, (name) => this.input.env[name] ?? env[name]);
      for (const p of parsed.problems) doc.problems.addAt(p.severity, f.at, { line: p.line, column: p.column, file: this.clientPath(key) }, p.message);
      for (const e of parsed.entries) {
        const value = e.value ?? this.input.env[e.key];
        if (value !== undefined) env[e.key] = value;
      }
    }
    return { ...env, ...this.input.env };
  }

  /** A service with the services it extends merged under it; null when it can't be. */
  private resolveService(doc: SourceDoc, dir: string, name: string, chain: { service: string; file: string; key: string }[]): { data: Dict; origin: ServiceOrigin } | null {
    const id = `${doc.key}\0${dir}\0${name}`;
    if (this.resolved.has(id)) return this.resolved.get(id)!;
    const services = isDict(doc.data.services) ? doc.data.services : {};
    const raw = services[name];
    if (!isDict(raw)) return null;
    const path: Path = ['services', name];
    const ref = raw.extends === undefined ? null : readExtends(doc.problems, path, raw.extends);
    const { extends: _extends, ...local } = raw;
    const tags = serviceTags(doc.tags, name);
    const plain = { data: applyServiceTags(local, local, tags), origin: { doc, name, raw, base: null } };
    if (!ref) {
      this.resolved.set(id, plain);
      return plain;
    }
    const here = { service: name, file: doc.file, key: id };
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      // (reached by recursion: the services it goes through are not resolved yet)
      doc.problems.error(ref.at, `\`extends\` chains more than ${MAX_EXTENDS_DEPTH} services deep (${chainText([...chain.slice(0, 3), here])} …): extend from fewer levels`);
      this.resolved.set(id, plain);
      return plain;
    }
    let baseDoc: SourceDoc | null = doc;
    let baseDir = dir;
    if (ref.file !== null) {
      const key = fileKey(ref.file); // already relative to the stack file's folder (rebased)
      baseDir = posix.dirname(key);
      baseDoc = this.open(key, baseDir, this.input.env, doc, [...ref.at, 'file'], 'the extended file');
    }
    if (!baseDoc) {
      this.resolved.set(id, plain);
      return plain;
    }
    const baseServices = isDict(baseDoc.data.services) ? baseDoc.data.services : {};
    if (!isDict(baseServices[ref.service])) {
      const where = ref.file !== null ? ` in ${baseDoc.file}` : '';
      doc.problems.error([...ref.at, ...(isDict(raw.extends) ? ['service'] : [])], `extends service \`${ref.service}\`, which is not defined${where}${didYouMean(ref.service, Object.keys(baseServices))}`);
      this.resolved.set(id, plain);
      return plain;
    }
    const baseId = `${baseDoc.key}\0${baseDir}\0${ref.service}`;
    const loop = [...chain, here].findIndex((c) => c.key === baseId);
    if (loop >= 0) {
      const cycle = [...chain, here].slice(loop);
      doc.problems.error(ref.at, `\`extends\` goes round in a circle: ${chainText([...cycle, cycle[0]!])}; one of them must stop extending`);
      this.resolved.set(id, plain);
      return plain;
    }
    const base = this.resolveService(baseDoc, baseDir, ref.service, [...chain, here]);
    const depth = (base ? (this.depth.get(baseId) ?? 0) : 0) + 1;
    this.depth.set(id, depth);
    if (base && depth > MAX_EXTENDS_DEPTH) {
      // (reached through services resolved before it)
      doc.problems.error(ref.at, `\`extends\` chains more than ${MAX_EXTENDS_DEPTH} services deep (from ${name} (${doc.file})): extend from fewer levels`);
      this.resolved.set(id, plain);
      return plain;
    }
    const merged = base ? { data: applyServiceTags(mergeService(base.data, local), local, tags), origin: { doc, name, raw, base: base.origin } } : plain;
    this.resolved.set(id, merged);
    return merged;
  }
}

/** A file loaded from another folder: its paths relative to the stack file's folder. */
function rebaseDocument(doc: SourceDoc, dir: string): void {
  if (dir === '.') return;
  if (isDict(doc.data.services)) {
    const services: Dict = {};
    for (const [name, s] of Object.entries(doc.data.services)) services[name] = isDict(s) ? rebaseService(dir, s) : s;
    doc.data.services = services;
  }
  for (const section of ['secrets', 'configs'] as const) {
    const decls = doc.data[section];
    if (isDict(decls)) doc.data[section] = rebaseDeclarations(dir, decls);
  }
}

function hasPath(value: unknown, path: Path): boolean {
  let node: unknown = value;
  for (const segment of path) {
    if (isDict(node) && Object.hasOwn(node, String(segment))) node = node[String(segment)];
    else if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else return false;
  }
  return true;
}

/** Finds each path of the merged stack in the file that wrote it. */
class ComposedLocator implements Locator {
  constructor(
    private readonly main: SourceDoc,
    private readonly services: ReadonlyMap<string, ServiceOrigin>,
    private readonly sections: ReadonlyMap<string, SourceDoc>,
  ) {}

  place(path: Path, at: 'key' | 'value'): Place {
    const { doc, path: there } = this.route(path);
    const place = doc.locator.place(there, at);
    return doc === this.main ? place : { ...place, file: doc.file };
  }

  rawScalar(path: Path): string | null {
    const { doc, path: there } = this.route(path);
    return doc.locator.rawScalar(there);
  }

  private route(path: Path): { doc: SourceDoc; path: Path } {
    if (path[0] === 'services' && path.length >= 2) {
      let origin = this.services.get(String(path[1]));
      if (origin) {
        const rest = path.slice(2);
        // the service that wrote the key, else the one it extends
        while (origin.base && rest.length > 0 && !hasPath(origin.raw, rest) && !(Object.hasOwn(origin.raw, String(rest[0])) && !hasPath(mergedBase(origin.base), [rest[0]!]))) {
          origin = origin.base;
        }
        return { doc: origin.doc, path: ['services', origin.name, ...rest] };
      }
    }
    const section = path.length >= 2 ? this.sections.get(`${String(path[0])}\0${String(path[1])}`) : undefined;
    return { doc: section ?? this.main, path };
  }
}

/** The keys a chain of extended services writes, for routing: the first that has one. */
function mergedBase(origin: ServiceOrigin): Dict {
  const out: Dict = {};
  for (let o: ServiceOrigin | null = origin; o; o = o.base) for (const k of Object.keys(o.raw)) if (!Object.hasOwn(out, k)) out[k] = o.raw[k];
  return out;
}
