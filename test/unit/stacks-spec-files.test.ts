// A stack's own secrets and configs: their values come from files the client sent, the client's
// environment, or inline content; never into the spec; each problem at its place, without the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesNamedBy, parseStackFile, variablesNamedBy, type ParseInput } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { SECRET_MAX_BYTES } from '../../electron/control-plane/stacks/spec/declarations.ts';

function parse(text: string, options: Partial<ParseInput> = {}) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {}, ...options });
}

const STACK = `services:
  app:
    image: x
    secrets:
      - db
      - source: token
        target: api-token
        uid: "1000"
        gid: "1000"
        mode: 0400
      - source: shared
    configs:
      - nginx
      - source: inline
        target: /etc/app/app.toml
      - envcfg
secrets:
  db: { file: ./db.txt }
  token: { environment: API_TOKEN }
  shared: { external: true }
configs:
  nginx: { file: ./nginx.conf }
  inline:
    content: |
      port = \${PORT}
  envcfg: { environment: APP_CFG }
`;

test('values come from the sent files, the environment and inline content; the spec holds names only', () => {
  const result = parse(STACK, { env: { API_TOKEN: 'tok-3f9a', APP_CFG: 'mode=fast', PORT: '8080' }, files: { './db.txt': 'hunter2\n', './nginx.conf': 'server {}\n' } });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.values?.secrets, { db: Buffer.from('hunter2\n'), token: Buffer.from('tok-3f9a') });
  assert.deepEqual(result.values?.configs, { nginx: Buffer.from('server {}\n'), inline: Buffer.from('port = 8080\n'), envcfg: Buffer.from('mode=fast') });
  const app = result.stack!.services[0]!;
  assert.deepEqual(app.secrets, [
    { source: 'db', target: '/run/secrets/db', uid: '0', gid: '0', mode: 0o444 },
    { source: 'token', target: '/run/secrets/api-token', uid: '1000', gid: '1000', mode: 0o400 },
    { source: 'shared', target: '/run/secrets/shared', uid: '0', gid: '0', mode: 0o444 },
  ]);
  assert.deepEqual(app.configs.map((c) => c.target), ['/nginx', '/etc/app/app.toml', '/envcfg']);
  assert.deepEqual(result.stack!.secrets.token, { file: null, external: false, environment: 'API_TOKEN' });
  assert.equal(result.stack!.secrets.shared!.external, true);
  const stored = JSON.stringify(result.stack);
  for (const value of ['hunter2', 'tok-3f9a', 'mode=fast']) assert.ok(!stored.includes(value), `${value} is not in the spec`);
});

test('the files and variables a client sends with the stack include those of its secrets and configs', () => {
  const named = filesNamedBy({ text: STACK, file: '/srv/shop/stack.yaml', env: {} });
  assert.deepEqual(named, [
    { path: './db.txt', required: true, what: 'secret `db`' },
    { path: './nginx.conf', required: true, what: 'config `nginx`' },
  ]);
  assert.deepEqual(variablesNamedBy({ text: STACK, file: '/srv/shop/stack.yaml' }).sort(), ['API_TOKEN', 'APP_CFG']);
});

test('bad input: a file not sent, a variable not set, a secret over 500 KB, a bad owner: each at its place, no value in a message', () => {
  const big = 'x'.repeat(SECRET_MAX_BYTES + 1);
  const result = parse(STACK.replace('gid: "1000"', 'gid: "staff"'), { env: { API_TOKEN: big }, files: { './db.txt': 'hunter2' } });
  assert.equal(result.stack, null);
  const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p]));
  assert.match(byPath['secrets.token']!.message, /secret `token` is 501 KB: a secret is at most 500 KB/);
  assert.match(byPath['configs.nginx.file']!.message, /the file \.\/nginx\.conf of config `nginx` was not sent with the stack/);
  assert.match(byPath['configs.envcfg.environment']!.message, /comes from the variable APP_CFG, which is not set in the environment of the client/);
  assert.match(byPath['services.app.secrets.1.gid']!.message, /must be a numeric id/);
  assert.equal(byPath['configs.envcfg.environment']!.line, 26);
  for (const p of result.problems) assert.ok(!p.message.includes('hunter2') && !p.message.includes('xxxxxxxx'), p.message);
  assert.deepEqual(result.unsentFiles, ['./nginx.conf']);
});

test('a secret or config declared two ways, or not at all, and external configs, are refused', () => {
  const result = parse(`services:
  app: { image: x, secrets: [a, b], configs: [c, d] }
secrets:
  a: { file: ./a, external: true }
  b: {}
configs:
  c: { content: x, environment: C }
  d: { external: true }
`, { files: { './a': 'a' }, env: { C: 'c' } });
  const messages = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
  assert.match(messages['secrets.a']!, /a secret is one of `file: \.\/path`, `environment: VARIABLE` or `external: true`/);
  assert.match(messages['secrets.b']!, /a secret needs `file: \.\/path`, `environment: VARIABLE` or `external: true`/);
  assert.match(messages['configs.c']!, /a config is one of/);
  assert.match(messages['configs.d.external']!, /external configs are not supported/);
});
