import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import {
  fingerprintOf,
  hostFieldMatches,
  knowledgeOf,
  knownHostsName,
  lookupNames,
  matchPattern,
  matchPatternList,
  parseKnownHosts,
  type KnownHostsLookup,
} from '../../electron/control-plane/hosts/known-hosts.ts';

// An SSH public key blob: string type, then the key's bytes as one more string.
function keyBlob(type = 'ssh-ed25519', body = randomBytes(32)): Buffer {
  const str = (b: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(b.length);
    return Buffer.concat([head, b]);
  };
  return Buffer.concat([str(Buffer.from(type)), str(body)]);
}

const entry = (hosts: string, blob: Buffer, type = 'ssh-ed25519') => `${hosts} ${type} ${blob.toString('base64')}`;

// How ssh-keygen -H and HashKnownHosts write a name: |1|base64(salt)|base64(HMAC-SHA1(key=salt, name)).
function hashName(name: string, salt = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const at = (address: string, port = 22, extra: { alias?: string; hostKeyAlias?: string } = {}): KnownHostsLookup => lookupNames({ address, port, ...extra });
const fingerprints = (text: string, lookup: KnownHostsLookup) => knowledgeOf(parseKnownHosts(text), lookup).keys.map((k) => k.fingerprint);

test('patterns: * is any run, ? one character, the rest literal (brackets too)', () => {
  assert.ok(matchPattern('web-1.example.com', '*.example.com'));
  assert.ok(matchPattern('web-1', 'web-?'));
  assert.ok(!matchPattern('web-12', 'web-?'));
  assert.ok(matchPattern('', '*'));
  assert.ok(!matchPattern('', '?'));
  assert.ok(matchPattern('abXbYbc', 'a*b*c')); // needs backtracking
  assert.ok(!matchPattern('abXbYbd', 'a*b*c'));
  assert.ok(matchPattern('[10.0.0.5]:2222', '[10.0.0.5]:2222'));
  assert.ok(!matchPattern('1', '[10.0.0.5]:2222'), 'a bracket is not a character class');
  assert.ok(matchPattern('[10.0.0.5]:2222', '[10.0.0.*]:2222'));
  assert.ok(matchPattern('[10.0.0.5]:2222', '*'));
  assert.ok(!matchPattern('10.0.0.5', '10.0.0.5.'));
  assert.ok(!matchPattern('10.0.0.55', '10.0.0.5'));
  assert.ok(matchPattern('a.b', 'a.b') && !matchPattern('axb', 'a.b'), 'a dot is a dot');
});

test('pattern lists: any pattern may match, a negated match wins whatever its place, case does not matter', () => {
  assert.ok(matchPatternList('web-1', 'db,web-1'));
  assert.ok(matchPatternList('WEB-1', 'web-1'));
  assert.ok(matchPatternList('web-1', 'WEB-*'));
  assert.ok(!matchPatternList('10.0.0.6', '10.0.0.*,!10.0.0.6'));
  assert.ok(!matchPatternList('10.0.0.6', '!10.0.0.6,10.0.0.*'));
  assert.ok(matchPatternList('10.0.0.7', '10.0.0.*,!10.0.0.6'));
  assert.ok(!matchPatternList('10.0.0.7', '!10.0.0.6'), 'a negation alone matches nothing');
  assert.ok(!matchPatternList('web-1', ''));
  assert.ok(!matchPatternList('a', `${'a'.repeat(1100)},a`), 'an over-long pattern makes the list fail, as in match.c');
});

test('lookup names: the bare name on port 22, [name]:port elsewhere with the bare name as fallback, HostKeyAlias alone', () => {
  assert.equal(knownHostsName('10.0.0.5', 22), '10.0.0.5');
  assert.equal(knownHostsName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  assert.equal(knownHostsName('fe80::1', 2222), '[fe80::1]:2222');
  assert.deepEqual(at('10.0.0.5'), { names: ['10.0.0.5'], fallbackNames: [] });
  assert.deepEqual(at('10.0.0.5', 2222), { names: ['[10.0.0.5]:2222'], fallbackNames: ['10.0.0.5'] });
  assert.deepEqual(at('10.0.0.5', 22, { alias: 'Web-1' }), { names: ['10.0.0.5', 'web-1'], fallbackNames: [] });
  assert.deepEqual(at('10.0.0.5', 22, { alias: '10.0.0.5' }), { names: ['10.0.0.5'], fallbackNames: [] });
  assert.deepEqual(at('10.0.0.5', 2200, { alias: 'web-1' }), { names: ['[10.0.0.5]:2200', '[web-1]:2200'], fallbackNames: ['10.0.0.5', 'web-1'] });
  assert.deepEqual(at('10.0.0.5', 2200, { alias: 'web-1', hostKeyAlias: 'Web-Prod' }), { names: ['web-prod'], fallbackNames: [] });
});

test('[host]:port entries match only that port; [host]:22 does not stand for port 22 (ssh looks up the bare name there)', () => {
  const a = keyBlob();
  const b = keyBlob();
  const c = keyBlob();
  const text = [entry('[10.0.0.5]:2222', a), entry('10.0.0.5', b), entry('[10.0.0.5]:22', c)].join('\n');
  assert.deepEqual(fingerprints(text, at('10.0.0.5', 2222)), [fingerprintOf(a)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.5', 22)), [fingerprintOf(b)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.5', 2223)), []);
  // the bare entry is the fallback for other ports
  assert.deepEqual(knowledgeOf(parseKnownHosts(text), at('10.0.0.5', 2223)).fallbackKeys.map((k) => k.fingerprint), [fingerprintOf(b)]);
  assert.deepEqual(knowledgeOf(parseKnownHosts(text), at('10.0.0.5', 2222)).fallbackKeys.map((k) => k.fingerprint), [fingerprintOf(b)]);
});

test('comma lists, wildcards and negations on real lines', () => {
  const a = keyBlob();
  const b = keyBlob();
  const text = [entry('10.0.0.5,web-1', a), entry('10.0.0.*,!10.0.0.6', b)].join('\n');
  assert.deepEqual(fingerprints(text, at('10.0.0.5')), [fingerprintOf(a), fingerprintOf(b)]);
  assert.deepEqual(fingerprints(text, at('10.9.9.9', 22, { alias: 'web-1' })), [fingerprintOf(a)], 'the alias finds the line');
  assert.deepEqual(fingerprints(text, at('10.0.0.6')), []);
  assert.deepEqual(fingerprints(text, at('10.0.0.7')), [fingerprintOf(b)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.7', 2222)), [], 'a bare pattern does not match [host]:port');
  assert.deepEqual(fingerprints(entry('[10.0.0.*]:2222', a), at('10.0.0.7', 2222)), [fingerprintOf(a)]);
});

test('hashed names: HMAC-SHA1 over the name, the [host]:port form off port 22, lowercased', () => {
  const a = keyBlob();
  const b = keyBlob();
  const c = keyBlob();
  const text = [entry(hashName('10.0.0.5'), a), entry(hashName('[10.0.0.5]:2222'), b), entry(hashName('web-1'), c)].join('\n');
  assert.deepEqual(fingerprints(text, at('10.0.0.5')), [fingerprintOf(a)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.5', 2222)), [fingerprintOf(b)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.9', 22, { alias: 'WEB-1' })), [fingerprintOf(c)]);
  assert.deepEqual(fingerprints(text, at('10.0.0.6')), []);
  // a hash made with another salt does not match
  const salt = randomBytes(20);
  const other = `|1|${salt.toString('base64')}|${createHmac('sha1', randomBytes(20)).update('10.0.0.5').digest('base64')}`;
  assert.ok(!hostFieldMatches(other, '10.0.0.5'));
  assert.ok(hostFieldMatches(hashName('10.0.0.5', salt), '10.0.0.5'));
});

test('@revoked lines are revocations (also under the bare name for another port); @cert-authority lines are no host keys', () => {
  const a = keyBlob();
  const b = keyBlob();
  const c = keyBlob();
  const text = [entry('10.0.0.5', a), `@revoked ${entry('*', b)}`, `@cert-authority ${entry('*.example.com,10.0.0.5', c)}`, `@revoked\t${entry('10.0.0.5', c)}`].join('\n');
  const k = knowledgeOf(parseKnownHosts(text), at('10.0.0.5'));
  assert.deepEqual(k.keys.map((x) => x.fingerprint), [fingerprintOf(a)]);
  assert.deepEqual(k.revoked.map((x) => [x.fingerprint, x.line]), [[fingerprintOf(b), 2], [fingerprintOf(c), 4]]);
  const other = knowledgeOf(parseKnownHosts(text), at('10.0.0.5', 2222));
  assert.deepEqual(other.revoked.map((x) => x.line), [2, 4]);
  assert.deepEqual(other.keys, []);
  assert.equal(parseKnownHosts(text).lines[2]!.marker, 'cert-authority');
});

test('a malformed line is skipped and reported with its number; the lines around it still count', () => {
  const good = keyBlob();
  const rsa = keyBlob('ssh-rsa', randomBytes(64));
  const text = [
    entry('10.0.0.5', good), // 1
    `@foo ${entry('10.0.0.5', good)}`, // 2 unknown marker
    `@revoked @cert-authority ${entry('10.0.0.5', good)}`, // 3 two markers
    '@revoked', // 4 a marker and nothing else
    '10.0.0.5', // 5 host names only
    '10.0.0.5 ssh-ed25519', // 6 no key
    '10.0.0.5 ssh-ed25519 not*base64!', // 7
    entry('10.0.0.5', rsa, 'ssh-ed25519'), // 8 the blob is RSA
    `|1|abc|def ssh-ed25519 ${good.toString('base64')}`, // 9 a hash that is not one
    `|2|${randomBytes(20).toString('base64')}|${randomBytes(20).toString('base64')} ssh-ed25519 ${good.toString('base64')}`, // 10
    '10.0.0.5 2048 35 2503821239786124389', // 11 an SSH-1 RSA key
    `10.0.0.5 ssh-ed25519 ${Buffer.from([0, 0, 0, 200, 1]).toString('base64')}`, // 12 not a key blob
    `10.0.0.5 # a comment where the key should be`, // 13
    entry('10.0.0.5', rsa, 'ssh-rsa'), // 14 good again
  ].join('\n');
  const parsed = parseKnownHosts(text);
  assert.deepEqual(parsed.problems.map((p) => p.line), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  assert.match(parsed.problems[0]!.message, /unknown marker @foo/);
  assert.match(parsed.problems[1]!.message, /at most one/);
  assert.match(parsed.problems[6]!.message, /is ssh-rsa, not the ssh-ed25519/);
  assert.match(parsed.problems[7]!.message, /not a hashed host name/);
  assert.deepEqual(fingerprints(text, at('10.0.0.5')), [fingerprintOf(good), fingerprintOf(rsa)]);
  assert.deepEqual(parsed.lines.map((l) => l.line), [1, 14]);
});

test('comments, blank lines, leading blanks, tabs, trailing comments and CRLF line ends', () => {
  const a = keyBlob();
  const b = keyBlob('ecdsa-sha2-nistp256', randomBytes(65));
  const c = keyBlob();
  const text = [
    '# a comment',
    '',
    '   # an indented comment',
    '\t',
    `  \t${entry('10.0.0.5', a)} me@laptop added 2024\r`,
    `10.0.0.5\t\tecdsa-sha2-nistp256\t${b.toString('base64')}\r`,
    `#${entry('10.0.0.5', c)}`,
    '',
  ].join('\n');
  const parsed = parseKnownHosts(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.lines.map((l) => [l.line, l.keyType]), [[5, 'ssh-ed25519'], [6, 'ecdsa-sha2-nistp256']]);
  assert.deepEqual(fingerprints(text, at('10.0.0.5')), [fingerprintOf(a), fingerprintOf(b)]);
  assert.deepEqual(parseKnownHosts('').lines, []);
  assert.deepEqual(parseKnownHosts('\r\n\r\n').problems, []);
});

test('a file of many lines: every line counted, the one for the host found at its line', () => {
  const target = keyBlob();
  const rows: string[] = [];
  for (let i = 0; i < 5000; i++) rows.push(i % 7 === 0 ? entry(hashName(`10.1.${i >> 8}.${i & 255}`), keyBlob()) : entry(`host-${i}.example.com,10.2.${i >> 8}.${i & 255}`, keyBlob()));
  rows[4321] = entry('[db.example.com]:5022', target);
  const text = rows.join('\n');
  const started = Date.now();
  const k = knowledgeOf(parseKnownHosts(text), at('DB.example.com', 5022));
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.deepEqual(k.keys.map((x) => [x.line, x.fingerprint]), [[4322, fingerprintOf(target)]]);
  assert.equal(knowledgeOf(parseKnownHosts(text), at('10.1.0.7')).keys.length, 1);
});
