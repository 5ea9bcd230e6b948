// An OpenSSH known_hosts file, read and matched as ssh reads and matches it (sshd(8), "SSH_KNOWN_HOSTS
// FILE FORMAT"; ssh's hostfile.c and match.c). Pure: text in, lines and problems out; names in,
// matching lines out. Reading the file and deciding about a key are elsewhere (host-key.ts).
//
// The format, line by line:
//   [@cert-authority|@revoked] hostnames keytype base64-key [comment]
// - Blank lines and lines whose first non-blank character is `#` are comments. Leading spaces and
//   tabs are skipped. A trailing CR is dropped (a file edited on Windows): ssh itself fails a line
//   whose key is followed by a CR and no comment, but the key is plainly meant.
// - `hostnames` is a comma-separated list of patterns: `*` matches any run of characters (also
//   none), `?` exactly one, anything else itself (so `[10.0.0.5]:2222` is literal, brackets and
//   all). A pattern prefixed by `!` negates: if a negated pattern matches, the line does not match,
//   whatever the other patterns say. Case does not matter.
// - Or `hostnames` is one hashed name, `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by
//   `HashKnownHosts yes` / `ssh-keygen -H`; it stands alone (no list, no patterns).
// - A line that can't be read (an unknown marker, no key, a key that is not base64 or whose type is
//   not the one the line says, a hashed name that is not |1|salt|hash) is a problem of that line
//   only: it is reported with its line number and skipped, the rest of the file still counts.
//
// Which names a host is looked up under (lookupNames): ssh looks up the host name it dials (HostName
// from ~/.ssh/config, or what was typed), in put_host_port form: the bare name on port 22,
// `[name]:port` on any other port, so a `[host]:22` line never matches. Baton also looks up the
// alias typed (an entry for `web-1` counts for `web-1`'s HostName), because Baton dials what
// ~/.ssh/config says as ssh does, and a key recorded under either name speaks for the host: more
// names can only find more keys, so a changed key is caught under either name. With HostKeyAlias
// set, that name alone is looked up, with no port (as ssh does). ssh's CheckHostIP (off by default
// since OpenSSH 8.5) is not done: the dialled address is the IP when an address was given.
// On a port other than 22, ssh also accepts the very key shown if it is listed under the bare name
// (hostfile "checking without port identifier"); such bare-name lines never make a key "changed".
// A @revoked line counts under every one of these names, the bare one included: a key revoked for
// a host is revoked on all its ports.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type KnownHostsMarker = 'cert-authority' | 'revoked';

export interface KnownHostsLine {
  /** 1-based, as editors and ssh's messages count. */
  line: number;
  marker: KnownHostsMarker | null;
  /** The host field as written: a pattern list, or one hashed name. */
  hosts: string;
  keyType: string;
  fingerprint: string;
}

export interface KnownHostsProblem {
  line: number;
  message: string;
}

export interface KnownHostsFile {
  lines: KnownHostsLine[];
  problems: KnownHostsProblem[];
}

/** `SHA256:<base64, no padding>` of an SSH public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type is the first string of the SSH wire encoding ("ssh-ed25519", "ssh-rsa", …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

const BLANK = /[ \t]/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA1_LENGTH = 20;

function skipBlanks(text: string, at: number): number {
  while (at < text.length && BLANK.test(text[at]!)) at++;
  return at;
}

function tokenEnd(text: string, at: number): number {
  while (at < text.length && !BLANK.test(text[at]!)) at++;
  return at;
}

/** Every line of the file: the usable ones, and what is wrong with the others. */
export function parseKnownHosts(text: string): KnownHostsFile {
  const lines: KnownHostsLine[] = [];
  const problems: KnownHostsProblem[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const result = parseLine(rows[i]!.replace(/\r$/, ''), i + 1);
    if (result === null) continue;
    if ('message' in result) problems.push(result);
    else lines.push(result);
  }
  return { lines, problems };
}

