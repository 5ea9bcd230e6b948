// The state file at rest: readable by its owner only (with its journals), no environment value or
// stack file in clear anywhere in its bytes (WAL included), sealed values bound to their row, and a
// file written by Baton 0.1.0 rewritten once so that all of this holds for it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadDataKey } from '../../electron/control-plane/secrets/data-key.ts';
import { SecretBox, sealedFor } from '../../electron/control-plane/secrets/secret-box.ts';
import { serviceSpecHash, containerSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';
import { Store } from '../../electron/control-plane/store/store.ts';
import { SCHEMA_VERSION } from '../../electron/control-plane/store/database.ts';
import type { HostRecord } from '../../electron/control-plane/store/hosts-repo.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const FIXTURE = new URL('./fixtures/home-0.1.0/', import.meta.url);
const NOW = '2025-06-01T00:00:00.000Z';
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'baton-at-rest-'));
const mode = (file: string): number => statSync(file).mode & 0o777;

/** Every byte SQLite keeps for this database: the file and, while it is open, its -wal and -shm. */
function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

function hits(haystack: Buffer, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

function host(name: string, passphraseSealed: string | null): HostRecord {
  return { name, kind: 'ssh', ssh: { user: 'root', address: '10.0.0.1', port: 22 }, socketPath: null, auth: 'key', identityFile: '/keys/id', passphraseSealed, agentSocket: null, hostKeyFingerprint: null, labels: {}, inventory: null, addedAt: NOW, lastSeenAt: null };
}

function addRevision(store: Store, stack: string, service: string, environment: Record<string, string>): number {
  const spec = serviceSpec({ stack, name: service, environment });
  const revision = store.stacks.addRevision({ stack, service, spec, specHash: serviceSpecHash(spec), containerHash: containerSpecHash(spec), createdAt: NOW });
  store.stacks.putService({ stack, name: service, replicas: 1, revision, preferredHost: null });
  return revision;
}

test('baton.db and its -wal and -shm journals are 0600, new or left 0644 by an earlier Baton', () => {
  const previous = process.umask(0o022); // the usual umask: what made them 0644 before
  try {
    const dir = tempDir();
    const file = join(dir, 'baton.db');
    const store = Store.open(file, SecretBox.fromKey(randomBytes(32)));
    store.settings.set('k', 'v');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      assert.ok(existsSync(f), `${f} exists while the store is open`);
      assert.equal(mode(f).toString(8), '600', f);
    }
    store.close();

    // as Baton 0.1.0 left them: all three 0644 (another process still holds the file open)
    const old = join(tempDir(), 'baton.db');
    const holder = new BetterSqlite3(old);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x)');
    for (const f of [old, `${old}-wal`, `${old}-shm`]) chmodSync(f, 0o644);
    const reopened = Store.open(old, SecretBox.fromKey(randomBytes(32)));
    for (const f of [old, `${old}-wal`, `${old}-shm`]) assert.equal(mode(f).toString(8), '600', f);
    reopened.close();
    holder.close();
  } finally {
    process.umask(previous);
  }
});

test('environment values and the stack file are never in the state file in clear; they read back plain', () => {
  const dir = tempDir();
  const file = join(dir, 'baton.db');
  const secrets = SecretBox.fromKey(randomBytes(32));
  const value = `env-${randomBytes(8).toString('hex')}`;
  const source = `services:\n  api:\n    image: api:1\n    environment:\n      DB_PASSWORD: ${value}\n`;
  const store = Store.open(file, secrets);
  store.stacks.upsertStack({ name: 'shop', file: '/srv/compose.yaml', source, declarations: { secrets: {}, configs: {}, volumes: {}, networks: {} }, placementStrategy: 'spread', updatedAt: NOW }, NOW);
  const revision = addRevision(store, 'shop', 'api', { DB_PASSWORD: value, MODE: 'production' });
  // a second revision, then removal of the service: what was deleted must not linger either
  addRevision(store, 'shop', 'old', { DB_PASSWORD: value });
  store.stacks.removeService('shop', 'old');

  assert.equal(hits(rawBytes(file), value), 0, 'the value is nowhere in baton.db, -wal or -shm');
  assert.deepEqual(store.stacks.getRevision('shop', 'api', revision)?.spec.environment, { DB_PASSWORD: value, MODE: 'production' });
  store.close();

  const again = Store.open(file, secrets); // no cache: read from the file
  assert.deepEqual(again.stacks.getRevision('shop', 'api', revision)?.spec.environment, { DB_PASSWORD: value, MODE: 'production' });
  assert.deepEqual(again.stacks.desiredServices().map((d) => d.spec.environment['DB_PASSWORD']), [value], 'the reconciler gets the plain value');
  assert.equal(again.stacks.getSource('shop'), source);
  assert.equal(again.stacks.getStack('shop')?.placementStrategy, 'spread');
  assert.equal(hits(rawBytes(file), value), 0);
  again.close();
  assert.equal(hits(rawBytes(file), value), 0, 'after close (checkpointed) too');
});

