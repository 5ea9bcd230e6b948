// The image of the holder container that keeps a service's secrets and configs mounted on a host
// (see host-files.ts): one static program that does nothing, forever. Baton makes it itself, so it
// is on every host without a registry and needs no shell or library from any other image: a
// hand-written ELF per architecture, packed as a `docker save` archive (manifest.json, the image
// config, one layer.tar holding /pause) that POST /images/load takes. Byte for byte the same on
// every run, so every host ends up with the same image id.
import { createHash } from 'node:crypto';
import { makeTar } from '../hosts/tar.ts';

export const PAUSE_IMAGE = 'baton-pause:1';
export const PAUSE_PATH = '/pause';

/** The engine's Architecture (from /info) → the image's, and the program's machine code. */
const PROGRAMS = {
  x86_64: {
    goArch: 'amd64',
    machine: 0x3e, // EM_X86_64
    // loop: mov eax, 34 (pause); syscall; jmp loop
    code: Buffer.from([0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7]),
  },
  aarch64: {
    goArch: 'arm64',
    machine: 0xb7, // EM_AARCH64
    // aarch64 has no pause(2): ppoll(NULL, 0, NULL, NULL) waits for a signal the same way.
    // loop: mov x0..x3, #0; mov x8, #73 (ppoll); svc #0; b loop
    code: words([0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa]),
  },
} as const;

export type PauseArchitecture = keyof typeof PROGRAMS;

function words(list: number[]): Buffer {
  const b = Buffer.alloc(list.length * 4);
  list.forEach((w, i) => b.writeUInt32LE(w, i * 4));
  return b;
}

/** The engine's Architecture as Docker's /info says it ("x86_64", "aarch64", "arm64"), or null when Baton has no program for it. */
export function pauseArchitecture(engineArchitecture: string): PauseArchitecture | null {
  const a = engineArchitecture.toLowerCase();
  if (a === 'x86_64' || a === 'amd64') return 'x86_64';
  if (a === 'aarch64' || a === 'arm64') return 'aarch64';
  return null;
}

const LOAD_ADDRESS = 0x400000;
const ELF_HEADER = 64;
const PROGRAM_HEADER = 56;

/** A static ELF64 executable: one loadable segment holding the headers and the code. */
export function pauseProgram(arch: PauseArchitecture): Buffer {
  const { machine, code } = PROGRAMS[arch];
  const size = ELF_HEADER + PROGRAM_HEADER + code.length;
  const elf = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(elf, 0); // magic, 64-bit, little-endian, version 1, System V
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(machine, 18);
  elf.writeUInt32LE(1, 20); // EV_CURRENT
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS + ELF_HEADER + PROGRAM_HEADER), 24); // entry: the code
  elf.writeBigUInt64LE(BigInt(ELF_HEADER), 32); // program headers right after this header
  elf.writeBigUInt64LE(0n, 40); // no section headers
  elf.writeUInt32LE(0, 48); // flags
  elf.writeUInt16LE(ELF_HEADER, 52);
  elf.writeUInt16LE(PROGRAM_HEADER, 54);
  elf.writeUInt16LE(1, 56); // one program header
  elf.writeUInt16LE(64, 58); // section header size (none follow)
  elf.writeUInt16LE(0, 60);
  elf.writeUInt16LE(0, 62);
  const ph = ELF_HEADER;
  elf.writeUInt32LE(1, ph); // PT_LOAD
  elf.writeUInt32LE(5, ph + 4); // read + execute
  elf.writeBigUInt64LE(0n, ph + 8); // from the file's start
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS), ph + 16);
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS), ph + 24);
  elf.writeBigUInt64LE(BigInt(size), ph + 32);
  elf.writeBigUInt64LE(BigInt(size), ph + 40);
  elf.writeBigUInt64LE(0x1000n, ph + 48);
  code.copy(elf, ELF_HEADER + PROGRAM_HEADER);
  return elf;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A fixed time in the archive's headers, so the same program always gives the same layer digest. */
const EPOCH = 0;

export interface PauseArchive {
  /** The `docker save` archive to POST to /images/load. */
  tar: Buffer;
  /** The image id the engine will give it ("sha256:…", the digest of its config). */
  imageId: string;
}

/** The image in `docker save` form for one architecture. */
export function pauseImageArchive(arch: PauseArchitecture): PauseArchive {
  const layer = makeTar([{ name: PAUSE_PATH.slice(1), content: pauseProgram(arch), mode: 0o755, mtime: EPOCH }]);
  const diffId = `sha256:${sha256(layer)}`;
  const config = JSON.stringify({
    architecture: PROGRAMS[arch].goArch,
    os: 'linux',
    created: new Date(EPOCH * 1000).toISOString(),
    config: { Entrypoint: [PAUSE_PATH], Labels: { 'baton.system': 'pause' } },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: new Date(EPOCH * 1000).toISOString(), created_by: 'Baton: a program that waits (holds a tmpfs volume mounted)' }],
  });
  const configDigest = sha256(config);
  const layerDir = sha256(layer);
  const manifest = JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [PAUSE_IMAGE], Layers: [`${layerDir}/layer.tar`] }]);
  const tar = makeTar([
    { name: `${layerDir}/`, mode: 0o755, mtime: EPOCH },
    { name: `${layerDir}/VERSION`, content: '1.0', mtime: EPOCH },
    { name: `${layerDir}/layer.tar`, content: layer, mtime: EPOCH },
    { name: `${configDigest}.json`, content: config, mtime: EPOCH },
    { name: 'manifest.json', content: manifest, mtime: EPOCH },
  ]);
  return { tar, imageId: `sha256:${configDigest}` };
}
