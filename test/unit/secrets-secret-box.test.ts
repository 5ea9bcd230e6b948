import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretBox, sealedFor } from '../../electron/control-plane/secrets/secret-box.ts';

const WEB_1 = sealedFor.hostPassphrase('web-1');

/** A value sealed as Baton 0.1.0 did: "v1:iv:tag:ct", AES-256-GCM with no associated data. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

test('sealed values open with the same key and place, and do not contain the plain text', () => {
  const box = SecretBox.fromKey(randomBytes(32));
  const sealed = box.seal('correct horse battery staple', WEB_1);
  assert.match(sealed, /^v2:[^:]+:[^:]+:[^:]+$/);
  assert.ok(!sealed.includes('horse'));
  assert.notEqual(box.seal('same', WEB_1), box.seal('same', WEB_1), 'a fresh IV every time');
  assert.equal(box.open(sealed, WEB_1), 'correct horse battery staple');
});

test('another key, or a tampered value, cannot open it', () => {
  const sealed = SecretBox.fromKey(randomBytes(32)).seal('x', WEB_1);
  assert.throws(() => SecretBox.fromKey(randomBytes(32)).open(sealed, WEB_1), /does not open.*another data key/);
  const box = SecretBox.fromKey(randomBytes(32));
  const parts = box.seal('hello', WEB_1).split(':');
  parts[3] = Buffer.from('jello').toString('base64');
  assert.throws(() => box.open(parts.join(':'), WEB_1), /does not open/);
  assert.throws(() => box.open('hello', WEB_1), /not a sealed value/);
});

test('a sealed value moved to another place does not open there', () => {
  const box = SecretBox.fromKey(randomBytes(32));
  const passphrase = box.seal('hunter2', WEB_1);
  assert.throws(() => box.open(passphrase, sealedFor.hostPassphrase('web-2')), /host:web-2:passphrase does not open/);
  assert.throws(() => box.open(passphrase, sealedFor.stackEnv('web-1', 'passphrase', 'x')));

  const env = box.seal('s3cret', sealedFor.stackEnv('shop', 'api', 'DB_PASSWORD'));
  assert.equal(box.open(env, sealedFor.stackEnv('shop', 'api', 'DB_PASSWORD')), 's3cret');
  assert.throws(() => box.open(env, sealedFor.stackEnv('shop', 'api', 'PUBLIC_URL')), 'another variable of the same service');
  assert.throws(() => box.open(env, sealedFor.stackEnv('shop', 'web', 'DB_PASSWORD')), 'the same variable of another service');
  assert.throws(() => box.open(env, sealedFor.stackEnv('blog', 'api', 'DB_PASSWORD')), 'the same service of another stack');
  assert.throws(() => box.open(env, sealedFor.stackSource('shop')), 'the stack file');
});

test('places are unambiguous: names with ":" in them make other places, not the same one', () => {
  assert.notEqual(sealedFor.stackEnv('a:env:b', 'c', 'd'), sealedFor.stackEnv('a', 'b', 'c:d'));
  assert.notEqual(sealedFor.stackEnv('a', 'b:c', 'd'), sealedFor.stackEnv('a:b', 'c', 'd'));
  assert.equal(sealedFor.hostPassphrase('web-1'), 'host:web-1:passphrase');
  assert.equal(sealedFor.stackEnv('shop', 'api', 'DB_PASSWORD'), 'stack:shop:env:api:DB_PASSWORD');
});

test('v1 values (Baton 0.1.0, no place) are refused by open; openLegacy reads them for the one-time rewrite', () => {
  const key = randomBytes(32);
  const box = SecretBox.fromKey(key);
  const old = sealV1(key, 'from 0.1.0');
  assert.throws(() => box.open(old, WEB_1), /old v1 form/);
  assert.equal(box.openLegacy(old), 'from 0.1.0');
  assert.throws(() => SecretBox.fromKey(randomBytes(32)).openLegacy(old));
  assert.throws(() => box.openLegacy(box.seal('v2 value', WEB_1)), /not a v1/);
});
