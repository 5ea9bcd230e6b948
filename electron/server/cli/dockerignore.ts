// `.dockerignore` as Docker reads it: one pattern a line (`#` starts a comment), matched against a
// path relative to the context with "/" between its parts; `*` is any run of characters within one
// part, `?` one character, `[a-z]` a class, `**` any number of parts (none too); a pattern that
// matches a folder matches everything in it; `!` makes a later pattern take a path back; the last
// pattern that matches a path decides. A leading "/" and "./" mean the context's top.
import { posix } from 'node:path';

export interface IgnorePattern {
  /** As written (less its `!`), for messages. */
  text: string;
  negated: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1).trim();
    // Docker cleans the path: "./a//b/" is "a/b"; "/a" is "a"
    let cleaned = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (cleaned === '.' || cleaned === '') cleaned = negated ? '' : '**';
    if (cleaned === '') continue;
    out.push({ text: line, negated, regex: toRegex(cleaned) });
  }
  return out;
}

function toRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?'; // "**/": any number of folders, none too
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += escape(pattern[i]!);
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escape(c: string): string {
  return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}

/** Whether the pattern matches the path or one of the folders it is in. */
function matchesOrParent(p: IgnorePattern, path: string): boolean {
  if (p.regex.test(path)) return true;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    if (p.regex.test(path.slice(0, i))) return true;
  }
  return false;
}

/** Whether a path of the context (relative, "/"-separated) is left out: the last pattern that matches it decides. */
export function isIgnored(patterns: readonly IgnorePattern[], path: string): boolean {
  let ignored = false;
  for (const p of patterns) if (p.negated === ignored && matchesOrParent(p, path)) ignored = !p.negated;
  return ignored;
}

/**
 * Whether a left-out folder must still be walked: a `!` pattern may take back something inside it.
 * (Without one, nothing under an ignored folder is read at all: node_modules stays unwalked.)
 */
export function mayTakeBackUnder(patterns: readonly IgnorePattern[], folder: string): boolean {
  return patterns.some((p) => p.negated && (p.text.includes('*') || p.text.includes('?') || p.text.includes('[') || posix.normalize(p.text).replace(/^\/+/, '').startsWith(`${folder}/`)));
}
