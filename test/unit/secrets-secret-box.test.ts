import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../electron/control-plane/secrets/secret-box.ts';

test('sealed values open with the same key, and do not contain the plain text', () => {
  const box = SecretBox.fromKey(randomBytes(32));
  const sealed = box.seal('correct horse battery staple');
  assert.ok(!sealed.includes('horse'));
  assert.notEqual(box.seal('same'), box.seal('same'), 'a fresh IV every time');
  assert.equal(box.open(sealed), 'correct horse battery staple');
});

test('another key, or a tampered value, cannot open it', () => {
  const sealed = SecretBox.fromKey(randomBytes(32)).seal('x');
  assert.throws(() => SecretBox.fromKey(randomBytes(32)).open(sealed));
  const box = SecretBox.fromKey(randomBytes(32));
  const parts = box.seal('hello').split(':');
  parts[3] = Buffer.from('jello').toString('base64');
  assert.throws(() => box.open(parts.join(':')));
});

test('the key file is created 0600, reused, and a damaged one is refused with what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-key-'));
  const file = join(dir, 'data.key');
  const sealed = SecretBox.fromKeyFile(file).seal('v');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(SecretBox.fromKeyFile(file).open(sealed), 'v');
  writeFileSync(join(dir, 'bad.key'), 'short\n');
  assert.throws(() => SecretBox.fromKeyFile(join(dir, 'bad.key')), /damaged.*backup/);
  assert.ok(readFileSync(file, 'utf8').trim().length > 40);
});
