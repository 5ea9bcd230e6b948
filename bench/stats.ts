// Small measuring tools shared by the benchmarks.
import { performance } from 'node:perf_hooks';

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Timed {
  latencies: number[]; // ms per successful call
  failures: number;
  firstError: string | null;
  wallMs: number;
}

/** Fails after `ms`: a call that never answers counts as a failure instead of stalling the run. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs `calls` calls of `fn`, at most `inFlight` at a time, timing each one and the whole. */
export async function timeCalls(fn: () => Promise<unknown>, calls: number, inFlight: number, deadlineMs = 20_000): Promise<Timed> {
  const latencies: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < calls) {
      next++;
      const t0 = performance.now();
      try {
        await withDeadline(fn(), deadlineMs);
        latencies.push(performance.now() - t0);
      } catch (err) {
        failures++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, calls) }, worker));
  return { latencies, failures, firstError, wallMs: performance.now() - start };
}

export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function ratio(peer: number, ours: number): string {
  return `${(peer / ours).toFixed(1)}×`;
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(headers), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...rows.map(line)].join('\n');
}
