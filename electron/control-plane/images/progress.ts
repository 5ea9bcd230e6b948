// Progress of a push to several hosts: bytes per host, reported at most every `intervalMs` (a bar
// needs a few updates a second, not one per 64 KiB chunk), and always at a change of state.
import type { ImageTransfer } from '../../../shared/images.ts';

export class TransferProgress {
  private readonly transfers = new Map<string, ImageTransfer>();
  private lastReport = -Infinity;

  constructor(
    estimates: { host: string; totalBytes: number }[],
    private readonly report: (transfers: ImageTransfer[]) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    for (const e of estimates) this.transfers.set(e.host, { host: e.host, sentBytes: 0, totalBytes: e.totalBytes, skippedBytes: 0, state: 'sending', error: null });
  }

  /** Bytes went to a host, and the source's bytes it was spared so far. */
  sent(host: string, sentBytes: number, skippedBytes: number): void {
    const t = this.transfers.get(host);
    if (!t) return;
    t.sentBytes = sentBytes;
    t.skippedBytes = skippedBytes;
    // the estimate was low (tar headers, a history that could not say): the bar must not pass 100 %
    if (t.sentBytes > t.totalBytes) t.totalBytes = t.sentBytes;
    if (this.now() - this.lastReport >= this.intervalMs) this.emit();
  }

  /** The archive is all sent; the host is loading it. */
  loading(host: string): void {
    this.set(host, { state: 'loading' });
  }

  done(host: string): void {
    const t = this.transfers.get(host);
    if (t) this.set(host, { state: 'done', totalBytes: t.sentBytes });
  }

  failed(host: string, error: string): void {
    this.set(host, { state: 'failed', error });
  }

  /** Starts a host over (a retry with the whole image). */
  restart(host: string, totalBytes: number): void {
    this.set(host, { state: 'sending', sentBytes: 0, skippedBytes: 0, totalBytes, error: null });
  }

  snapshot(): ImageTransfer[] {
    return [...this.transfers.values()].map((t) => ({ ...t }));
  }

  private set(host: string, change: Partial<ImageTransfer>): void {
    const t = this.transfers.get(host);
    if (!t) return;
    Object.assign(t, change);
    this.emit();
  }

  private emit(): void {
    this.lastReport = this.now();
    this.report(this.snapshot());
  }
}

/** "[#######.......]  12.3 MB / 40.1 MB": one host's bar as the CLI draws it. */
export function progressBar(t: ImageTransfer, width = 24): string {
  const ratio = t.totalBytes > 0 ? Math.min(1, t.sentBytes / t.totalBytes) : t.state === 'done' ? 1 : 0;
  const filled = Math.round(ratio * width);
  const state = t.state === 'sending' ? '' : ` ${t.state}${t.error ? `: ${t.error}` : ''}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatBytes(t.sentBytes)} / ${formatBytes(t.totalBytes)}${state}`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
