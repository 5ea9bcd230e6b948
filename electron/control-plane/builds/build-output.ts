// The answer of an engine's POST /build, read as it streams: JSON messages, one a line
// ({"stream": text}, {"aux": {"ID": …}}, {"error": …, "errorDetail": …}), into lines of output,
// the step under way ("Step 2/3 : RUN make"), the image id, and, when the build failed, the step
// that failed with its last lines of output. Pure: fed text, it says what it read.

/** Lines of a failed step's output an error keeps: the end of it, where the cause is. */
export const FAILED_OUTPUT_LINES = 20;

export interface BuildFailure {
  /** The step that failed, or null when the build failed before its first step (a bad Dockerfile). */
  step: string | null;
  /** The engine's words. */
  message: string;
  /** The last lines the step printed. */
  output: string[];
}

export class BuildOutput {
  private pending = '';
  private text = '';
  private step: string | null = null;
  private stepLines: string[] = [];
  private failure: BuildFailure | null = null;
  id: string | null = null;

  /** Feeds a chunk of the answer; returns the complete output lines it held. */
  push(chunk: string): string[] {
    this.pending += chunk;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line !== '') out.push(...this.message(line));
    }
    return out;
  }

  /** At the end of the answer: the output lines still held, and how it ended. */
  end(): { lines: string[]; failure: BuildFailure | null; id: string | null } {
    const lines = this.pending.trim() !== '' ? this.message(this.pending.trim()) : [];
    this.pending = '';
    if (this.text !== '') lines.push(...this.lines('\n'));
    return { lines, failure: this.failure, id: this.id };
  }

  private message(line: string): string[] {
    let m: { stream?: unknown; aux?: { ID?: unknown }; error?: unknown; errorDetail?: { message?: unknown } };
    try {
      m = JSON.parse(line) as typeof m;
    } catch {
      return this.lines(`${line}\n`); // not JSON: the engine's own text, kept as output
    }
    if (typeof m.stream === 'string') return this.lines(m.stream);
    if (m.aux && typeof m.aux.ID === 'string') this.id = m.aux.ID;
    if (m.error !== undefined || m.errorDetail !== undefined) {
      const message = typeof m.errorDetail?.message === 'string' ? m.errorDetail.message : String(m.error);
      const held = this.text !== '' ? this.lines('\n') : [];
      this.failure = { step: this.step, message, output: this.stepLines.slice(-FAILED_OUTPUT_LINES) };
      return held;
    }
    return [];
  }

  /** Text of the output stream into whole lines (a line may come in pieces). */
  private lines(text: string): string[] {
    this.text += text;
    const parts = this.text.split('\n');
    this.text = parts.pop()!;
    const out: string[] = [];
    for (const raw of parts) {
      const line = raw.replace(/\r$/, '');
      if (/^Step \d+\/\d+ : /.test(line)) {
        this.step = line;
        this.stepLines = [];
      } else if (line.trim() !== '' && !/^ ---> |^Removing intermediate container /.test(line)) {
        this.stepLines.push(line);
        if (this.stepLines.length > FAILED_OUTPUT_LINES) this.stepLines.shift();
      }
      const id = /^Successfully built ([0-9a-f]{12,64})$/.exec(line);
      if (id && this.id === null) this.id = id[1]!;
      out.push(line);
    }
    return out;
  }
}
