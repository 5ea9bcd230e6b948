import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decideHostKey,
  decideReconnectKey,
  fingerprintOf,
  keyTypeOf,
  knownKeyTypes,
  NOTHING_KNOWN,
  readKnownHostsFile,
  type KnownKey,
  type SystemKnown,
} from '../../electron/control-plane/hosts/host-key.ts';
import { lookupNames } from '../../electron/control-plane/hosts/known-hosts.ts';

// An ed25519 public key blob: string "ssh-ed25519", then a 32-byte key.
function ed25519Blob(seed = randomBytes(32)): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(type.length);
  const keyLen = Buffer.alloc(4);
  keyLen.writeUInt32BE(32);
  return Buffer.concat([head, type, keyLen, seed]);
}

test('fingerprints are SHA256 base64 without padding, as ssh-keygen -l prints them', () => {
  // ssh-keygen -lf of this exact key prints SHA256:… of sha256(blob); computed independently here
  const blob = ed25519Blob(Buffer.alloc(32, 7));
  const fp = fingerprintOf(blob);
  assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(keyTypeOf(blob), 'ssh-ed25519');
  assert.notEqual(fingerprintOf(ed25519Blob(Buffer.alloc(32, 8))), fp);
});

const key = (fingerprint: string, keyType = 'ssh-ed25519') => ({ keyType, fingerprint });
const known = (fingerprint: string, keyType: string | null = 'ssh-ed25519', where = 'known_hosts:1'): KnownKey => ({ keyType, fingerprint, where });
const system = (s: Partial<SystemKnown>): SystemKnown => ({ ...NOTHING_KNOWN, ...s });

test('a new key is refused until confirmed, pinned, or trust-on-first-use is asked for', () => {
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: NOTHING_KNOWN }), { accept: false, problem: 'unknown' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: NOTHING_KNOWN, trustNew: true }), { accept: true, remember: true, how: 'trusted-new' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: NOTHING_KNOWN, pin: 'A' }), { accept: true, remember: true, how: 'pinned' });
});

test('a changed key is refused even with trust-on-first-use, naming the expected one and where it is known', () => {
  const remembered = known('A', 'ssh-ed25519', "Baton's record of 10.0.0.5:22");
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered, system: NOTHING_KNOWN, trustNew: true }), { accept: false, problem: 'changed', expected: remembered });
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: null, system: system({ keys: [known('A')] }), trustNew: true }), { accept: false, problem: 'changed', expected: known('A') });
});

test('a key of another type known for the host makes the one shown "changed", never new: not even trust-on-first-use takes it', () => {
  const rsa = known('R', 'ssh-rsa', '/h/.ssh/known_hosts:3');
  const verdict = decideHostKey({ presented: key('E'), remembered: null, system: system({ keys: [rsa] }), trustNew: true });
  assert.deepEqual(verdict, { accept: false, problem: 'changed', expected: rsa });
  // Baton's own memory of another type likewise
  assert.deepEqual(decideHostKey({ presented: key('E'), remembered: rsa, system: NOTHING_KNOWN, trustNew: true }), { accept: false, problem: 'changed', expected: rsa });
  // with keys of both types known, the same-type one is the one named
  const ed = known('A', 'ssh-ed25519', '/h/.ssh/known_hosts:4');
  assert.deepEqual(decideHostKey({ presented: key('E'), remembered: null, system: system({ keys: [rsa, ed] }) }), { accept: false, problem: 'changed', expected: ed });
});

test('a remembered or ~/.ssh/known_hosts key is accepted (any of several known keys)', () => {
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: known('A'), system: NOTHING_KNOWN }), { accept: true, remember: false, how: 'known' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: system({ keys: [known('Z', 'ssh-rsa'), known('A')] }) }), { accept: true, remember: true, how: 'known' });
});

