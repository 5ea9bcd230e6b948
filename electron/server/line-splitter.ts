// Newline-delimited text into lines, looking at each character once: a chunk is searched for
// newlines by itself, and the pieces of an unfinished line are kept apart and joined only when its
// newline comes. (Appending to one string and searching it again after every chunk took seconds
// for a line of a few MiB sent in small chunks.)
export interface SplitResult {
  /** The lines the chunk completed, without their newlines. */
  lines: string[];
  /** A line grew past the limit: the lines before it are in `lines`; nothing more comes out. */
  overflow: boolean;
}

export class LineSplitter {
  private pieces: string[] = [];
  private pending = 0;
  private overflowed = false;

  constructor(private readonly maxLine: number) {}

  push(chunk: string): SplitResult {
    const lines: string[] = [];
    if (this.overflowed) return { lines, overflow: true };
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, newline);
      start = newline + 1;
      if (this.pending + piece.length > this.maxLine) return this.overflow(lines);
      lines.push(this.pieces.length === 0 ? piece : this.pieces.join('') + piece);
      this.pieces = [];
      this.pending = 0;
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      this.pending += rest.length;
      if (this.pending > this.maxLine) return this.overflow(lines);
      this.pieces.push(rest);
    }
    return { lines, overflow: false };
  }

  private overflow(lines: string[]): SplitResult {
    this.overflowed = true;
    this.pieces = [];
    this.pending = 0;
    return { lines, overflow: true };
  }
}
