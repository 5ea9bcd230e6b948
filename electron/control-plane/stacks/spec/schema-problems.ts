// Turns ajv's errors into problems a person can act on: one per real mistake, at its node.
//
// A value checked by `oneOf` (ports items, environment, networks, …) fails every branch, and ajv
// reports them all. The branches whose type does not even fit the value are noise: drop them and
// keep what the fitting branch says; if no branch fits, say the one thing that is wrong: its type.
import type { ErrorObject } from 'ajv';
import type { Path, ProblemList } from './problems.ts';
import { isUnder } from './problems.ts';
import { didYouMean } from './suggest.ts';
import { got, isDict } from './values.ts';

interface Issue {
  path: Path;
  keyword: string;
  params: Record<string, unknown>;
  parentSchema: unknown;
  message: string;
}

/** Reports the schema errors; returns the paths they are about (Baton's own checks stay quiet there). */
export function reportSchemaErrors(errors: ErrorObject[], data: unknown, problems: ProblemList): Path[] {
  const issues = condense(errors.map((e) => toIssue(e, data)));
  const seen = new Set<string>();
  const paths: Path[] = [];
  for (const issue of issues) {
    const reported = report(issue, data, problems, seen);
    if (reported) paths.push(reported);
  }
  return paths;
}

function toIssue(e: ErrorObject, data: unknown): Issue {
  return { path: decodePointer(e.instancePath, data), keyword: e.keyword, params: e.params as Record<string, unknown>, parentSchema: e.parentSchema, message: e.message ?? e.keyword };
}

/** A JSON pointer to a path whose list indexes are numbers, as the YAML locator needs. */
function decodePointer(pointer: string, data: unknown): Path {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = isDict(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && isUnder(a, b);
}

function condense(all: Issue[]): Issue[] {
  let live = [...all];
  const choices = all.filter((i) => i.keyword === 'oneOf' || i.keyword === 'anyOf').sort((a, b) => b.path.length - a.path.length);
  for (const choice of choices) {
    if (!live.includes(choice)) continue;
    const under = live.filter((i) => i !== choice && isUnder(i.path, choice.path));
    const wrongType = under.filter((i) => i.keyword === 'type' && samePath(i.path, choice.path));
    if (wrongType.length === 0) continue; // more than one branch matched: keep ajv's word for it
    const explained = under.length > wrongType.length;
    live = live.filter((i) => i !== choice && !wrongType.includes(i));
    if (!explained) {
      const types = [...new Set(wrongType.flatMap((i) => typesOf(i.params.type)))];
      live.push({ path: choice.path, keyword: 'type', params: { type: types }, parentSchema: null, message: '' });
    }
  }
  return live;
}

function typesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true/false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

function oneOfWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isDict(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

function report(issue: Issue, data: unknown, problems: ProblemList, seen: Set<string>): Path | null {
  const value = valueAt(data, issue.path);
  let path = issue.path;
  let message: string;
  let placeAt: Path | undefined;
  let at: 'key' | 'value' = 'value';
  switch (issue.keyword) {
    case 'type': {
      // "number" accepts integers: say "a number" once, not "an integer or a number".
      const types = typesOf(issue.params.type);
      const words = types.filter((t) => !(t === 'integer' && types.includes('number'))).map((t) => TYPE_WORDS[t] ?? t);
      message = `must be ${oneOfWords(words)} ${got(value)}`;
      break;
    }
    case 'additionalProperties': {
      const key = String(issue.params.additionalProperty);
      path = [...issue.path, key];
      at = 'key';
      message = unknownKeyMessage(key, issue.parentSchema, issue.path);
      break;
    }
    case 'required': {
      const key = String(issue.params.missingProperty);
      path = [...issue.path, key];
      placeAt = issue.path;
      message = `\`${key}\` is required here`;
      break;
    }
    case 'enum': {
      const allowed = Array.isArray(issue.params.allowedValues) ? issue.params.allowedValues : [];
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} ${got(value)}`;
      break;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      message = `must be ${words[issue.keyword]} ${String(issue.params.limit)} ${got(value)}`;
      break;
    }
    case 'pattern':
      message = `must match the pattern ${String(issue.params.pattern)} ${got(value)}`;
      break;
    case 'uniqueItems':
      path = [...issue.path, Number(issue.params.i)];
      message = `repeats item ${String(issue.params.j)} of the list: list each entry once`;
      break;
    case 'oneOf':
    case 'anyOf':
      message = `matches more than one of the forms Compose allows here: make it unambiguous ${got(value)}`;
      break;
    default:
      message = `${issue.message} ${got(value)}`;
  }
  const key = `${path.join('\u0000')}|${message}`;
  if (seen.has(key)) return null;
  seen.add(key);
  problems.error(path, message, { at, placeAt });
  return path;
}

function unknownKeyMessage(key: string, parentSchema: unknown, mapPath: Path): string {
  const schema = isDict(parentSchema) ? parentSchema : {};
  const properties = isDict(schema.properties) ? Object.keys(schema.properties) : [];
  const allowsExtensions = isDict(schema.patternProperties) && '^x-' in schema.patternProperties;
  if (properties.length === 0) {
    const what = mapPath.length === 1 ? `${String(mapPath[0]).replace(/s$/, '')} name` : 'name';
    return `\`${key}\` is not a valid ${what}: use only letters, digits, ".", "_" and "-"`;
  }
  const where = mapPath.length === 0 ? 'a top-level key' : mapPath.length === 2 && mapPath[0] === 'services' ? 'a service key' : 'a key here';
  const suggestion = didYouMean(key, properties);
  const extensions = !suggestion && allowsExtensions ? '; your own keys must start with "x-"' : '';
  return `\`${key}\` is not part of the Compose spec as ${where}${suggestion}${extensions}`;
}
