import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { listSshConfigHosts, parseTarget, resolveSshTarget } from '../../electron/control-plane/hosts/ssh-target.ts';

test('parseTarget reads user, host and port in their usual spellings', () => {
  assert.deepEqual(parseTarget('root@10.0.0.5'), { kind: 'ssh', user: 'root', host: '10.0.0.5', port: null });
  assert.deepEqual(parseTarget('deploy@web-1:2222'), { kind: 'ssh', user: 'deploy', host: 'web-1', port: 2222 });
  assert.deepEqual(parseTarget('prod-db'), { kind: 'ssh', user: null, host: 'prod-db', port: null });
  assert.deepEqual(parseTarget('admin@[fe80::1]:22'), { kind: 'ssh', user: 'admin', host: 'fe80::1', port: 22 });
  assert.deepEqual(parseTarget('unix:///var/run/docker.sock'), { kind: 'local', socketPath: '/var/run/docker.sock' });
});

test('parseTarget refuses what is not a host, saying what to write', () => {
  for (const bad of ['', 'a b', 'root@', 'root@host:0', 'root@host:70000', 'unix://relative.sock', 'x@y@z']) {
    assert.throws(
      () => parseTarget(bad),
      (err: unknown) => err instanceof BatonError && err.code === 'INVALID_INPUT' && /write|range/.test(err.message),
      `expected ${JSON.stringify(bad)} to be refused`,
    );
  }
});

function fakeHome(config: string): string {
  const home = mkdtempSync(join(tmpdir(), 'baton-home-'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), config);
  return home;
}

const CONFIG = `
Host web-1
  HostName 10.1.2.3
  User deploy
  Port 2200
  IdentityFile ~/.ssh/web_key

Host *.internal
  User ops

Match exec "touch /tmp/baton-match-exec-ran"
  User hacked

Host db
  HostName db.example.net
  HostKeyAlias db-prod
`;

test('resolveSshTarget applies ~/.ssh/config: HostName, User, Port, IdentityFile with ~ expanded', () => {
  const home = fakeHome(CONFIG);
  const r = resolveSshTarget({ kind: 'ssh', user: null, host: 'web-1', port: null }, { home });
  assert.equal(r.address, '10.1.2.3');
  assert.equal(r.user, 'deploy');
  assert.equal(r.port, 2200);
  assert.equal(r.alias, 'web-1');
  assert.deepEqual(r.identityFiles, [join(home, '.ssh', 'web_key')]);
  assert.equal(r.hostKeyAlias, null);
});

test('HostKeyAlias is read: known_hosts is searched under it', () => {
  const r = resolveSshTarget({ kind: 'ssh', user: null, host: 'db', port: null }, { home: fakeHome(CONFIG) });
  assert.equal(r.address, 'db.example.net');
  assert.equal(r.hostKeyAlias, 'db-prod');
});

test('what the person typed wins over ~/.ssh/config', () => {
  const home = fakeHome(CONFIG);
  const r = resolveSshTarget({ kind: 'ssh', user: 'root', host: 'web-1', port: 22 }, { home });
  assert.equal(r.user, 'root');
  assert.equal(r.port, 22);
  assert.equal(r.address, '10.1.2.3');
});

test('wildcard sections apply, Match exec is never run', () => {
  const home = fakeHome(CONFIG);
  const r = resolveSshTarget({ kind: 'ssh', user: null, host: 'cache.internal', port: null }, { home });
  assert.equal(r.user, 'ops');
  assert.equal(r.address, 'cache.internal');
  assert.equal(r.port, 22);
});

test('listSshConfigHosts offers the concrete aliases only', () => {
  const home = fakeHome(CONFIG);
  const hosts = listSshConfigHosts({ home });
  assert.deepEqual(
    hosts.map((h) => h.alias),
    ['web-1', 'db'],
  );
  assert.equal(hosts[0]!.hostName, '10.1.2.3');
  assert.equal(hosts[0]!.port, 2200);
  assert.equal(hosts[1]!.user, null);
});

test('no ~/.ssh/config at all is fine', () => {
  const home = mkdtempSync(join(tmpdir(), 'baton-home-'));
  assert.deepEqual(listSshConfigHosts({ home }), []);
  const r = resolveSshTarget({ kind: 'ssh', user: 'root', host: '10.0.0.9', port: null }, { home });
  assert.equal(r.address, '10.0.0.9');
  assert.equal(r.port, 22);
});
