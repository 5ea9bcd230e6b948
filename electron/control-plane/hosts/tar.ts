// The few tar archives Baton sends to and reads from an engine (a config file into a container,
// the same file read back, the files of a service's secrets and configs, the image of the holder
// that keeps them, a build context), in the ustar format Docker's archive endpoints take. Small on
// purpose: regular files, folders and symbolic links, names up to ustar's 255 bytes, nothing else.

export interface TarEntry {
  /** Relative path inside the archive, e.g. "etc/baton-ep/haproxy.cfg"; a folder ends with "/". */
  name: string;
  content?: Buffer | string;
  mode?: number;
  /** Owner, numeric (default 0: root). Docker's archive endpoint keeps them as written. */
  uid?: number;
  gid?: number;
  /** Modification time in Unix seconds (default now); a fixed one makes the archive reproducible. */
  mtime?: number;
  /** A symbolic link to this path (then `content` is ignored). */
  linkTarget?: string;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** ustar's name (100 bytes) and prefix (155): a longer name is split at a "/". */
function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 99) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) > 155) break;
    if (Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  throw new Error(`tar entry name too long: ${name}`);
}

function header(fullName: string, size: number, mode: number, type: '0' | '2' | '5', owner: { uid: number; gid: number; mtime: number }, linkTarget = ''): Buffer {
  const { name, prefix } = splitName(fullName);
  if (Buffer.byteLength(linkTarget) > 100) throw new Error(`tar link target too long: ${linkTarget}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(linkTarget, 157, 100, 'utf8');
  h.write(prefix, 345, 155, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(owner.uid, 8), 108);
  h.write(octal(owner.gid, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(owner.mtime, 12), 136);
  h.write('        ', 148); // checksum counts as spaces while it is summed
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

// ustar's owner fields hold 7 octal digits
function ownerId(id: number | undefined): number {
  if (id === undefined) return 0;
  if (!Number.isInteger(id) || id < 0 || id > 0o7777777) throw new Error(`tar owner id out of range: ${id}`);
  return id;
}

export function makeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (const e of entries) {
    const owner = { uid: ownerId(e.uid), gid: ownerId(e.gid), mtime: e.mtime ?? now };
    if (e.name.endsWith('/')) {
      parts.push(header(e.name, 0, e.mode ?? 0o755, '5', owner));
      continue;
    }
    if (e.linkTarget !== undefined) {
      parts.push(header(e.name, 0, e.mode ?? 0o777, '2', owner, e.linkTarget));
      continue;
    }
    const body = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '', 'utf8');
    parts.push(header(e.name, body.length, e.mode ?? 0o644, '0', owner), body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** The first regular file in an archive (what Docker's GET /containers/{id}/archive gives for one file). */
export function firstFile(tar: Buffer): { name: string; content: Buffer } | null {
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) return null;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 0);
    const start = offset + BLOCK;
    if (!Number.isFinite(size) || size < 0 || start + size > tar.length) return null;
    if (type === '0' || type === '\0') return { name, content: tar.subarray(start, start + size) };
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return null;
}

export interface ReadEntry {
  name: string;
  type: 'file' | 'folder';
  mode: number;
  uid: number;
  gid: number;
  content: Buffer;
}

/** Every regular file and folder of an archive, as its headers say (others are skipped). */
export function readTar(tar: Buffer): ReadEntry[] {
  const out: ReadEntry[] = [];
  const field = (h: Buffer, start: number, length: number) => h.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '').trim();
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12) || '0', 8);
    const start = offset + BLOCK;
    if (!Number.isFinite(size) || size < 0 || start + size > tar.length) throw new Error('a damaged tar archive');
    const type = String.fromCharCode(h[156] ?? 0);
    if (type === '0' || type === '\0' || type === '5') {
      out.push({
        name: [field(h, 345, 155), field(h, 0, 100)].filter(Boolean).join('/'),
        type: type === '5' ? 'folder' : 'file',
        mode: parseInt(field(h, 100, 8) || '0', 8),
        uid: parseInt(field(h, 108, 8) || '0', 8),
        gid: parseInt(field(h, 116, 8) || '0', 8),
        content: Buffer.from(tar.subarray(start, start + size)),
      });
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
