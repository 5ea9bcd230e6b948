// The secrets view's logic: a secret shown by name only, a name made from a file's name, a file
// checked before it is sent, and the value's base64 exactly as the API decodes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECRET_MAX_BYTES as API_MAX, SecretName, type SecretInfo } from '../../shared/api.ts';
import { fileProblem, nameFromFile, nameProblem, rotatedText, secretRow, SECRET_MAX_BYTES, sortSecrets, toBase64 } from '../../renderer/src/views/secrets/secrets-model.ts';

const info = (over: Partial<SecretInfo>): SecretInfo => ({ name: 'db-password', stack: null, size: 2048, version: 3, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', services: [], ...over });

test('a row says where a secret is from, who uses it, its version and size; only Baton’s own are managed here', () => {
  assert.deepEqual(secretRow(info({ services: ['shop/web', 'shop/api'] })), { name: 'db-password', origin: "Baton's store", managed: true, size: '2 KiB', version: 'v3', users: 'shop/api, shop/web', updated: '2026-01-02T00:00:00Z' });
  const own = secretRow(info({ stack: 'shop' }));
  assert.equal(own.origin, 'stack shop');
  assert.equal(own.managed, false);
  assert.equal(own.users, 'no service');
  assert.deepEqual(sortSecrets([info({ name: 'b', stack: 'shop' }), info({ name: 'z' }), info({ name: 'a' })]).map((s) => s.name), ['a', 'z', 'b']);
});

test('a name from a file’s name fits the API’s pattern', () => {
  assert.equal(nameFromFile('db-password.txt'), 'db-password');
  assert.equal(nameFromFile('C:\\keys\\api key.pem'), 'api_key');
  assert.equal(nameFromFile('.hidden'), 'hidden');
  for (const n of ['db-password', 'api_key', 'hidden', nameFromFile('x'.repeat(100))]) assert.ok(SecretName.safeParse(n).success, n);
  assert.equal(nameProblem(''), 'Name the secret');
  assert.equal(nameProblem('ok.name-1'), null);
  assert.match(nameProblem('-bad') ?? '', /starting with a letter or digit/);
  // the view's check and the API's agree
  for (const n of ['a', 'A.b_c-d', '-x', 'x y', 'é', 'x'.repeat(64), 'x'.repeat(65)]) assert.equal(nameProblem(n) === null, SecretName.safeParse(n).success, n);
});

test('a file is checked before it is read and sent: chosen, and within the API’s size', () => {
  assert.equal(SECRET_MAX_BYTES, API_MAX);
  assert.match(fileProblem(null) ?? '', /Choose the file/);
  assert.equal(fileProblem({ size: API_MAX }), null);
  assert.match(fileProblem({ size: API_MAX + 1 }) ?? '', /at most 500 KB/);
});

test('base64 of any bytes, as Node decodes it, even past one chunk', () => {
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
  assert.deepEqual(Buffer.from(toBase64(bytes), 'base64'), Buffer.from(bytes));
  assert.equal(toBase64(new TextEncoder().encode('s3cr3t')), Buffer.from('s3cr3t').toString('base64'));
  assert.equal(toBase64(new Uint8Array()), '');
});

test('a rotation’s answer says the new version and who rolls out', () => {
  assert.equal(rotatedText({ name: 'db', version: 4, rolling: ['shop/web'] }), 'db is at v4: rolling out shop/web.');
  assert.equal(rotatedText({ name: 'db', version: 2, rolling: [] }), 'db is at v2: no service uses it, so nothing rolls out.');
});

test('configs: a row per stack config with who mounts it; content shown when sent, else why not', async () => {
  const { configRows } = await import('../../renderer/src/views/configs/configs-model.ts');
  const rows = configRows([
    { name: 'nginx', stack: 'web', size: 12, version: 2, updatedAt: '2026-01-01T00:00:00Z', services: ['web/front'], content: 'listen 80;\n' },
    { name: 'blob', stack: 'app', size: 1 << 20, version: 1, updatedAt: '2026-01-01T00:00:00Z', services: [], content: null },
  ]);
  assert.deepEqual(rows.map((r) => r.key), ['app/blob', 'web/nginx']);
  assert.deepEqual([rows[1]!.users, rows[1]!.version, rows[1]!.content, rows[1]!.why], ['web/front', 'v2', 'listen 80;\n', null]);
  assert.deepEqual([rows[0]!.users, rows[0]!.size, rows[0]!.content], ['no service', '1 MiB', null]);
  assert.match(rows[0]!.why ?? '', /not text, or it is larger than 64 KiB/);
});

test('the control plane shows a config’s content only when it is text of a readable size', async () => {
  const { shownContent } = await import('../../electron/control-plane/secrets/config-list.ts');
  const { CONFIG_SHOWN_MAX_BYTES } = await import('../../shared/api.ts');
  assert.equal(shownContent(Buffer.from('a = 1\n\tb = "é"\r\n')), 'a = 1\n\tb = "é"\r\n');
  assert.equal(shownContent(Buffer.from([0xff, 0xfe, 0x00])), null, 'not UTF-8');
  assert.equal(shownContent(Buffer.from('bin\u0000ary')), null, 'control characters');
  assert.equal(shownContent(Buffer.alloc(CONFIG_SHOWN_MAX_BYTES, 'a'))?.length, CONFIG_SHOWN_MAX_BYTES);
  assert.equal(shownContent(Buffer.alloc(CONFIG_SHOWN_MAX_BYTES + 1, 'a')), null, 'too large');
});
