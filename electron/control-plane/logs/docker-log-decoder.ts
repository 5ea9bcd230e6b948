// Docker's log stream (GET /containers/{id}/logs with timestamps) → lines, pure. A container
// without a TTY sends frames: an 8-byte header (stream type, 3 zero bytes, payload size as a
// big-endian uint32) and the payload; a TTY container sends its output raw. Either way the bytes
// arrive in pieces that cut across frames, headers, lines and UTF-8 characters, and one long line
// may come as several frames (Docker splits messages at 16 KiB, each part stamped again): all of
// that is put back together here.
import { StringDecoder } from 'node:string_decoder';

export type LogStreamName = 'stdout' | 'stderr';

export interface DecodedLine {
  stream: LogStreamName;
  /** As Docker stamped it (RFC 3339 with nanoseconds), or '' when the line had no stamp. */
  time: string;
  text: string;
}

const HEADER_BYTES = 8;
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** Splits "2024-01-01T00:00:00.000000001Z text" into its stamp and its text. */
export function splitStamp(line: string): { time: string; text: string } {
  const m = STAMP.exec(line);
  return m ? { time: m[1]!, text: line.slice(m[0].length) } : { time: '', text: line };
}

/** One output stream's text → whole lines. */
class LineSplitter {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly stream: LogStreamName,
    private readonly stamped: boolean,
  ) {}

  /**
   * `message`: the bytes are one Docker log message (a frame): when the line before it is still
   * open, this message continues it and its own stamp is dropped.
   */
  push(bytes: Buffer, message: boolean, out: DecodedLine[]): void {
    let text = this.utf8.write(bytes);
    if (message && this.stamped && this.pending !== '') {
      const m = STAMP.exec(text);
      if (m) text = text.slice(m[0].length);
    }
    this.pending += text;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, newline), out);
      this.pending = this.pending.slice(newline + 1);
    }
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(out: DecodedLine[]): void {
    this.pending += this.utf8.end();
    if (this.pending !== '') this.emit(this.pending, out);
    this.pending = '';
  }

  private emit(raw: string, out: DecodedLine[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const { time, text } = this.stamped ? splitStamp(line) : { time: '', text: line };
    out.push({ stream: this.stream, time, text });
  }
}

export class DockerLogDecoder {
  private readonly stdout: LineSplitter;
  private readonly stderr: LineSplitter;
  private header = Buffer.alloc(0);
  private frame: { type: number; remaining: number; parts: Buffer[] } | null = null;
  /** Docker's own error in the middle of a stream (frame type 3), if one came. */
  engineError: string | null = null;

  constructor(private readonly options: { tty: boolean; timestamps: boolean }) {
    this.stdout = new LineSplitter('stdout', options.timestamps);
    this.stderr = new LineSplitter('stderr', options.timestamps);
  }

  /** Feeds bytes as they arrive; returns the lines they completed. */
  push(chunk: Buffer): DecodedLine[] {
    const out: DecodedLine[] = [];
    if (this.options.tty) {
      this.stdout.push(chunk, false, out);
      return out;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frame === null) {
        const piece = chunk.subarray(offset, offset + HEADER_BYTES - this.header.length);
        this.header = Buffer.concat([this.header, piece]);
        offset += piece.length;
        if (this.header.length < HEADER_BYTES) break;
        this.frame = { type: this.header[0]!, remaining: this.header.readUInt32BE(4), parts: [] };
        this.header = Buffer.alloc(0);
      }
      const take = Math.min(this.frame.remaining, chunk.length - offset);
      this.frame.parts.push(chunk.subarray(offset, offset + take));
      this.frame.remaining -= take;
      offset += take;
      if (this.frame.remaining === 0) {
        this.deliver(this.frame.type, Buffer.concat(this.frame.parts), out);
        this.frame = null;
      }
    }
    return out;
  }

  /** The stream ended: whatever is left becomes the last lines. */
  end(): DecodedLine[] {
    const out: DecodedLine[] = [];
    this.stdout.end(out);
    this.stderr.end(out);
    return out;
  }

  private deliver(type: number, payload: Buffer, out: DecodedLine[]): void {
    if (type === 3) {
      this.engineError = (this.engineError ? this.engineError + ' ' : '') + payload.toString('utf8').trim();
      return;
    }
    // 0 is stdin, which Docker writes on stdout
    (type === 2 ? this.stderr : this.stdout).push(payload, true, out);
  }
}

/** Docker's `since`: seconds since the epoch with a nanosecond fraction, from an RFC 3339 stamp. */
export function dockerSince(time: string): string | null {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return null;
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '0';
  return `${Math.floor(ms / 1000)}.${fraction.padEnd(9, '0').slice(0, 9)}`;
}
