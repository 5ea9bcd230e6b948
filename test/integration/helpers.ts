// Shared by the integration tests: a control plane on a fresh BATON_HOME, and waiting for events.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_PROCESS } from '../../electron/control-plane/api/caller.ts';
import { ControlPlane, type ControlPlaneOptions } from '../../electron/control-plane/index.ts';
import { IMAGES } from '../lab/layout.ts';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import type { BatonEvent } from '../../shared/api.ts';
import { BatonError, type ErrorCode } from '../../shared/errors.ts';

export interface TestPlane {
  plane: ControlPlane;
  home: string;
  userHome: string;
}

/**
 * A control plane with its own BATON_HOME and an empty ~/.ssh, so nothing of this machine's leaks
 * in. `options` tunes its loops (e.g. a long reconcilerOptions.hostLossGraceMs).
 */
export async function startTestPlane(existing?: { home: string; userHome: string }, options: Pick<ControlPlaneOptions, 'reconcilerOptions' | 'linkOptions' | 'ingressImage'> = {}): Promise<TestPlane> {
  const home = existing?.home ?? mkdtempSync(join(tmpdir(), 'baton-test-home-'));
  const userHome = existing?.userHome ?? mkdtempSync(join(tmpdir(), 'baton-test-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  if (!existing) await clearSystemContainers();
  // the lab's HAProxy image: the hosts reach no registry
  const plane = await ControlPlane.start({ home, userHome, logger: silentLogger(), localSocket: join(home, 'no-local-engine.sock'), ingressImage: IMAGES.haproxy, ...options });
  return { plane, home, userHome };
}

/**
 * Each test file is a cluster of its own on the same lab hosts: the ingress and endpoints an
 * earlier file's cluster left there belong to another cluster, which Baton rightly refuses to
 * take over. They go before a new control plane starts.
 */
export async function clearSystemContainers(): Promise<void> {
  let lab: LabInfo;
  try {
    lab = readLab();
  } catch {
    return; // no lab: nothing of it to clear
  }
  await Promise.all(
    lab.hosts.map(async (h) => {
      const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.system'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
    }),
  );
}

/** Calls through the same dispatcher the transports use (as code in this process), and unwraps the envelope. */
export async function call(plane: ControlPlane, method: string, params: unknown): Promise<unknown> {
  const answer = await plane.dispatch(method, params, IN_PROCESS);
  if ('error' in answer) throw BatonError.fromBody(answer.error);
  return answer.result;
}

export async function expectError(promise: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<BatonError> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof BatonError)) throw err;
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
    if (pattern && !pattern.test(err.message)) throw new Error(`${code} message "${err.message}" does not match ${pattern}`);
    return err;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

/**
 * Probes until `ok` holds, at most `timeoutMs`, and fails saying what was waited for and the last
 * value seen. `retryErrors`: a probe that throws (nothing answers yet) is tried again, not fatal.
 */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, opts: { retryErrors?: boolean; pollMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: T | Error;
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      if (!opts.retryErrors) throw err;
      last = err as Error;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not reached within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}

/** Resolves with the first event (from now on) that matches, or rejects after `timeoutMs`. */
export function waitForEvent(plane: ControlPlane, match: (e: BatonEvent) => boolean, timeoutMs: number): Promise<BatonEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = plane.subscribe((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}