test('off port 22, the very key listed under the bare name is accepted; another key there is no reason to refuse', () => {
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: system({ fallbackKeys: [known('A')] }) }), { accept: true, remember: true, how: 'known' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: system({ fallbackKeys: [known('B')] }) }), { accept: false, problem: 'unknown' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, system: system({ fallbackKeys: [known('B')] }), trustNew: true }), { accept: true, remember: true, how: 'trusted-new' });
  // a [host]:port entry comes first: a different key there is "changed" even if the bare name lists this one
  assert.equal(decideHostKey({ presented: key('A'), remembered: null, system: system({ keys: [known('B')], fallbackKeys: [known('A')] }) }).accept, false);
});

test('a pin is checked against the presented key, and overrides a remembered key (re-keyed host)', () => {
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: known('A'), system: NOTHING_KNOWN, pin: 'B' }), { accept: true, remember: true, how: 'pinned' });
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: null, system: NOTHING_KNOWN, pin: 'C' }), { accept: false, problem: 'pin-mismatch', expected: 'C' });
});

test('a revoked key is refused outright: pinned, remembered, listed as known, or trusted-new', () => {
  const revoked = known('A', 'ssh-ed25519', '/h/.ssh/known_hosts:9');
  const sys = system({ keys: [known('A')], revoked: [revoked] });
  for (const extra of [{}, { pin: 'A' }, { trustNew: true }]) {
    assert.deepEqual(decideHostKey({ presented: key('A'), remembered: known('A'), system: sys, ...extra }), { accept: false, problem: 'revoked', revoked });
  }
  // another key's revocation does not touch this one
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: null, system: system({ revoked: [revoked] }), pin: 'B' }), { accept: true, remember: true, how: 'pinned' });
});

test('on reconnect only the stored key passes; no stored key is refused; a revoked one too', () => {
  const stored = known('A', 'ssh-ed25519', 'the key stored for host h1');
  assert.deepEqual(decideReconnectKey({ host: 'h1', presented: key('A'), stored, revoked: [] }), { accept: true, remember: false, how: 'known' });
  assert.deepEqual(decideReconnectKey({ host: 'h1', presented: key('B'), stored, revoked: [] }), { accept: false, problem: 'changed', expected: stored });
  assert.deepEqual(decideReconnectKey({ host: 'h1', presented: key('A'), stored: null, revoked: [] }), { accept: false, problem: 'no-stored-key', host: 'h1' });
  const revoked = known('A', 'ssh-ed25519', '/h/.ssh/known_hosts:2');
  assert.deepEqual(decideReconnectKey({ host: 'h1', presented: key('A'), stored, revoked: [revoked] }), { accept: false, problem: 'revoked', revoked });
});

test('the key types to ask for first: remembered, then known_hosts, then the bare-name fallback, each once', () => {
  assert.deepEqual(knownKeyTypes(null, NOTHING_KNOWN), []);
  assert.deepEqual(
    knownKeyTypes(known('A', 'ssh-rsa'), system({ keys: [known('B', 'ecdsa-sha2-nistp256'), known('C', 'ssh-rsa')], fallbackKeys: [known('D', 'ssh-ed25519')] })),
    ['ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519'],
  );
  assert.deepEqual(knownKeyTypes(known('A', null), NOTHING_KNOWN), []);
});

test('reading a file: each unreadable line is told with file:line and skipped; a missing file knows nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-known-hosts-'));
  const file = join(dir, 'known_hosts');
  const a = ed25519Blob();
  const b = ed25519Blob();
  writeFileSync(file, [`10.0.0.5 ssh-ed25519 ${a.toString('base64')}`, 'garbage', `@revoked 10.0.0.5 ssh-ed25519 ${b.toString('base64')}`].join('\n'));
  const warnings: string[] = [];
  const k = readKnownHostsFile(file, lookupNames({ address: '10.0.0.5', port: 22 }), (where, message) => warnings.push(`${where} ${message}`));
  assert.deepEqual(k.keys, [{ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(a), where: `${file}:1` }]);
  assert.deepEqual(k.revoked, [{ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(b), where: `${file}:3` }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`^${file}:2 no key after the host names "garbage"; this line is skipped$`));
  assert.deepEqual(readKnownHostsFile(join(dir, 'none'), lookupNames({ address: '10.0.0.5', port: 22 }), () => assert.fail('no warning')), NOTHING_KNOWN);
});
