// One lab operation at a time across processes (test files run in parallel and each
// may call labUp). A lock file holding the owner's pid; a dead owner's lock is stale.
// Not re-entrant: public operations take it, internal steps don't.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sleep } from './exec.ts';
import { isAlive } from './processes.ts';

async function tryAcquire(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    // no pid yet = being written right now; a dead owner = stale
    if (owner > 0 && owner !== process.pid && !(await isAlive(owner))) await rm(file, { force: true });
    return false;
  }
}

export async function withLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  while (!(await tryAcquire(file))) {
    if (Date.now() > deadline) throw new Error(`another lab operation holds ${file} for over ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
