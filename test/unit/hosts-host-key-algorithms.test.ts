import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { DEFAULT_HOST_KEY_ALGORITHMS, keyTypeOfAlgorithm, orderHostKeyAlgorithms } from '../../electron/control-plane/hosts/host-key-algorithms.ts';

test('nothing known: ssh2 offers its defaults unchanged', () => {
  assert.equal(orderHostKeyAlgorithms([]), undefined);
  assert.equal(orderHostKeyAlgorithms(['ssh-dss']), undefined, 'a type ssh2 does not offer by default is not added');
});

test('the algorithms of known key types go first, in the default order; the rest follow in theirs', () => {
  assert.deepEqual(orderHostKeyAlgorithms(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
  assert.deepEqual(orderHostKeyAlgorithms(['ecdsa-sha2-nistp384']), ['ecdsa-sha2-nistp384', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual(orderHostKeyAlgorithms(['ssh-rsa', 'ecdsa-sha2-nistp256']), ['ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
  const all = orderHostKeyAlgorithms(['ssh-ed25519'])!;
  assert.deepEqual([...all].sort(), [...DEFAULT_HOST_KEY_ALGORITHMS].sort(), 'nothing is dropped or added');
});

test('RSA keys are "ssh-rsa" whatever the signature hash', () => {
  assert.equal(keyTypeOfAlgorithm('rsa-sha2-512'), 'ssh-rsa');
  assert.equal(keyTypeOfAlgorithm('rsa-sha2-256'), 'ssh-rsa');
  assert.equal(keyTypeOfAlgorithm('ssh-ed25519'), 'ssh-ed25519');
});

test('the defaults are those of the installed ssh2, in its order', () => {
  // ssh2 exports no list of its defaults; read it where ssh2 keeps it, to notice an upgrade that changes them
  const constants = createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as { DEFAULT_SERVER_HOST_KEY: string[] };
  assert.deepEqual([...DEFAULT_HOST_KEY_ALGORITHMS], constants.DEFAULT_SERVER_HOST_KEY);
});
