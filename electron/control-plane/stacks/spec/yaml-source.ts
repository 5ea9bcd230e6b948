// The stack file as a YAML document with positions: syntax problems, and where a path lies.
import { Document, LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type YAMLError } from 'yaml';
import type { SpecProblem } from '../../../../shared/stack.ts';
import type { Locator, Path, Place } from './problems.ts';

export interface YamlSource {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export function parseYaml(text: string, file: string): { source: YamlSource; problems: SpecProblem[] } {
  const lineCounter = new LineCounter();
  // Compose files use `<<: *defaults` merge keys; YAML 1.2 needs them asked for.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: true });
  const problems = [
    ...doc.errors.map((e) => yamlProblem(e, file, 'error')),
    ...doc.warnings.map((e) => yamlProblem(e, file, 'warning')),
  ];
  return { source: { text, doc, lineCounter }, problems };
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
