// Work per key runs one at a time; different keys run in parallel. Asking again while a run is
// under way marks the key dirty: exactly one more run follows, however many asks came in.
// `exclusive` runs a one-off job under the same key (e.g. removing one replica of a service), so
// it never overlaps that key's runs; one run follows it.
export class KeyedQueue {
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly jobs = new Map<string, (() => Promise<void>)[]>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly work: (key: string) => Promise<void>, private readonly onError: (key: string, err: unknown) => void) {}

  trigger(key: string): void {
    this.dirty.add(key);
    this.start(key);
  }

  /** Runs `job` when no other work of `key` runs, before that key's next run; resolves with its result. */
  exclusive<T>(key: string, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = this.jobs.get(key) ?? [];
      // A job that throws before its first await rejects its own promise too: nothing escapes the run.
      queued.push(() => Promise.resolve().then(job).then(resolve, reject));
      this.jobs.set(key, queued);
      this.dirty.add(key); // what the job changed is reconciled right after it
      this.start(key);
    });
  }

  private start(key: string): void {
    if (this.running.has(key)) return;
    this.running.add(key);
    void this.run(key);
  }

  private async run(key: string): Promise<void> {
    for (;;) {
      const queued = this.jobs.get(key);
      const job = queued?.shift();
      if (queued?.length === 0) this.jobs.delete(key);
      if (job) {
        await job(); // settles its own promise; never rejects here
        continue;
      }
      if (!this.dirty.has(key)) break;
      this.dirty.delete(key);
      try {
        await this.work(key);
      } catch (err) {
        this.onError(key, err);
      }
    }
    this.running.delete(key);
    if (this.running.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  /** Resolves when no key is being worked on. */
  idle(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }
}
