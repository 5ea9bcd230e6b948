// Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, $VAR, and $$ for a literal $. Defaults may nest.
import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Path, ProblemList } from './problems.ts';
import type { DocumentLocator, YamlSource } from './yaml-source.ts';

export interface InterpolationIssue {
  severity: 'error' | 'warning';
  /** 'syntax': not a valid `$` expression; 'required': `${VAR:?…}` unset; 'unset': a variable not set. */
  kind: 'syntax' | 'required' | 'unset';
  message: string;
  /** Where the expression starts in the input, and the expression as written. */
  offset: number;
  text: string;
}

export type Lookup = (name: string) => string | undefined;

export function interpolate(input: string, lookup: Lookup): { value: string; issues: InterpolationIssue[] } {
  const issues: InterpolationIssue[] = [];
  const { value } = expand(input, 0, false, lookup, issues);
  return { value, issues };
}

const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;

function expand(s: string, start: number, inBraces: boolean, lookup: Lookup, issues: InterpolationIssue[]): { value: string; end: number } {
  let out = '';
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (inBraces && c === '}') return { value: out, end: i };
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const braced = expandBraced(s, i, lookup, issues);
      out += braced.value;
      i = braced.end;
    } else {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(s)?.[0];
      if (name) {
        out += valueOf(name, lookup, `$${name}`, i, issues);
        i += 1 + name.length;
      } else {
        issues.push({ severity: 'error', kind: 'syntax', message: 'a lone `$` is not a variable: write `$$` for a literal dollar sign', offset: i, text: '$' });
        out += '$';
        i++;
      }
    }
  }
  return { value: out, end: i };
}

/** `s[start]` is the `$` of `${`; returns the value and the index just past the closing brace. */
function expandBraced(s: string, start: number, lookup: Lookup, issues: InterpolationIssue[]): { value: string; end: number } {
  NAME.lastIndex = start + 2;
  const name = NAME.exec(s)?.[0];
  const close = matchingBrace(s, start + 2);
  const text = close === -1 ? s.slice(start) : s.slice(start, close + 1);
  if (close === -1) {
    issues.push({ severity: 'error', kind: 'syntax', message: `\`${text}\` has no closing \`}\`: close it, or write \`$$\` for a literal dollar sign`, offset: start, text });
    return { value: '', end: s.length };
  }
  let i = start + 2 + (name?.length ?? 0);
  if (!name) {
    issues.push({ severity: 'error', kind: 'syntax', message: `\`${text}\` is not a valid variable: names are letters, digits and _, not starting with a digit`, offset: start, text });
    return { value: '', end: close + 1 };
  }
  if (s[i] === '}') return { value: valueOf(name, lookup, text, start, issues), end: i + 1 };

  const op = s.startsWith(':', i) ? s.slice(i, i + 2) : s.slice(i, i + 1);
  if (![':-', '-', ':?', '?', ':+', '+'].includes(op)) {
    issues.push({ severity: 'error', kind: 'syntax', message: `\`${text}\` is not a valid substitution: use \${${name}}, \${${name}:-default} or \${${name}:?error}`, offset: start, text });
    return { value: '', end: close + 1 };
  }
  i += op.length;
  // The word is expanded only when used: ${A:-${B}} must not warn about B when A is set.
  const wordIssues: InterpolationIssue[] = [];
  const word = () => {
    const r = expand(s, i, true, lookup, wordIssues);
    issues.push(...wordIssues);
    return r.value;
  };
  const raw = lookup(name);
  const set = raw !== undefined;
  const nonEmpty = set && raw !== '';
  let value: string;
  switch (op) {
    case ':-': value = nonEmpty ? raw : word(); break;
    case '-': value = set ? raw : word(); break;
    case ':+': value = nonEmpty ? word() : ''; break;
    case '+': value = set ? word() : ''; break;
    default: {
      // :? and ?
      const missing = op === ':?' ? !nonEmpty : !set;
      value = raw ?? '';
      if (missing) {
        const reason = word();
        const how = op === ':?' && set ? 'is empty' : 'is not set';
        issues.push({ severity: 'error', kind: 'required', message: `required variable ${name} ${how}${reason ? `: ${reason}` : ''}`, offset: start, text });
      }
    }
  }
  return { value, end: close + 1 };
}

function valueOf(name: string, lookup: Lookup, text: string, offset: number, issues: InterpolationIssue[]): string {
  const value = lookup(name);
  if (value !== undefined) return value;
  issues.push({ severity: 'warning', kind: 'unset', message: `variable ${name} is not set: using an empty string (set it, or write \${${name}:-default})`, offset, text });
  return '';
}

/** The `}` closing the `${` whose body starts at `from`, counting nested `${`; -1 if none. */
function matchingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '$') i++;
    else if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Interpolates every string value in the document in place (keys are left as written, as Compose does). */
export function interpolateDocument(source: YamlSource, locator: DocumentLocator, env: Record<string, string>, problems: ProblemList): void {
  const lookup: Lookup = (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
  const walk = (node: unknown, path: Path): void => {
    if (isAlias(node)) return; // interpolated where its anchor is
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const written = node.value;
      const { value, issues } = interpolate(written, lookup);
      node.value = value;
      const [start, end] = node.range ?? [0, 0];
      const raw = source.text.slice(start, end);
      // Where the scalar is written as its value (plain, or quoted without escapes) offsets carry
      // over; otherwise (folded, escaped) look for the expression's text.
      const shift = raw === written ? 0 : raw.length === written.length + 2 && raw.slice(1, -1) === written ? 1 : null;
      for (const issue of issues) {
        const at = shift !== null ? shift + issue.offset : Math.max(raw.indexOf(issue.text), 0);
        problems.addAt(issue.severity, path, locator.placeOfOffset(start + at), issue.message);
      }
    }
  };
  walk(source.doc.contents as Node | null, []);
}
