// One control plane per home: the lock is taken before the state file is opened or any host is
// reached, so a second `baton serve` (or the desktop app beside a serve) on the same BATON_HOME is
// refused before it does anything.
//
// The lock is an exclusive transaction held open on a small SQLite file of its own: SQLite takes
// an operating-system lock (fcntl) for it, which the kernel releases when the process ends, however
// it ends. A lock file that only exists (O_EXCL) would outlive a killed process and need a guess
// about whether its pid is still the one that wrote it.
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../../../shared/errors.ts';

const WAIT_FOR_EXITING_HOLDER_MS = 2000;

export interface HomeLock {
  readonly file: string;
  release(): void;
}

/** The file that holds the lock, and the one beside it that names who holds it (for the message). */
export function lockFiles(home: string): { lock: string; owner: string } {
  return { lock: join(home, 'baton.lock'), owner: join(home, 'baton.lock.owner') };
}

function ownerText(file: string): string {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; since?: unknown };
    if (typeof owner.pid === 'number' && typeof owner.since === 'string') return ` (pid ${owner.pid}, since ${owner.since})`;
  } catch {
    // written a moment after the lock is taken, or by a Baton that did not write it: say less
  }
  return '';
}

export function lockHome(home: string): HomeLock {
  const files = lockFiles(home);
  // A holder killed a moment ago is gone once the kernel has reaped it: wait that long, not more.
  const db = new Database(files.lock, { timeout: WAIT_FOR_EXITING_HOLDER_MS });
  try {
    // exclusive locking mode keeps the lock once taken; the open transaction takes it now
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BatonError(
        'ALREADY_EXISTS',
        `Another Baton control plane is running on ${home}${ownerText(files.owner)}.`,
        { home },
        'Stop it first (baton serve, or the desktop app, on this home), or give this one another home with --home or BATON_HOME.',
      );
    }
    throw err;
  }
  writeFileSync(files.owner, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }) + '\n', { mode: 0o600 });
  let held = true;
  return {
    file: files.lock,
    release(): void {
      if (!held) return;
      held = false;
      rmSync(files.owner, { force: true });
      db.close();
    },
  };
}