function parseLine(row: string, line: number): KnownHostsLine | KnownHostsProblem | null {
  let at = skipBlanks(row, 0);
  if (at === row.length || row[at] === '#') return null;
  const problem = (message: string): KnownHostsProblem => ({ line, message });

  let marker: KnownHostsMarker | null = null;
  while (row[at] === '@') {
    const end = tokenEnd(row, at);
    const word = row.slice(at, end);
    if (marker !== null) return problem(`a second marker ${word}: a line takes at most one of @cert-authority and @revoked`);
    if (word === '@cert-authority') marker = 'cert-authority';
    else if (word === '@revoked') marker = 'revoked';
    else return problem(`unknown marker ${word}: only @cert-authority and @revoked exist`);
    if (end === row.length) return problem(`nothing after ${word}: write ${word} hostnames keytype key`);
    at = skipBlanks(row, end);
  }

  const hostsEnd = tokenEnd(row, at);
  const hosts = row.slice(at, hostsEnd);
  at = skipBlanks(row, hostsEnd);
  if (at === row.length || row[at] === '#') return problem(`no key after the host names "${hosts}"`);
  if (hosts.startsWith('|') && parseHashed(hosts) === null) {
    return problem(`"${hosts.slice(0, 40)}" is not a hashed host name (|1|base64 salt|base64 hash, as ssh-keygen -H writes it)`);
  }

  const typeEnd = tokenEnd(row, at);
  const keyType = row.slice(at, typeEnd);
  at = skipBlanks(row, typeEnd);
  const keyText = row.slice(at, tokenEnd(row, at));
  if (keyText === '') return problem(`no key after the key type ${keyType}`);
  if (!BASE64.test(keyText) || keyText.length % 4 !== 0) return problem(`the key after ${keyType} is not base64`);
  const blob = Buffer.from(keyText, 'base64');
  const innerType = keyTypeOf(blob);
  if (innerType !== keyType) {
    return problem(innerType === 'unknown' ? `the ${keyType} key is not an SSH public key` : `the key is ${innerType}, not the ${keyType} the line says`);
  }
  return { line, marker, hosts, keyType, fingerprint: fingerprintOf(blob) };
}

function parseHashed(field: string): { salt: Buffer; hash: Buffer } | null {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[0] !== '' || parts[1] !== '1') return null;
  const [, , saltText, hashText] = parts as [string, string, string, string];
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return null;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  return salt.length === SHA1_LENGTH && hash.length === SHA1_LENGTH ? { salt, hash } : null;
}

// ssh lowercases the name it looks up and each pattern, ASCII only (tolower).
function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** One pattern against one name: `*` any run (also empty), `?` one character, the rest literal. */
export function matchPattern(name: string, pattern: string): boolean {
  // iterative wildcard matching: on a mismatch after a `*`, let that `*` swallow one more character
  let n = 0;
  let p = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starN = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

// match.c keeps each pattern in a 1024-byte buffer; a longer one makes the whole list not match
const MAX_PATTERN = 1023;

/** A comma-separated pattern list (match_pattern_list): any positive match, unless a `!` pattern matches. */
export function matchPatternList(name: string, list: string): boolean {
  const host = lowerAscii(name);
  let positive = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = lowerAscii(negated ? raw.slice(1) : raw);
    if (pattern.length >= MAX_PATTERN) return false;
    if (!matchPattern(host, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

/** Whether a line's host field (a pattern list, or one hashed name) names this host. */
export function hostFieldMatches(field: string, name: string): boolean {
  const host = lowerAscii(name);
  if (!field.startsWith('|')) return matchPatternList(host, field);
  const hashed = parseHashed(field);
  if (hashed === null) return false;
  const digest = createHmac('sha1', hashed.salt).update(host).digest();
  return timingSafeEqual(digest, hashed.hash);
}

/** How ssh names an endpoint in known_hosts (put_host_port): the bare host on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export interface KnownHostsLookup {
  /** The names a line must match for its key to count as this host's. */
  names: string[];
  /** Names whose lines count only for the very key shown (the bare names, for a port other than 22). */
  fallbackNames: string[];
}

/** The names a host is looked up under; see the comment at the top for why these. */
export function lookupNames(target: { address: string; port: number; alias?: string | undefined; hostKeyAlias?: string | undefined }): KnownHostsLookup {
  if (target.hostKeyAlias) return { names: [lowerAscii(target.hostKeyAlias)], fallbackNames: [] };
  const hosts = [...new Set([target.address, target.alias].filter((h): h is string => !!h).map(lowerAscii))];
  return {
    names: hosts.map((h) => knownHostsName(h, target.port)),
    fallbackNames: target.port === 22 ? [] : hosts,
  };
}

export interface HostKnowledge {
  /** Plain lines (no marker) that name this host: its known keys. */
  keys: KnownHostsLine[];
  /** Plain lines that name it only by a fallback name: good for the same key, never "changed". */
  fallbackKeys: KnownHostsLine[];
  /** @revoked lines that name it under any of its names: keys refused outright. */
  revoked: KnownHostsLine[];
}

/** What a known_hosts file says about one host. @cert-authority lines vouch for certificates, never a plain key, and are left out. */
export function knowledgeOf(file: KnownHostsFile, lookup: KnownHostsLookup): HostKnowledge {
  const knowledge: HostKnowledge = { keys: [], fallbackKeys: [], revoked: [] };
  const named = (line: KnownHostsLine, names: string[]) => names.some((name) => hostFieldMatches(line.hosts, name));
  for (const line of file.lines) {
    if (line.marker === 'cert-authority') continue;
    const byName = named(line, lookup.names);
    const byFallback = !byName && named(line, lookup.fallbackNames);
    if (line.marker === 'revoked') {
      if (byName || byFallback) knowledge.revoked.push(line);
    } else if (byName) knowledge.keys.push(line);
    else if (byFallback) knowledge.fallbackKeys.push(line);
  }
  return knowledge;
}
