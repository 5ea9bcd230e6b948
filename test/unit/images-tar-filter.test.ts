import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { makeTar } from '../../electron/control-plane/hosts/tar.ts';
import { parseHeader, paxPath, TarFilter, type EntryDecider } from '../../electron/control-plane/images/tar-filter.ts';

/** Runs an archive through the filter in chunks of `chunk` bytes; the output and the filter. */
async function filter(archive: Buffer, decider: EntryDecider, chunk = 4096): Promise<{ out: Buffer; f: TarFilter }> {
  const parts: Buffer[] = [];
  for (let i = 0; i < archive.length; i += chunk) parts.push(archive.subarray(i, i + chunk));
  const f = new TarFilter(decider);
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(parts).pipe(f).on('data', (c: Buffer) => out.push(c)).on('end', resolve).on('error', reject);
    f.on('error', reject);
  });
  return { out: Buffer.concat(out), f };
}

const list = (archive: Buffer): string[] => execFileSync('tar', ['-tf', '-'], { input: archive }).toString().split('\n').filter(Boolean);
const dropNamed = (names: string[]): EntryDecider => ({ decide: (n) => (names.includes(n) ? 'drop' : 'keep') });

test('entries are dropped whole (header, content, padding) at every size around a block, whatever the chunking', async () => {
  const sizes = [0, 1, 511, 512, 513, 1500];
  const archive = makeTar(sizes.flatMap((s) => [{ name: `keep-${s}`, content: Buffer.alloc(s, 0x61) }, { name: `drop-${s}`, content: Buffer.alloc(s, 0x62) }]), );
  for (const chunk of [1, 7, 512, 513, 100_000]) {
    const { out, f } = await filter(archive, { decide: (n) => (n.startsWith('drop-') ? 'drop' : 'keep') }, chunk);
    assert.deepEqual(list(out), sizes.map((s) => `keep-${s}`), `chunks of ${chunk}`);
    assert.equal(f.keptBytes + f.droppedBytes, archive.length);
    assert.equal(out.length, f.keptBytes);
    assert.equal(f.droppedBytes, sizes.reduce((n, s) => n + 512 + Math.ceil(s / 512) * 512, 0));
    for (const s of sizes) assert.equal(execFileSync('tar', ['-xOf', '-', `keep-${s}`], { input: out }).length, s);
  }
});

test('keeping everything gives the archive back byte for byte', async () => {
  const archive = makeTar([{ name: 'a/' }, { name: 'a/b', content: 'x'.repeat(700) }]);
  const { out } = await filter(archive, { decide: () => 'keep' }, 3);
  assert.ok(out.equals(archive));
});

test('long names (GNU and pax headers, as tar(1) writes them) are resolved, and go with the entry they name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-tarf-'));
  const long = `${'d'.repeat(80)}/${'f'.repeat(80)}/layer.tar`;
  mkdirSync(join(dir, 'd'.repeat(80), 'f'.repeat(80)), { recursive: true });
  writeFileSync(join(dir, long), 'layer bytes');
  writeFileSync(join(dir, 'manifest.json'), '[]');
  for (const format of ['gnu', 'pax', 'ustar']) {
    const archive = execFileSync('tar', ['-cf', '-', `--format=${format}`, '-C', dir, long, 'manifest.json']);
    const names: string[] = [];
    const { out, f } = await filter(archive, { decide: (n) => (names.push(n), n === long ? 'drop' : 'keep') });
    assert.ok(names.includes(long), `${format}: the long name is seen whole (${names.join(', ')})`);
    assert.deepEqual(list(out), ['manifest.json'], format);
    assert.deepEqual(f.droppedEntries, [long]);
  }
});

test('a read entry is handed over whole and kept', async () => {
  const archive = makeTar([{ name: 'x/json', content: '{"a":1}' }, { name: 'x/layer.tar', content: 'L' }]);
  const read: string[] = [];
  const { out } = await filter(archive, { decide: (n) => (n.endsWith('json') ? 'read' : 'keep'), read: (n, c) => read.push(`${n}=${c.toString()}`) }, 5);
  assert.deepEqual(read, ['x/json={"a":1}']);
  assert.ok(out.equals(archive));
});

test('a damaged header and an archive cut short are errors, not a shorter archive', async () => {
  const archive = makeTar([{ name: 'a', content: 'hello' }]);
  const damaged = Buffer.from(archive);
  damaged[10] = 0x7a;
  await assert.rejects(filter(damaged, dropNamed([])), /checksum/);
  await assert.rejects(filter(archive.subarray(0, 700), dropNamed([])), /ended in the middle/);
});

test('header fields: the ustar prefix joins the name; pax path records', () => {
  const h = Buffer.from(makeTar([{ name: 'b', content: '' }]).subarray(0, 512));
  h.write('pre/fix', 345);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  assert.deepEqual(parseHeader(h), { name: 'pre/fix/b', size: 0, type: '0' });
  assert.equal(parseHeader(Buffer.alloc(512)), null);
  assert.equal(paxPath(Buffer.from('20 path=a/b/c/d/e/f\n13 uid=1000\n')), 'a/b/c/d/e/f');
  assert.equal(paxPath(Buffer.from('13 uid=1000\n')), null);
});
