// Baton's own extensions, `x-baton:` on a service (autoscale, rollout) and at the top level
// (placement_strategy), validated with zod; each problem is placed at its line.
import { MAX_REPLICAS } from '../../../../shared/stack.ts';
import { z } from 'zod';
import type { AutoscalePolicy } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';
import { didYouMean } from './suggest.ts';
import { parseDuration } from './units.ts';
import { got, isDict } from './values.ts';

/** `x-baton.rollout`: what Compose's update_config has no key for. */
export interface RolloutTuning {
  /** A rollout that makes no progress for this long fails (and acts as failure_action says). */
  progressDeadlineMs: number;
  /** Move replicas back toward an even spread when a host joins or returns. */
  rebalance: boolean;
}

export type PlacementStrategy = 'spread' | 'binpack';

export const ROLLOUT_DEFAULTS: RolloutTuning = { progressDeadlineMs: 600_000, rebalance: true };
export const AUTOSCALE_DEFAULTS = { min: 1, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 300_000 } as const;
export const DEFAULT_PLACEMENT_STRATEGY: PlacementStrategy = 'spread';

/** A value read by `read` (null: not valid), with what to write when it is not. */
function value<T>(read: (v: unknown) => T | null, expected: string) {
  return z.unknown().transform((v, ctx) => {
    const r = v === undefined ? null : read(v);
    if (r === null) {
      ctx.addIssue({ code: 'custom', message: v === undefined ? 'is required' : expected });
      return z.NEVER;
    }
    return r;
  });
}

const asNumber = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const asInt = (min: number) => (v: unknown) => {
  const n = asNumber(v);
  return n !== null && Number.isInteger(n) && n >= min ? n : null;
};
const asPositive = (v: unknown) => {
  const n = asNumber(typeof v === 'string' ? v.replace(/%\s*$/, '') : v);
  return n !== null && n > 0 ? n : null;
};
const asDuration = (v: unknown) => (typeof v === 'string' ? parseDuration(v) : v === 0 ? 0 : null);
const asBool = (v: unknown) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null);
const DURATION = 'must be a duration like "30s", "5m" or "0s"';

const autoscaleSchema = z
  .strictObject({
    min: value(asInt(1), 'must be a whole number of replicas, at least 1 (use deploy.replicas: 0 to stop a service)').optional(),
    max: value((v) => { const n = asInt(1)(v); return n !== null && n <= MAX_REPLICAS ? n : null; }, `must be a whole number of replicas, from 1 to ${MAX_REPLICAS}`),
    cpu: value(asPositive, 'must be a CPU target per replica, like "70%" or 70 (percent of one CPU)').optional(),
    rps: value(asPositive, 'must be a request rate per replica, like 100').optional(),
    tolerance: value((v) => {
      const n = asNumber(v);
      return n !== null && n >= 0 && n < 1 ? n : null;
    }, 'must be a fraction between 0 and 1, like 0.1').optional(),
    scale_up_window: value(asDuration, DURATION).optional(),
    scale_down_window: value(asDuration, DURATION).optional(),
  })
  .superRefine((a, ctx) => {
    const min = a.min ?? AUTOSCALE_DEFAULTS.min;
    if (min > a.max) ctx.addIssue({ code: 'custom', message: `must be at least min (${min})`, path: ['max'] });
    if (a.cpu === undefined && a.rps === undefined) ctx.addIssue({ code: 'custom', message: 'needs a target to scale on: `cpu` (like "70%"), `rps` (like 100), or both' });
  });

// How many replicas change at once and in which order is Compose's own deploy.update_config
// (parallelism, order); x-baton.rollout holds only what it has no key for.
const rolloutSchema = z.strictObject({
  progress_deadline: value((v) => {
    const ms = asDuration(v);
    return ms !== null && ms > 0 ? ms : null;
  }, 'must be a duration longer than 0, like "10m"').optional(),
  rebalance: value(asBool, 'must be true or false').optional(),
});