test('a sealed value moved to another row does not open there', () => {
  const dir = tempDir();
  const file = join(dir, 'baton.db');
  const secrets = SecretBox.fromKey(randomBytes(32));
  const store = Store.open(file, secrets);
  store.hosts.insert(host('web-1', secrets.seal('passphrase-of-web-1', sealedFor.hostPassphrase('web-1'))));
  store.hosts.insert(host('web-2', null));
  store.stacks.upsertStack({ name: 'shop', file: null, source: 'services: {}\n', declarations: { secrets: {}, configs: {}, volumes: {}, networks: {} }, placementStrategy: 'spread', updatedAt: NOW }, NOW);
  store.stacks.upsertStack({ name: 'blog', file: null, source: 'services: {}\n', declarations: { secrets: {}, configs: {}, volumes: {}, networks: {} }, placementStrategy: 'spread', updatedAt: NOW }, NOW);
  addRevision(store, 'shop', 'api', { DB_PASSWORD: 'shop-db' });
  addRevision(store, 'shop', 'web', { DB_PASSWORD: 'public' });
  store.close();

  // someone with write access to the file copies sealed values around
  const raw = new BetterSqlite3(file);
  raw.prepare("UPDATE hosts SET passphrase_enc = (SELECT passphrase_enc FROM hosts WHERE name = 'web-1') WHERE name = 'web-2'").run();
  raw.prepare("UPDATE revisions SET spec = (SELECT spec FROM revisions WHERE service = 'api') WHERE service = 'web'").run();
  raw.prepare("UPDATE stacks SET source = (SELECT source FROM stacks WHERE name = 'shop') WHERE name = 'blog'").run();
  raw.close();

  const moved = Store.open(file, secrets);
  const web2 = moved.hosts.get('web-2')!;
  assert.throws(() => secrets.open(web2.passphraseSealed!, sealedFor.hostPassphrase('web-2')), /host:web-2:passphrase does not open/);
  assert.equal(secrets.open(moved.hosts.get('web-1')!.passphraseSealed!, sealedFor.hostPassphrase('web-1')), 'passphrase-of-web-1');
  assert.throws(() => moved.stacks.getRevision('shop', 'web', 1), /stack:shop:env:web:DB_PASSWORD does not open/);
  assert.equal(moved.stacks.getRevision('shop', 'api', 1)?.spec.environment['DB_PASSWORD'], 'shop-db');
  assert.throws(() => moved.stacks.getSource('blog'), /stack:blog:source does not open/);
  moved.close();
});

test('a state file written by Baton 0.1.0 is rewritten once: v2 passphrases, sealed environment and file, nothing left in clear', () => {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  const file = join(dir, 'baton.db');
  const before = rawBytes(file);
  assert.ok(hits(before, 'legacy-env-secret-7f3a') > 0 && hits(before, 'legacy-env-old-1-q8') > 0, 'the fixture has them in clear, deleted revisions included');
  const v1 = new BetterSqlite3(file, { readonly: true }).prepare("SELECT passphrase_enc FROM hosts WHERE name = 'web-1'").pluck().get() as string;
  assert.match(v1, /^v1:/);

  const secrets = loadDataKey(dir).box; // the fixture's own data.key
  const store = Store.open(file, secrets);
  assert.deepEqual(store.legacyRewrite, { passphrases: 2, stacks: 1, revisions: 10, unopened: [] });
  assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION); // every migration ran
  assert.equal(store.settings.get('sealed_format'), '2');

  for (const [name, plain] of [['web-1', 'legacy-passphrase-one'], ['web-2', 'legacy-passphrase-two']] as const) {
    const sealed = store.hosts.get(name)!.passphraseSealed!;
    assert.match(sealed, /^v2:/);
    assert.equal(secrets.open(sealed, sealedFor.hostPassphrase(name)), plain);
  }
  const newest = store.stacks.latestRevision('shop', 'api')!;
  assert.equal(newest.revision, 12);
  assert.deepEqual(newest.spec.environment, { DB_PASSWORD: 'legacy-env-secret-7f3a', MODE: 'production' });
  assert.equal(serviceSpecHash(newest.spec), newest.specHash, 'the spec in memory is the one that was hashed: no replica is replaced');
  assert.equal(store.stacks.listRevisions('shop', 'api')[0]?.spec.environment['DB_PASSWORD'], 'legacy-env-old-3-q8');
  assert.match(store.stacks.getSource('shop')!, /DB_PASSWORD: legacy-env-secret-7f3a/);

  const after = rawBytes(file);
  assert.equal(hits(after, 'legacy-env-'), 0, 'no environment value in clear, not even of the revisions 0.1.0 deleted');
  assert.equal(hits(after, 'legacy-passphrase'), 0);
  store.close();

  // once only: a v1 value planted afterwards is refused, not rewritten (it would open otherwise)
  const raw = new BetterSqlite3(file);
  raw.prepare("UPDATE hosts SET passphrase_enc = ? WHERE name = 'web-2'").run(v1);
  raw.close();
  const reopened = Store.open(file, secrets);
  assert.equal(reopened.legacyRewrite, null);
  const planted = reopened.hosts.get('web-2')!.passphraseSealed!;
  assert.equal(planted, v1);
  assert.throws(() => secrets.open(planted, sealedFor.hostPassphrase('web-2')), /old v1 form/);
  reopened.close();
});

test('a 0.1.0 passphrase that this data key does not open is left as it was; the rest is rewritten', () => {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  const store = Store.open(join(dir, 'baton.db'), SecretBox.fromKey(randomBytes(32))); // not the fixture's key
  assert.deepEqual(store.legacyRewrite?.unopened, ['web-1', 'web-2']);
  assert.match(store.hosts.get('web-1')!.passphraseSealed!, /^v1:/);
  store.close();
});
