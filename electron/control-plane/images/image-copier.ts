// Carries one image from a source engine to several hosts at once: one `docker save` stream, read
// once, fanned out to one tar filter per host (each leaves out the layers its host has) and on into
// that host's `docker load`. Nothing is written to either disk and nothing is held whole: the save
// stream goes at the pace of the slowest host still receiving. A host that fails drops out, the
// others go on; a source that fails stops them all, and the engines tag nothing half loaded.
import { once } from 'node:events';
import { Transform } from 'node:stream';
import type { Engine } from '../hosts/engine.ts';
import { SaveArchiveDecider } from './save-layers.ts';
import { TarFilter } from './tar-filter.ts';
import type { TransferProgress } from './progress.ts';

export interface CopyTarget {
  host: string;
  engine: Engine;
  /** Diff ids of the layers it has: left out of what it is sent. */
  skip: ReadonlySet<string>;
}

export interface CopyOutcome {
  host: string;
  sentBytes: number;
  skippedBytes: number;
  error: Error | null;
}

interface Leg {
  target: CopyTarget;
  filter: TarFilter;
  abort: AbortController;
  sent: number;
  failed: Error | null;
  settled: Promise<void>;
}

export async function copyImage(options: { source: Engine; ref: string; diffIds: string[]; targets: CopyTarget[]; progress: TransferProgress }): Promise<CopyOutcome[]> {
  const { source, ref, diffIds, targets, progress } = options;
  const saveAbort = new AbortController();
  const legs: Leg[] = targets.map((target) => {
    const filter = new TarFilter(new SaveArchiveDecider(diffIds, target.skip));
    const abort = new AbortController();
    const leg: Leg = { target, filter, abort, sent: 0, failed: null, settled: Promise.resolve() };
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        leg.sent += chunk.length;
        progress.sent(target.host, leg.sent, filter.droppedBytes);
        callback(null, chunk);
      },
      flush(callback) {
        progress.loading(target.host);
        callback();
      },
    });
    filter.on('error', (err) => {
      leg.failed ??= err;
      abort.abort(err);
    });
    filter.pipe(meter);
    leg.settled = target.engine.loadImageStream(meter, abort.signal).then(
      () => {
        if (leg.failed) throw leg.failed;
        progress.done(target.host);
      },
      (err: unknown) => {
        leg.failed ??= err instanceof Error ? err : new Error(String(err));
        progress.failed(target.host, leg.failed.message);
        filter.destroy();
      },
    );
    return leg;
  });
  const alive = () => legs.filter((l) => l.failed === null);
  let sourceError: Error | null = null;
  try {
    const save = await source.saveImage(ref, saveAbort.signal);
    for await (const chunk of save as AsyncIterable<Buffer>) {
      const waits: Promise<unknown>[] = [];
      for (const leg of alive()) {
        if (!leg.filter.write(chunk)) waits.push(Promise.race([once(leg.filter, 'drain'), leg.settled]));
      }
      if (waits.length > 0) await Promise.all(waits);
      if (alive().length === 0) {
        saveAbort.abort();
        break;
      }
    }
    for (const leg of alive()) leg.filter.end();
  } catch (err) {
    sourceError = err instanceof Error ? err : new Error(String(err));
    for (const leg of alive()) {
      leg.failed = new Error(`the image stopped coming from ${source.host}: ${sourceError.message}`);
      leg.abort.abort(leg.failed);
    }
  }
  await Promise.all(legs.map((l) => l.settled));
  return legs.map((l) => ({ host: l.target.host, sentBytes: l.sent, skippedBytes: l.filter.droppedBytes, error: l.failed }));
}

/** A filtered load failed because a layer it was spared is not there after all: send it whole. */
export function lacksSkippedLayer(err: Error): boolean {
  return /layer\.tar|layer does not exist|no such file/i.test(err.message) && !/no space left/i.test(err.message);
}
