// The holder's image, made by Baton: a static ELF that waits, in `docker save` form, the same bytes every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readTar, makeTar } from '../../electron/control-plane/hosts/tar.ts';
import { PAUSE_IMAGE, pauseArchitecture, pauseImageArchive, pauseProgram } from '../../electron/control-plane/secrets/pause-image.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('the program is a 64-bit static ELF for the machine asked, entry at its code', () => {
  for (const [arch, machine] of [['x86_64', 0x3e], ['aarch64', 0xb7]] as const) {
    const elf = pauseProgram(arch);
    assert.deepEqual([...elf.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
    assert.equal(elf[4], 2); // 64-bit
    assert.equal(elf.readUInt16LE(16), 2); // executable
    assert.equal(elf.readUInt16LE(18), machine);
    assert.equal(elf.readBigUInt64LE(24), 0x400000n + 120n);
    assert.equal(elf.readUInt32LE(64), 1); // one PT_LOAD
    assert.equal(elf.readBigUInt64LE(64 + 32), BigInt(elf.length)); // the whole file is loaded
  }
  // x86_64: mov eax, 34 (pause); syscall; jmp back to the mov
  assert.deepEqual([...pauseProgram('x86_64').subarray(120)], [0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]);
  // aarch64: ... mov x8, #73 (ppoll); svc #0; b back 6 instructions
  const arm = pauseProgram('aarch64').subarray(120);
  assert.equal(arm.readUInt32LE(16), 0xd2800928);
  assert.equal(arm.readUInt32LE(20), 0xd4000001);
  assert.equal(arm.readUInt32LE(24), 0x17fffffa);
});

test('the engine architecture picks the program; an unknown one has none', () => {
  assert.equal(pauseArchitecture('x86_64'), 'x86_64');
  assert.equal(pauseArchitecture('aarch64'), 'aarch64');
  assert.equal(pauseArchitecture('arm64'), 'aarch64');
  assert.equal(pauseArchitecture('s390x'), null);
});

test('the archive is what docker load takes: manifest, config whose diff_ids are the layers, /pause in the layer', () => {
  const { tar, imageId } = pauseImageArchive('x86_64');
  const entries = readTar(tar);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const manifest = JSON.parse(byName.get('manifest.json')!.content.toString()) as { Config: string; RepoTags: string[]; Layers: string[] }[];
  assert.equal(manifest.length, 1);
  assert.deepEqual(manifest[0]!.RepoTags, [PAUSE_IMAGE]);
  const configBytes = byName.get(manifest[0]!.Config)!.content;
  assert.equal(`sha256:${sha256(configBytes)}`, imageId);
  assert.equal(manifest[0]!.Config, `${sha256(configBytes)}.json`);
  const config = JSON.parse(configBytes.toString()) as { architecture: string; os: string; config: { Entrypoint: string[] }; rootfs: { type: string; diff_ids: string[] } };
  assert.equal(config.architecture, 'amd64');
  assert.equal(config.os, 'linux');
  assert.deepEqual(config.config.Entrypoint, ['/pause']);
  const layer = byName.get(manifest[0]!.Layers[0]!)!.content;
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] });
  const [program] = readTar(layer);
  assert.equal(program!.name, 'pause');
  assert.equal(program!.mode, 0o755);
  assert.deepEqual(program!.content, pauseProgram('x86_64'));
  assert.equal(JSON.parse(byName.get('manifest.json')!.content.toString())[0].Layers.length, 1);
});

test('the same bytes on every run (one image id on every host), another per architecture', () => {
  assert.deepEqual(pauseImageArchive('x86_64').tar, pauseImageArchive('x86_64').tar);
  assert.notEqual(pauseImageArchive('x86_64').imageId, pauseImageArchive('aarch64').imageId);
  assert.equal(JSON.parse(readTar(pauseImageArchive('aarch64').tar).find((e) => e.name.endsWith('.json') && e.name !== 'manifest.json')!.content.toString()).architecture, 'arm64');
});

test('tar headers carry the owner, mode and time asked', () => {
  const tar = makeTar([{ name: 'a', content: 'x', uid: 1000, gid: 1001, mode: 0o400, mtime: 0 }, { name: 'd/', mode: 0o700 }]);
  const [file, folder] = readTar(tar);
  assert.deepEqual({ ...file, content: file!.content.toString() }, { name: 'a', type: 'file', mode: 0o400, uid: 1000, gid: 1001, content: 'x' });
  assert.equal(folder!.type, 'folder');
  assert.equal(folder!.mode, 0o700);
  assert.equal(tar.length % 512, 0);
  assert.throws(() => makeTar([{ name: 'a', uid: -1 }]), /owner id/);
});
