// The WebSocket token file: made private and long enough; refused when it is neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadToken, MIN_TOKEN_LENGTH } from '../../electron/server/token-file.ts';
import { BatonError } from '../../shared/errors.ts';

test('token file: made 0600 with 43 characters; refused when others may read it or when short', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-token-'));
  const made = join(dir, 'ws-token');
  const token = loadToken(made);
  assert.ok(token.length >= MIN_TOKEN_LENGTH && token.length === 43);
  assert.equal(statSync(made).mode & 0o777, 0o600);
  assert.equal(loadToken(made), token, 'kept across starts');

  const open = join(dir, 'open');
  writeFileSync(open, 'a'.repeat(40) + '\n');
  chmodSync(open, 0o644);
  assert.throws(() => loadToken(open), (e: unknown) => e instanceof BatonError && /mode 0644\): run chmod 600 .*open/.test(e.message) && /regenerate/.test(e.message));
  chmodSync(open, 0o640);
  assert.throws(() => loadToken(open), /chmod 600/);

  const short = join(dir, 'short');
  writeFileSync(short, 'only-twenty-chars-xx\n', { mode: 0o600 });
  assert.throws(() => loadToken(short), (e: unknown) => e instanceof BatonError && /20 characters, too few .*at least 32.*regenerate it/.test(e.message));
  assert.equal(readFileSync(short, 'utf8'), 'only-twenty-chars-xx\n', 'left as it was');
});
