// Stopping the embedded control plane when the app quits: it gets a deadline, and a stop that
// fails or outlives it is logged, never a reason to keep the app from quitting.

export interface StopLog {
  warn(msg: string): void;
  error(obj: { err: unknown }, msg: string): void;
}

/** Resolves when `stop` settles or `deadlineMs` passes, whichever is first; never rejects. */
export async function stopInTime(stop: () => Promise<void>, deadlineMs: number, log: StopLog): Promise<'stopped' | 'late' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    const outcome = await Promise.race([stop().then(() => 'stopped' as const), late]);
    if (outcome === 'late') log.warn('the control plane did not stop in time; quitting anyway');
    return outcome;
  } catch (err) {
    log.error({ err }, 'stopping the control plane failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
