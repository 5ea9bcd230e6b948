// One host's counter script (host-counters.ts), kept running over the host's link: a request line
// in, an answer out, once a second (hosts/held-stream.ts holds it open and opens it again after
// it ends). Opening it costs an SSH channel and a shell once per connection instead of once a
// second.
import type { Duplex } from 'node:stream';
import { HeldStream } from '../hosts/held-stream.ts';
import { COUNTER_SCRIPT, counterRequest, counterWords, parseCounters, type CounterTarget, type HostCounters } from './host-counters.ts';

/** What opens the script's stream: the host's engine facade (`hostStream`). */
export type ShellOpener = (command: string) => Promise<Duplex>;

/** An answer is a few dozen bytes a container; a line past this is not the script's. */
const MAX_LINE = 64 * 1024;

export class CounterReader {
  private readonly held: HeldStream;
  private seq = 0;
  /** What the current script was last asked for: the same again is sent as "=". */
  private lastWords: string | null = null;

  constructor(open: ShellOpener) {
    this.held = new HeldStream(() => open(COUNTER_SCRIPT), 'the counter script');
  }

  /** The counters of these containers now; rejects when the host does not answer within `timeoutMs`. */
  read(targets: readonly CounterTarget[], timeoutMs: number): Promise<HostCounters> {
    const words = counterWords(targets);
    const seq = ++this.seq;
    const lines: string[] = [];
    let buffered = '';
    return this.held.exchange(
      (fresh) => {
        // a new script knows no containers yet
        const request = counterRequest(seq, words, !fresh && words === this.lastWords);
        this.lastWords = words;
        return request;
      },
      (text) => {
        buffered += text;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) !== -1) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('e ')) {
            lines.push(line);
            continue;
          }
          if (Number(line.slice(2)) !== seq) throw new Error(`the counter script answered request ${line.slice(2)}, not ${seq}`);
          return parseCounters(lines, targets);
        }
        if (buffered.length > MAX_LINE) throw new Error(`the counter script wrote a line longer than ${MAX_LINE} bytes`);
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Ends the script for good (the host was removed, or the collector stopped). */
  close(): void {
    this.held.close();
  }
}
