// The pure parts of secrets and configs: versions in the revision hash, how a revision's files are
// laid out on a host, which holders go, and the store and the service that keep them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar } from '../../electron/control-plane/hosts/tar.ts';
import { fileBinds, fileEntries, holderConfig, holderName, holdersToRemove, volumeOptions } from '../../electron/control-plane/secrets/files-layout.ts';
import { uses, withVersion, withVersions } from '../../electron/control-plane/secrets/file-refs.ts';
import { makeTar } from '../../electron/control-plane/hosts/tar.ts';
import { SecretBox } from '../../electron/control-plane/secrets/secret-box.ts';
import { SecretService } from '../../electron/control-plane/secrets/secret-service.ts';
import { EventLog } from '../../electron/control-plane/events/event-log.ts';
import { containerSpecHash, serviceSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';
import { Store } from '../../electron/control-plane/store/store.ts';
import { BatonError } from '../../shared/errors.ts';
import type { FileMount } from '../../shared/stack.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const mount = (source: string, over: Partial<FileMount> = {}): FileMount => ({ source, target: `/run/secrets/${source}`, uid: '0', gid: '0', mode: 0o444, ...over });

test('a mount gets the version of its value and whether it is external; a new version is a new revision hash', () => {
  const spec = serviceSpec({ secrets: [mount('db'), mount('shared')], configs: [mount('nginx', { target: '/etc/nginx/nginx.conf' })] });
  const versions: Record<string, number> = { 'secret/shop/db': 3, 'secret//shared': 7, 'config/shop/nginx': 1 };
  const v = withVersions(spec, new Set(['shared']), (ref) => versions[`${ref.kind}/${ref.stack}/${ref.name}`]!);
  assert.deepEqual(v.secrets, [{ ...mount('db'), version: 3 }, { ...mount('shared'), external: true, version: 7 }]);
  assert.deepEqual(v.configs[0]!.version, 1);
  assert.ok(uses(v, { kind: 'secret', stack: '', name: 'shared' }));
  assert.ok(!uses(v, { kind: 'secret', stack: 'shop', name: 'shared' }));
  const rotated = withVersion(v, { kind: 'secret', stack: '', name: 'shared' }, 8)!;
  assert.equal(rotated.secrets[1]!.version, 8);
  assert.notEqual(containerSpecHash(rotated), containerSpecHash(v));
  assert.notEqual(serviceSpecHash(rotated), serviceSpecHash(v));
  assert.equal(withVersion(v, { kind: 'secret', stack: '', name: 'other' }, 2), null);
  // the hash holds the version, never anything of the value
  assert.ok(!JSON.stringify(rotated).includes('hunter2'));
});

test('one file per mount with its owner and mode, bound read-only at its target from the volume', () => {
  const spec = serviceSpec({ secrets: [mount('db', { uid: '1000', gid: '1001', mode: 0o400 })], configs: [mount('nginx', { target: '/etc/nginx/nginx.conf' })] });
  const entries = readTar(makeTar(fileEntries(spec, (ref) => Buffer.from(`${ref.kind}:${ref.name}`))));
  assert.deepEqual(entries.map((e) => [e.name, e.uid, e.gid, e.mode, e.content.toString()]), [
    ['0', 1000, 1001, 0o400, 'secret:db'],
    ['1', 0, 0, 0o444, 'config:nginx'],
  ]);
  assert.deepEqual(fileBinds(spec, '/var/lib/docker/volumes/v/_data'), [
    { Type: 'bind', Source: '/var/lib/docker/volumes/v/_data/0', Target: '/run/secrets/db', ReadOnly: true },
    { Type: 'bind', Source: '/var/lib/docker/volumes/v/_data/1', Target: '/etc/nginx/nginx.conf', ReadOnly: true },
  ]);
  assert.deepEqual(volumeOptions(10), { type: 'tmpfs', device: 'tmpfs', o: `size=${4 << 20},mode=0700` });
  const holder = holderConfig({ clusterId: 'c1', stack: 'shop', service: 'web', containerHash: 'ab'.repeat(32) });
  assert.equal(holder.name, holderName('ab'.repeat(32)));
  assert.equal(holder.HostConfig?.NetworkMode, 'none');
  assert.equal(holder.Labels?.['baton.stack'], undefined, 'a holder is not a replica');
  assert.deepEqual(holder.Env, undefined);
});

test('a holder goes when no replica of its service on its host has its revision', () => {
  const holders = [
    { host: 'h1', id: 'a', of: 'shop/web', containerHash: 'r1' },
    { host: 'h1', id: 'b', of: 'shop/web', containerHash: 'r2' },
    { host: 'h2', id: 'c', of: 'shop/web', containerHash: 'r1' },
  ];
  const replicas = [
    { host: 'h1', stack: 'shop', service: 'web', containerHash: 'r2' },
    { host: 'h2', stack: 'shop', service: 'web', containerHash: 'r1' },
    { host: 'h1', stack: 'shop', service: 'api', containerHash: 'r1' },
  ];
  assert.deepEqual(holdersToRemove(holders, replicas).map((h) => h.id), ['a']);
  assert.deepEqual(holdersToRemove(holders, []).map((h) => h.id), ['a', 'b', 'c']);
});

function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
  const file = join(dir, 'baton.db');
  const store = Store.open(file, SecretBox.fromKey(randomBytes(32)));
  return { store, file, events: new EventLog(store.db) };
}

