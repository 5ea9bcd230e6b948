// Compose's YAML tags for merging: `!reset` (drop what the base or earlier file gave, e.g.
// `ports: !reset []`) and `!override` (replace it instead of merging). Found in the YAML tree,
// then applied where a service is merged over another (extends, -f files).
import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Path } from './problems.ts';
import { isDict, type Dict } from './values.ts';

export interface ComposeTags {
  reset: Path[];
  override: Path[];
}

export const TAG_WARNING = /Unresolved tag: !(reset|override)\b/;

export function findComposeTags(doc: Document): ComposeTags {
  const tags: ComposeTags = { reset: [], override: [] };
  const walk = (node: unknown, path: Path, depth: number): void => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    const tag = (node as Node).tag;
    if (tag === '!reset') tags.reset.push(path);
    else if (tag === '!override') tags.override.push(path);
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair) && isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)], depth + 1);
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i], depth + 1));
  };
  walk(doc.contents, [], 0);
  return tags;
}

/** The tags written under one service (`services.<name>.…`), as paths inside it. */
export function serviceTags(tags: ComposeTags, name: string): ComposeTags {
  const under = (paths: Path[]) => paths.filter((p) => p.length > 2 && p[0] === 'services' && p[1] === name).map((p) => p.slice(2));
  return { reset: under(tags.reset), override: under(tags.override) };
}

/** A merged service with its own tags applied: reset keys dropped, overridden keys as it writes them. */
export function applyServiceTags(merged: Dict, local: Dict, tags: ComposeTags): Dict {
  if (tags.reset.length === 0 && tags.override.length === 0) return merged;
  const out = structuredClone(merged);
  for (const path of tags.override) setAt(out, path, getAt(local, path));
  for (const path of tags.reset) deleteAt(out, path);
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const s of path) node = isDict(node) ? node[String(s)] : Array.isArray(node) ? node[Number(s)] : undefined;
  return node;
}

function setAt(root: Dict, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (isDict(parent)) parent[String(last)] = value;
}

function deleteAt(root: Dict, path: Path): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (isDict(parent)) delete parent[String(last)];
  else if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
}
