// Live metrics, as the control plane hands them out: one frame a second with a sample per replica
// and per host, and the series behind them (the last hour per second, the last day per minute).
//
// Values are what was measured, never filled in: a replica whose host could not be read this
// second is `stale` with its values null, and no point is written for it.
//
// Latency comes two ways. HAProxy's `show stat` keeps, per server, the average response time
// (`rtime`) and total time (`ttime`) over its last 1024 requests: `responseMsAvg` is that average,
// said as such. The percentiles (`responseMsP50/P95/P99`) are over every request of the interval:
// each host's ingress logs every HTTP request's server response time into a ring the control plane
// reads as a stream. A minute's summary keeps the slowest second's p95 (`responseMsP95`), not a
// p95 of the minute's requests.
import { z } from 'zod';

export const CpuSample = z.object({
  /** Share of one core used over the last interval, in % (200 = two cores busy). */
  percentOfCore: z.number(),
  /** The replica's CPU limit in cores (deploy.resources.limits.cpus), null when it has none. */
  limitCores: z.number().nullable(),
  /** Share of that limit, in %; null without a limit. */
  percentOfLimit: z.number().nullable(),
});
export type CpuSample = z.infer<typeof CpuSample>;

export const MemorySample = z.object({
  /** Used as `docker stats` counts it: the cgroup's usage less its inactive page cache. */
  usedBytes: z.number(),
  /** The container's memory limit, null when it has none. */
  limitBytes: z.number().nullable(),
  percentOfLimit: z.number().nullable(),
});
export type MemorySample = z.infer<typeof MemorySample>;

export const NetworkSample = z.object({
  /** Bytes in and out of the container's own network namespace (every interface but lo), since it started. */
  rxBytes: z.number(),
  txBytes: z.number(),
  rxBytesPerSec: z.number(),
  txBytesPerSec: z.number(),
});
export type NetworkSample = z.infer<typeof NetworkSample>;

export const RequestSample = z.object({
  /** Requests answered over the last interval, summed over every host's ingress, per second. */
  perSec: z.number(),
  /** Requests every host's ingress sent it since that ingress started (HAProxy's req_tot, or stot in TCP mode). */
  total: z.number(),
  /**
   * HAProxy's average response time (rtime: request sent → response headers) over its last 1024
   * requests, in ms, weighted across hosts by their requests; null before any request. An average, not a percentile.
   */
  responseMsAvg: z.number().nullable(),
  /** The same for the whole exchange (ttime), in ms. */
  totalMsAvg: z.number().nullable(),
  /**
   * Percentiles of the server response time (request sent → response headers, ms) of every HTTP
   * request answered in the interval, from every host's ingress; null when none was (or the route is TCP).
   */
  responseMsP50: z.number().nullable(),
  responseMsP95: z.number().nullable(),
  responseMsP99: z.number().nullable(),
  /** 5xx answers per second over the last interval. */
  errorsPerSec: z.number(),
});
export type RequestSample = z.infer<typeof RequestSample>;

export const ReplicaMetrics = z.object({
  /** Container id. */
  id: z.string(),
  /** Container name. */
  replica: z.string(),
  host: z.string(),
  stack: z.string(),
  service: z.string(),
  /** When these values were measured (ISO 8601); for a stale replica, the last time they were. */
  time: z.string(),
  /** No fresh value this second: its host is out of reach or its counters could not be read. */
  stale: z.boolean(),
  staleReason: z.string().nullable(),
  cpu: CpuSample.nullable(),
  memory: MemorySample.nullable(),
  network: NetworkSample.nullable(),
  /** From the ingress; null when the service has no route through it. */
  requests: RequestSample.nullable(),
});
export type ReplicaMetrics = z.infer<typeof ReplicaMetrics>;

export const HostMetrics = z.object({
  host: z.string(),
  time: z.string(),
  stale: z.boolean(),
  staleReason: z.string().nullable(),
  /** Replicas summed here (those with fresh values). */
  replicas: z.number().int(),
  /** From the host's inventory (docker info); null before it was read. */
  capacity: z.object({ cpus: z.number(), memoryBytes: z.number() }).nullable(),
  cpu: z.object({ percentOfCore: z.number(), percentOfCapacity: z.number().nullable() }).nullable(),
  memory: z.object({ usedBytes: z.number(), percentOfCapacity: z.number().nullable() }).nullable(),
  network: z.object({ rxBytesPerSec: z.number(), txBytesPerSec: z.number() }).nullable(),
  /** Requests/s served by the replicas on this host (wherever the ingress that sent them runs). */
  requests: z.object({ perSec: z.number() }).nullable(),
  /**
   * Requests/s that came in through this host's own ingress (whichever host's replicas served
   * them); null while it has no ingress, or it was not read this second.
   */
  ingress: z.object({ perSec: z.number() }).nullable(),
});
export type HostMetrics = z.infer<typeof HostMetrics>;

/** One second of the cluster. */
export const MetricsFrame = z.object({
  time: z.string(),
  replicas: z.array(ReplicaMetrics),
  hosts: z.array(HostMetrics),
});
export type MetricsFrame = z.infer<typeof MetricsFrame>;

/** One point of a series: a second (the last hour) or a minute's summary (the last day). */
export const MetricPoint = z.object({
  /** Start of the second or minute, ISO 8601. */
  time: z.string(),
  /** Seconds measured in it (1 for a second; up to 60 for a minute). */
  samples: z.number().int(),
  cpuPercent: z.number().nullable(),
  cpuPercentMax: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  memoryBytesMax: z.number().nullable(),
  rxBytesPerSec: z.number().nullable(),
  txBytesPerSec: z.number().nullable(),
  requestsPerSec: z.number().nullable(),
  responseMsAvg: z.number().nullable(),
  responseMsMax: z.number().nullable(),
  /** The second's p95 response time; for a minute, the slowest second's. Absent in points stored before it was measured. */
  responseMsP95: z.number().nullable().default(null),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

export const MetricSeries = z.object({
  /** "replica:<container id>" or "host:<name>". */
  key: z.string(),
  range: z.enum(['hour', 'day']),
  points: z.array(MetricPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;
