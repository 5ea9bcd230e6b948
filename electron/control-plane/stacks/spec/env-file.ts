// Compose's env_file format: KEY=VALUE lines, `export` allowed, # comments, single quotes literal,
// double quotes with escapes, both may span lines; unquoted and double-quoted values are
// interpolated (from the keys above in the same file, then the environment).
// A problem says where it is (line and column) and what is wrong, and never quotes the file: an
// env file holds secrets, and a file that is not an env file at all (a private key) must not come
// back line by line in an error.
import { interpolate, type InterpolationIssue, type Lookup } from './interpolate.ts';

export interface EnvFileProblem {
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface EnvFileResult {
  /** In file order; a null value (a bare `KEY`) means "from the environment, if set". */
  entries: { key: string; value: string | null }[];
  problems: EnvFileProblem[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

export function parseEnvFile(text: string, env: Lookup): EnvFileResult {
  const lines = text.split(/\r?\n/);
  const entries: EnvFileResult['entries'] = [];
  const problems: EnvFileProblem[] = [];
  const seen = new Map<string, string>();
  const lookup: Lookup = (name) => seen.get(name) ?? env(name);

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const indent = line.length - body.length;
    const m = /^(?:export\s+)?([^=\s]+)\s*(=?)[ \t]*(.*)$/.exec(body);
    const key = m?.[1] ?? '';
    if (!m || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) || (m[2] !== '=' && m[3] !== '')) {
      problems.push({ line: lineNo, column: indent + 1, message: 'this line is not KEY=VALUE (a name of letters, digits, _ . -, not starting with a digit, then = and the value)', severity: 'error' });
      continue;
    }
    if (m[2] !== '=') {
      entries.push({ key, value: null });
      continue;
    }
    let rest = m[3]!;
    const quote = rest[0];
    let value: string;
    if (quote === '"' || quote === "'") {
      // Gather lines until the closing quote.
      let raw = rest.slice(1);
      let close = findClose(raw, quote);
      const startLine = lineNo;
      while (close === -1 && i + 1 < lines.length) {
        raw += `\n${lines[++i]!}`;
        close = findClose(raw, quote);
      }
      if (close === -1) {
        problems.push({ line: startLine, column: indent + 1, message: `this value opens a ${quote === '"' ? 'double' : 'single'} quote it never closes`, severity: 'error' });
        continue;
      }
      rest = raw.slice(close + 1).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        problems.push({ line: i + 1, column: 1, message: 'there is text after the closing quote of a value: put it inside the quotes, or start a comment with #', severity: 'error' });
        continue;
      }
      const inner = raw.slice(0, close);
      value = quote === "'" ? inner : inner.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all);
    } else {
      value = rest.replace(/\s+#.*$/, '').trimEnd();
    }
    if (quote !== "'" && value.includes('$')) {
      const result = interpolate(value, lookup);
      value = result.value;
      for (const issue of result.issues) problems.push({ line: lineNo, column: indent + 1, message: ISSUE_MESSAGES[issue.kind], severity: issue.severity });
    }
    seen.set(key, value);
    entries.push({ key, value });
  }
  return { entries, problems };
}

/** What an interpolation issue in a value means, without the value (the issue's own message quotes it). */
const ISSUE_MESSAGES: Record<InterpolationIssue['kind'], string> = {
  syntax: 'a `$` in this value is not a valid variable: write ${NAME}, ${NAME:-default}, or $$ for a literal dollar sign (or quote the value with single quotes)',
  required: 'this value needs a variable that is not set (${NAME:?…}): set it where baton apply runs',
  unset: 'this value uses a variable that is not set: it becomes an empty string',
};

/** Index of the closing quote in `s` (a double quote may be escaped), or -1. */
function findClose(s: string, quote: string): number {
  for (let i = 0; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}
