// The built renderer, served read-only: GET and HEAD of the files inside one folder. A request
// target is checked before any file is looked at: only origin-form paths (`/…`), decoded once,
// with no NUL and no `..` segment; anything else is a 400, never an exception.
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import type http from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Sent with every answer: the UI may not be framed by another site, nor tell it where it was. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export type RequestPath = { ok: true; path: string } | { ok: false; why: string };

/** The decoded path of a request target, or why it is not one this server takes. */
export function requestPath(target: string | undefined): RequestPath {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) {
    return { ok: false, why: 'The request target must be a path starting with one /, e.g. GET /index.html.' };
  }
  const end = target.search(/[?#]/);
  const raw = end < 0 ? target : target.slice(0, end);
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { ok: false, why: 'The path has a malformed percent-encoding (each % must start a %XX of UTF-8).' };
  }
  if (path.includes('\0')) return { ok: false, why: 'The path holds a NUL character.' };
  if (path.split(/[/\\]/).includes('..')) return { ok: false, why: 'The path may not contain .. segments.' };
  return { ok: true, path };
}

export function plainText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text + '\n');
}

/** The file's stat, or undefined when no file can be at that path (missing, a name too long, …). */
function statIfThere(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

/** Answers GET/HEAD of `path` (already checked by requestPath) from `dir`. */
export function serveStatic(dir: string, path: string, head: boolean, res: http.ServerResponse): void {
  const root = realpathSync(dir);
  const wanted = resolve(root, '.' + (path === '/' ? '/index.html' : path));
  const stat = wanted.startsWith(root + sep) ? statIfThere(wanted) : undefined;
  // a link inside the folder that points out of it is not served either
  if (stat === undefined || !stat.isFile() || !realpathSync(wanted).startsWith(root + sep)) {
    plainText(res, 404, 'not found');
    return;
  }
  const body = readFileSync(wanted);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(wanted)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    'cache-control': 'no-cache',
  });
  res.end(head ? undefined : body);
}
