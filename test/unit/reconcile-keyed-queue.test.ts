// Per-key serialization: a one-off job (removing one replica) never overlaps that service's
// reconcile runs, and one run follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedQueue } from '../../electron/control-plane/reconcile/keyed-queue.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('a job waits for the run under way, runs alone, and one run follows it', async () => {
  const log: string[] = [];
  let active = 0;
  const queue = new KeyedQueue(
    async (key) => {
      active++;
      assert.equal(active, 1, 'never two at once');
      log.push(`run ${key} start`);
      await tick(20);
      log.push(`run ${key} end`);
      active--;
    },
    () => {},
  );
  queue.trigger('shop/web');
  await tick(); // the run is under way
  const job = queue.exclusive('shop/web', async () => {
    active++;
    assert.equal(active, 1, 'never beside a run');
    log.push('job');
    await tick(10);
    active--;
    return 42;
  });
  queue.trigger('shop/web'); // asked while busy: one run, after the job
  queue.trigger('shop/web');
  assert.equal(await job, 42);
  await queue.idle();
  assert.deepEqual(log, ['run shop/web start', 'run shop/web end', 'job', 'run shop/web start', 'run shop/web end']);
});

test('a failing job rejects its caller and the queue goes on; other keys run beside it', async () => {
  const runs: string[] = [];
  const queue = new KeyedQueue(async (key) => void runs.push(key), () => {});
  const failing = queue.exclusive('a/x', async () => {
    queue.trigger('b/y');
    await tick(10);
    throw new Error('host gone');
  });
  await assert.rejects(failing, /host gone/);
  await queue.idle();
  assert.deepEqual(runs.sort(), ['a/x', 'b/y']);
});

test('a job that throws before its first await rejects its caller, and nothing is left unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const queue = new KeyedQueue(async () => {}, () => {});
    // as `link.engine()` does when the host's session has closed: a throw, not a rejected promise
    const job = (() => {
      throw new Error('Host h3 is not connected.');
    }) as unknown as () => Promise<void>;
    await assert.rejects(queue.exclusive('a/x', job), /not connected/);
    await queue.idle();
    await tick(10);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
