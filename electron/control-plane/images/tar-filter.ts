// A streaming tar filter: entries pass through byte for byte, or are left out whole (header,
// content, padding and the extension headers that name them), as a decider says per entry. It
// holds at most one header and the small entries a decider asks to read: never the archive.
// Used to leave the layers a host has already out of a `docker save` archive on its way there.
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
/** An entry a decider reads (a layer's json, a manifest) is small; a larger one is refused. */
const READ_LIMIT = 4 << 20;

export type EntryVerdict = 'keep' | 'drop' | 'read';

export interface EntryDecider {
  /** What to do with the entry of this name (its full path, long names resolved) and size. */
  decide(name: string, size: number): EntryVerdict;
  /** The content of an entry `decide` answered 'read' for (it is kept in the output too). */
  read?(name: string, content: Buffer): void;
}

export interface TarHeader {
  name: string;
  size: number;
  type: string;
}

function text(h: Buffer, start: number, length: number): string {
  return h.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
}

/** A numeric field: octal text, or GNU's base-256 (high bit set) for sizes past 8 GiB. */
function numberField(h: Buffer, start: number, length: number): number {
  const first = h[start] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (h[i] ?? 0);
    return value;
  }
  const digits = text(h, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** The header's fields, or null for a zero block (the end of the archive). Throws when it is damaged. */
export function parseHeader(h: Buffer): TarHeader | null {
  if (h.every((b) => b === 0)) return null;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  const stored = numberField(h, 148, 8);
  if (stored !== sum) throw new Error('a damaged tar archive (a header checksum does not match)');
  const size = numberField(h, 124, 12);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error('a damaged tar archive (an entry size is not a number)');
  const name = text(h, 0, 100);
  const prefix = text(h, 257, 6).startsWith('ustar') ? text(h, 345, 155) : '';
  return { name: prefix ? `${prefix}/${name}` : name, size, type: String.fromCharCode(h[156] || 0x30) };
}

/** The `path` record of a pax extended header ("27 path=some/long/name\n"), if any. */
export function paxPath(content: Buffer): string | null {
  let offset = 0;
  let path: string | null = null;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    if (space < 0) break;
    const length = parseInt(content.subarray(offset, space).toString('ascii'), 10);
    if (!Number.isInteger(length) || length <= 0) break;
    const record = content.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    offset += length;
  }
  return path;
}

const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

type Body =
  | { mode: 'pass'; left: number } // kept, or the archive's end: as it comes
  | { mode: 'drop'; left: number }
  | { mode: 'read'; left: number; content: number; parts: Buffer[]; name: string }
  | { mode: 'extension'; left: number; content: number; parts: Buffer[]; type: string };

export class TarFilter extends Transform {
  /** Bytes let through and left out, so far. */
  keptBytes = 0;
  droppedBytes = 0;
  readonly droppedEntries: string[] = [];

  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private body: Body | null = null;
  /** Extension headers (GNU long name, pax) and their content, held until the entry they name. */
  private pending: Buffer[] = [];
  private longName: string | null = null;
  private ended = false;

  constructor(private readonly decider: EntryDecider) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.body !== null || this.headerFill !== 0 || this.pending.length > 0) {
      callback(new Error('the image archive ended in the middle of an entry (the sending side stopped early)'));
      return;
    }
    callback();
  }

  private out(part: Buffer): void {
    this.keptBytes += part.length;
    this.push(part);
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.ended) {
        this.out(chunk.subarray(offset)); // the end-of-archive blocks and whatever follows them
        return;
      }
      if (this.body) {
        const n = Math.min(this.body.left, chunk.length - offset);
        this.bodyPart(this.body, chunk.subarray(offset, offset + n));
        offset += n;
        this.body.left -= n;
        if (this.body.left === 0) this.endBody(this.body);
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + n);
      this.headerFill += n;
      offset += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader(Buffer.from(this.header));
      }
    }
  }

  private bodyPart(body: Body, part: Buffer): void {
    switch (body.mode) {
      case 'pass':
        this.out(part);
        return;
      case 'drop':
        this.droppedBytes += part.length;
        return;
      case 'read':
        this.out(part);
        if (body.content > 0) body.parts.push(part.subarray(0, Math.min(part.length, body.content)));
        body.content -= Math.min(part.length, body.content);
        return;
      case 'extension':
        this.pending.push(part);
        if (body.content > 0) body.parts.push(part.subarray(0, Math.min(part.length, body.content)));
        body.content -= Math.min(part.length, body.content);
        return;
    }
  }

  private endBody(body: Body): void {
    this.body = null;
    if (body.mode === 'read') this.decider.read?.(body.name, Buffer.concat(body.parts));
    if (body.mode === 'extension') {
      const content = Buffer.concat(body.parts);
      if (body.type === 'L') this.longName = content.toString('utf8').replace(/\0.*$/s, '');
      else if (body.type === 'x') this.longName = paxPath(content) ?? this.longName;
    }
  }

  private onHeader(h: Buffer): void {
    const header = parseHeader(h);
    if (header === null) {
      this.ended = true;
      this.flushPending();
      this.out(h);
      return;
    }
    // GNU long names ('L', 'K') and pax headers ('x') describe the next entry: hold them until
    // it comes, so an entry left out takes them along. A pax global header ('g') is for all.
    if (header.type === 'L' || header.type === 'K' || header.type === 'x') {
      this.pending.push(h);
      if (header.size > READ_LIMIT) throw new Error(`a tar extension header of ${header.size} bytes: not an archive Docker wrote`);
      this.body = { mode: 'extension', left: padded(header.size), content: header.size, parts: [], type: header.type };
      if (this.body.left === 0) this.endBody(this.body);
      return;
    }
    const name = this.longName ?? header.name;
    this.longName = null;
    const verdict = header.type === 'g' ? 'keep' : this.decider.decide(name, header.size);
    const left = padded(header.size);
    if (verdict === 'drop') {
      this.droppedBytes += h.length + this.pending.reduce((n, p) => n + p.length, 0);
      this.pending = [];
      this.droppedEntries.push(name);
      this.body = { mode: 'drop', left };
    } else {
      this.flushPending();
      this.out(h);
      if (verdict === 'read' && header.size > READ_LIMIT) throw new Error(`${name} in the image archive is ${header.size} bytes: larger than expected`);
      this.body = verdict === 'read' ? { mode: 'read', left, content: header.size, parts: [], name } : { mode: 'pass', left };
    }
    if (left === 0) {
      const body = this.body;
      this.endBody(body);
    }
  }

  private flushPending(): void {
    for (const p of this.pending) this.out(p);
    this.pending = [];
  }
}