const serviceSchema = z.strictObject({
  autoscale: autoscaleSchema.optional(),
  rollout: rolloutSchema.optional(),
  /** Consent to reach into the host (host-access.ts): a bind mount of /var/run/docker.sock, /etc, … */
  host_access: value(asBool, 'must be true or false').optional(),
});
const stackSchema = z.strictObject({
  placement_strategy: value((v) => (v === 'spread' || v === 'binpack' ? v : null), 'must be "spread" or "binpack"').optional(),
});

export interface ServiceExtensions {
  autoscale: AutoscalePolicy | null;
  rollout: RolloutTuning | null;
  /** `host_access: true`: the service means to reach into its host. */
  hostAccess: boolean;
}

export function readServiceExtensions(problems: ProblemList, path: Path, data: unknown): ServiceExtensions | null {
  if (data === undefined || data === null) return { autoscale: null, rollout: null, hostAccess: false };
  const parsed = serviceSchema.safeParse(data);
  if (!parsed.success) {
    reportIssues(problems, path, data, parsed.error.issues);
    return null;
  }
  const { autoscale: a, rollout: r } = parsed.data;
  return {
    hostAccess: parsed.data.host_access ?? false,
    autoscale: a
      ? {
          min: a.min ?? AUTOSCALE_DEFAULTS.min,
          max: a.max,
          cpuPercent: a.cpu ?? null,
          requestsPerSecond: a.rps ?? null,
          tolerance: a.tolerance ?? AUTOSCALE_DEFAULTS.tolerance,
          scaleUpWindowMs: a.scale_up_window ?? AUTOSCALE_DEFAULTS.scaleUpWindowMs,
          scaleDownWindowMs: a.scale_down_window ?? AUTOSCALE_DEFAULTS.scaleDownWindowMs,
        }
      : null,
    rollout: r
      ? {
          progressDeadlineMs: r.progress_deadline ?? ROLLOUT_DEFAULTS.progressDeadlineMs,
          rebalance: r.rebalance ?? ROLLOUT_DEFAULTS.rebalance,
        }
      : null,
  };
}

export function readStackExtensions(problems: ProblemList, path: Path, data: unknown): PlacementStrategy | null {
  if (data === undefined || data === null) return DEFAULT_PLACEMENT_STRATEGY;
  const parsed = stackSchema.safeParse(data);
  if (!parsed.success) {
    reportIssues(problems, path, data, parsed.error.issues);
    return null;
  }
  return parsed.data.placement_strategy ?? DEFAULT_PLACEMENT_STRATEGY;
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(serviceSchema.shape),
  autoscale: ['min', 'max', 'cpu', 'rps', 'tolerance', 'scale_up_window', 'scale_down_window'],
  rollout: ['progress_deadline', 'rebalance'],
};

function reportIssues(problems: ProblemList, base: Path, data: unknown, issues: z.core.$ZodIssue[]): void {
  const topLevel = base.length === 1;
  for (const issue of issues) {
    const path = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    const v = valueAt(data, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = topLevel ? Object.keys(stackSchema.shape) : (KNOWN_KEYS[issue.path.map(String).join('.')] ?? []);
      for (const key of issue.keys) {
        problems.error([...path, key], `\`${key}\` is not a Baton setting here${didYouMean(key, known)}; known: ${known.join(', ')}`, { at: 'key' });
      }
    } else if (issue.code === 'custom' && issue.message === 'is required') {
      problems.error(path, 'is required', { placeAt: path.slice(0, -1) });
    } else if (issue.code === 'custom') {
      problems.error(path, isDict(v) ? issue.message : `${issue.message} ${got(v)}`);
    } else if (issue.code === 'invalid_type') {
      problems.error(path, `must be a map ${got(v)}`);
    } else {
      problems.error(path, `${issue.message} ${got(v)}`);
    }
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of path) node = isDict(node) ? node[String(key)] : Array.isArray(node) ? node[Number(key)] : undefined;
  return node;
}
