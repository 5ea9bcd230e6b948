// The stack file as a YAML document with positions: syntax problems, and where a path lies.
import { Document, LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type YAMLError } from 'yaml';
import type { SpecProblem } from '../../../../shared/stack.ts';
import type { Locator, Path, Place } from './problems.ts';

export interface YamlSource {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** A stack file past this is refused before it is parsed: the largest real ones are tens of kB. */
export const MAX_STACK_FILE_BYTES = 2 * 1024 * 1024;
/** Collections nested deeper than this are refused (Compose files nest a handful of levels). */
export const MAX_NESTING = 64;

export function parseYaml(text: string, file: string): { source: YamlSource; problems: SpecProblem[] } {
  const lineCounter = new LineCounter();
  const refused = (line: number, column: number, message: string) => ({
    source: { text: '', doc: parseDocument(''), lineCounter: new LineCounter() },
    problems: [{ file, line, column, path: '', message, severity: 'error' as const }],
  });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_STACK_FILE_BYTES) {
    return refused(1, 1, `the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB: a stack file may be at most ${MAX_STACK_FILE_BYTES / 1024 / 1024} MiB (put large configuration in config or secret files, which have their own limits)`);
  }
  // a deep flow nesting ([[[[…) overflows the YAML library's recursion: said as what it is, first
  const deep = flowNestingBeyond(text, MAX_NESTING);
  if (deep !== null) {
    const place = lineAndColumn(text, deep);
    return refused(place.line, place.column, `YAML syntax: collections nested more than ${MAX_NESTING} levels deep here (a stack file nests a handful)`);
  }
  // Compose files use `<<: *defaults` merge keys; YAML 1.2 needs them asked for. The library's own
  // unique-key check compares each key with every key before it (quadratic in a map's size): keys
  // are checked here instead, with a set per map.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: false });
  const problems = [
    ...doc.errors.map((e) => yamlProblem(e, file, 'error')),
    ...doc.warnings.map((e) => yamlProblem(e, file, 'warning')),
  ];
  if (doc.errors.length === 0) problems.push(...duplicateKeys(doc, lineCounter, file));
  return { source: { text, doc, lineCounter }, problems };
}

/** The offset where `[`/`{` flow collections first nest past `limit`, outside quotes and comments; or null. */
function flowNestingBeyond(text: string, limit: number): number | null {
  let depth = 0;
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return null;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Keys written twice in one map, each placed at its second writing, in one pass with a set per map
 * (walked without recursion, so no nesting overflows it), and nesting past MAX_NESTING. Merge keys
 * (`<<`) may repeat.
 */
function duplicateKeys(doc: Document.Parsed, lineCounter: LineCounter, file: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const stack: { node: AnyNode; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if ((isMap(node) || isSeq(node)) && depth >= MAX_NESTING) {
      const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
      return [{ file, line, column: col, path: '', message: `YAML syntax: collections nested more than ${MAX_NESTING} levels deep here (a stack file nests a handful)`, severity: 'error' }];
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : null;
        if (key !== null && key !== '<<') {
          if (seen.has(key)) {
            const at = (pair.key as Node).range?.[0] ?? 0;
            const { line, col } = lineCounter.linePos(at);
            problems.push({ file, line, column: col, path: '', message: `YAML syntax: Map keys must be unique: "${key}" is written twice in this map`, severity: 'error' });
          }
          seen.add(key);
        }
        stack.push({ node: pair.value as AnyNode, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item as AnyNode, depth: depth + 1 });
    }
  }
  return problems;
}

function yamlProblem(e: YAMLError, file: string, severity: SpecProblem['severity']): SpecProblem {
  const pos = e.linePos?.[0] ?? { line: 0, col: 0 };
  // prettyErrors appends " at line L, column C:" and a source excerpt; the place is in line/column already.
  const first = e.message.split('\n')[0] ?? e.message;
  const message = first.replace(/ at line \d+, column \d+:?$/, '');
  return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${message}`, severity };
}

type AnyNode = Node | null | undefined;

/** Resolves paths through the document, following aliases and `<<` merge keys like `toJS` does. */
export class DocumentLocator implements Locator {
  constructor(private readonly source: YamlSource) {}

  place(path: Path, at: 'key' | 'value'): Place {
    const offset = this.offsetOf(path, at);
    if (offset === null) return { line: 0, column: 0 };
    return this.placeOfOffset(offset);
  }

  /** The scalar at the path as written in the file ("0440" where YAML 1.2 reads 440), or null. */
  rawScalar(path: Path): string | null {
    let node: AnyNode = this.source.doc.contents;
    for (const segment of path) {
      node = this.resolve(node);
      if (isMap(node)) node = (this.findPair(node, String(segment))?.value ?? null) as AnyNode;
      else if (isSeq(node) && typeof segment === 'number') node = node.items[segment] as AnyNode;
      else return null;
    }
    node = this.resolve(node);
    return isScalar(node) && node.range ? this.source.text.slice(node.range[0], node.range[1]) : null;
  }

  placeOfOffset(offset: number): Place {
    const { line, col } = this.source.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** The offset of the deepest node on the path that exists (a missing key points at its map). */
  private offsetOf(path: Path, at: 'key' | 'value'): number | null {
    let node: AnyNode = this.source.doc.contents;
    let best = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      node = this.resolve(node);
      if (isMap(node)) {
        const pair = this.findPair(node, String(segment));
        if (!pair) return best;
        const keyStart = rangeStart(pair.key as AnyNode);
        const valueStart = rangeStart(pair.value as AnyNode);
        if (last && at === 'key') return keyStart ?? valueStart ?? best;
        // `key:` with nothing after it has no value node worth pointing at: use the key.
        best = valueStart !== null && !isEmptyScalar(pair.value as AnyNode) ? valueStart : keyStart ?? best;
        node = pair.value as AnyNode;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as AnyNode;
        if (!item) return best;
        best = rangeStart(item) ?? best;
        node = item;
      } else {
        return best;
      }
    }
    return best;
  }

  private resolve(node: AnyNode): AnyNode {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(this.source.doc) as AnyNode;
    return current;
  }

  private findPair(map: Node, key: string): { key: unknown; value: unknown } | null {
    if (!isMap(map)) return null;
    const merges: AnyNode[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (k === key) return pair;
      if (k === '<<') merges.push(pair.value as AnyNode);
    }
    for (const merge of merges) {
      const sources = isSeq(merge) ? (merge.items as AnyNode[]) : [merge];
      for (const source of sources) {
        const found = this.findPair(this.resolve(source) as Node, key);
        if (found) return found;
      }
    }
    return null;
  }
}

function rangeStart(node: AnyNode): number | null {
  return node && node.range ? node.range[0] : null;
}

function isEmptyScalar(node: AnyNode): boolean {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}