test('stored values are sealed: not in the SQLite bytes, a version per new value, the same value keeps it', () => {
  const { store, file } = openStore();
  const value = `s3cr3t-${randomBytes(12).toString('hex')}`;
  assert.equal(store.files.put('secret', '', 'db', Buffer.from(value), 'now'), 1);
  assert.equal(store.files.put('secret', '', 'db', Buffer.from(value), 'now'), 1);
  assert.equal(store.files.versionFor('secret', '', 'db', Buffer.from('other')), 2);
  assert.equal(store.files.put('secret', '', 'db', Buffer.from(`${value}-2`), 'now'), 2);
  assert.equal(store.files.value('secret', '', 'db')!.value.toString(), `${value}-2`);
  const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
  assert.equal(bytes.indexOf(value), -1);
  assert.equal(bytes.indexOf(Buffer.from(value).toString('base64').slice(0, 16)), -1);
  store.close();
});

test('secret create / set / rm: rotation makes a new revision of each user, rm is refused while one uses it, no value in answers or events', () => {
  const { store, events } = openStore();
  const triggered: string[] = [];
  const secrets = new SecretService({ store, events, reconciler: { trigger: (k: string) => triggered.push(k) } });
  const value = `pw-${randomBytes(8).toString('hex')}`;
  const created = secrets.create('db', Buffer.from(value).toString('base64'));
  assert.equal(created.version, 1);
  assert.throws(() => secrets.create('db', Buffer.from('x').toString('base64')), (e: BatonError) => e.code === 'ALREADY_EXISTS' && /baton secret set db/.test(e.hint ?? ''));
  assert.throws(() => secrets.create('big', Buffer.alloc(500 * 1024 + 1).toString('base64')), /at most 500 KB/);

  const spec = serviceSpec({ secrets: [{ ...mount('db'), external: true, version: 1 }] });
  store.stacks.upsertStack({ name: 'shop', file: null, source: '', declarations: { secrets: { db: { file: null, external: true } }, configs: {}, volumes: {}, networks: {} }, placementStrategy: 'spread', updatedAt: 'now' }, 'now');
  const rev = store.stacks.addRevision({ stack: 'shop', service: 'web', spec, specHash: serviceSpecHash(spec), containerHash: containerSpecHash(spec), createdAt: 'now' });
  store.stacks.putService({ stack: 'shop', name: 'web', replicas: 2, revision: rev, preferredHost: null });
  assert.deepEqual(secrets.list().map((s) => [s.name, s.services]), [['db', ['shop/web']]]);

  const set = secrets.set('db', Buffer.from(`${value}-new`).toString('base64'));
  assert.deepEqual([set.version, set.rolling], [2, ['shop/web']]);
  const web = store.stacks.getService('shop', 'web')!;
  assert.equal(web.revision, 2);
  assert.equal(web.replicas, 2);
  assert.equal(store.stacks.getRevision('shop', 'web', 2)!.spec.secrets[0]!.version, 2);
  assert.deepEqual(triggered, ['shop/web']);
  // the same value again: nothing rolls out
  assert.deepEqual(secrets.set('db', Buffer.from(`${value}-new`).toString('base64')).rolling, []);

  assert.throws(() => secrets.remove('db'), (e: BatonError) => /used by shop\/web/.test(e.message) && e.hint !== undefined);
  store.stacks.removeService('shop', 'web');
  assert.deepEqual(secrets.remove('db'), { name: 'db' });
  const said = JSON.stringify(events.list({ limit: 100 }));
  assert.ok(!said.includes(value), 'no value in an event');
  assert.ok(!JSON.stringify(set).includes(value));
  store.close();
});
