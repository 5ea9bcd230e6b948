// Baton's defaults for what a stack file leaves out: Swarm's, except that rollouts start the new
// replica first (DESIGN: start-first) and restarts have no delay (backoff is the reconciler's job).
import type { HealthSpec, Placement, Resources, RestartPolicy, UpdatePolicy } from '../../../../shared/stack.ts';

export const DEFAULT_REPLICAS = 1;
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

export function defaultUpdatePolicy(): UpdatePolicy {
  return { parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5_000, maxFailureRatio: 0, order: 'start-first' };
}

export function defaultRestartPolicy(): RestartPolicy {
  return { condition: 'any', delayMs: 0, maxAttempts: null, windowMs: 0 };
}

export function noResources(): Resources {
  return { nanoCpus: null, memoryBytes: null };
}

export function anyPlacement(): Placement {
  return { constraints: [], spreadOver: [], maxReplicasPerHost: null };
}

/** Docker's own defaults when a healthcheck leaves them out. */
export const HEALTHCHECK_DEFAULTS: Omit<HealthSpec, 'test'> = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

export const SECRETS_DIR = '/run/secrets';
export const DEFAULT_FILE_MODE = 0o444;
