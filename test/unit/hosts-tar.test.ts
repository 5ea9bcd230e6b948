import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstFile, makeTar } from '../../electron/control-plane/hosts/tar.ts';

test('an archive made here unpacks with tar(1): folders, a file, its mode and content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-tar-'));
  const archive = join(dir, 'a.tar');
  writeFileSync(archive, makeTar([{ name: 'etc/' }, { name: 'etc/x/' }, { name: 'etc/x/haproxy.cfg', content: 'global\n  maxconn 10\n', mode: 0o600 }]));
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  assert.equal(readFileSync(join(dir, 'etc/x/haproxy.cfg'), 'utf8'), 'global\n  maxconn 10\n');
  assert.equal(statSync(join(dir, 'etc/x/haproxy.cfg')).mode & 0o777, 0o600);
});

test('firstFile reads back what tar(1) packed, past folder entries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-tar-'));
  writeFileSync(join(dir, 'f.cfg'), 'x'.repeat(1000));
  const packed = execFileSync('tar', ['-cf', '-', '-C', dir, '.']);
  const file = firstFile(packed);
  assert.ok(file);
  assert.match(file.name, /f\.cfg$/);
  assert.equal(file.content.toString(), 'x'.repeat(1000));
  assert.equal(firstFile(makeTar([{ name: 'd/' }])), null);
  assert.equal(firstFile(Buffer.from('not a tar')), null);
});

test('a name too long for ustar is refused, not cut', () => {
  assert.throws(() => makeTar([{ name: `${'a'.repeat(120)}.cfg`, content: '' }]), /too long/);
});
