// Auto-scaling as the control plane decides it and the CLI and the app show it: per autoscaled
// service, one evaluation a second (on each metrics frame), and the decisions that changed
// something or were held back, with every input that led to them.
import { z } from 'zod';

export const AutoscaleMetric = z.enum(['cpu', 'rps']);
export type AutoscaleMetric = z.infer<typeof AutoscaleMetric>;

/** One metric's part in a decision. */
export const MetricReading = z.object({
  metric: AutoscaleMetric,
  /**
   * Average per ready replica: for cpu in % of the target's unit (of its CPU reservation where
   * it has one, else of one core), for rps in requests/s.
   */
  average: z.number(),
  /** The policy's target in the same unit. */
  target: z.number(),
  /** average / target; within 1 ± tolerance nothing changes. */
  ratio: z.number(),
  /** ceil(ready × ratio), or the current count within the tolerance. */
  recommended: z.number().int(),
});
export type MetricReading = z.infer<typeof MetricReading>;

/**
 * What held a wanted change back (or bounded it):
 * - scale_up_window / scale_down_window: the stabilization window (a lower or higher recommendation in it)
 * - rate: at most doubling or halving per step
 * - min / max: the policy's bounds
 * - starting: replicas that are not yet ready (no scale-down while some start)
 */
export const HeldBy = z.enum(['scale_up_window', 'scale_down_window', 'rate', 'min', 'max', 'starting']);
export type HeldBy = z.infer<typeof HeldBy>;

export const AutoscaleDecision = z.object({
  time: z.string(),
  /**
   * scale: the desired count changes to `desired`; hold: it stays (in tolerance, or held back by
   * `heldBy`); stale: no decision, the metrics are not fresh; no-data: no ready replica measured yet.
   */
  kind: z.enum(['scale', 'hold', 'stale', 'no-data']),
  current: z.number().int(),
  desired: z.number().int(),
  /** The count the metrics asked for before the windows, rate limits and bounds. */
  recommended: z.number().int().nullable(),
  /** Replicas counted in the averages (running, healthy or without a check, measured). */
  ready: z.number().int(),
  metrics: z.array(MetricReading),
  heldBy: HeldBy.nullable(),
  reason: z.string(),
});
export type AutoscaleDecision = z.infer<typeof AutoscaleDecision>;

export const AutoscaleStatus = z.object({
  service: z.string(),
  policy: z.object({
    min: z.number().int(),
    max: z.number().int(),
    cpuPercent: z.number().nullable(),
    requestsPerSecond: z.number().nullable(),
    tolerance: z.number(),
    scaleUpWindowMs: z.number(),
    scaleDownWindowMs: z.number(),
  }),
  /** The desired count now. */
  replicas: z.number().int(),
  /** The newest evaluation (every second while metrics flow), null before the first. */
  last: AutoscaleDecision.nullable(),
  /** The latest decisions that scaled, were held back, or found no fresh data, newest last. */
  decisions: z.array(AutoscaleDecision),
});
export type AutoscaleStatus = z.infer<typeof AutoscaleStatus>;
