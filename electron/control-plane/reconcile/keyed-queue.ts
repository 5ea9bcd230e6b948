// Work per key runs one at a time; different keys run in parallel. Asking again while a run is
// under way marks the key dirty: exactly one more run follows, however many asks came in.
export class KeyedQueue {
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly work: (key: string) => Promise<void>, private readonly onError: (key: string, err: unknown) => void) {}

  trigger(key: string): void {
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.running.add(key);
    void this.run(key);
  }

  private async run(key: string): Promise<void> {
    do {
      this.dirty.delete(key);
      try {
        await this.work(key);
      } catch (err) {
        this.onError(key, err);
      }
    } while (this.dirty.has(key));
    this.running.delete(key);
    if (this.running.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  /** Resolves when no key is being worked on. */
  idle(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }
}
