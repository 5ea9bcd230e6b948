// Counters → the values a person reads: CPU and network rates between two readings of the same
// container, memory as `docker stats` counts it. Pure.
import type { CpuSample, MemorySample, NetworkSample } from '../../../shared/metrics.ts';
import type { ContainerCounters } from './host-counters.ts';

export interface Reading {
  /** The host's clock when it read the counters, ms (its /proc/uptime), or this machine's where the host gave none. */
  atMs: number;
  counters: ContainerCounters;
}

export interface Limits {
  /** CPU limit in cores, null for none. */
  cpuCores: number | null;
  /** Memory limit in bytes from the container's config, null for none (the cgroup's own is used then). */
  memoryBytes: number | null;
}

export interface ContainerRates {
  cpu: CpuSample;
  memory: MemorySample;
  network: NetworkSample;
}

const round = (n: number, places = 2): number => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};

/**
 * The rates between `prev` and `cur`, or null when they can't be told: the first reading (no
 * interval yet), no time between them, or counters that went down (the container restarted in
 * place and its cgroup started again from 0). Null is a gap, never a made-up 0.
 */
export function containerRates(prev: Reading | null, cur: Reading, limits: Limits): ContainerRates | null {
  if (prev === null) return null;
  const dtMs = cur.atMs - prev.atMs;
  if (!(dtMs > 0)) return null;
  const a = prev.counters;
  const b = cur.counters;
  if (b.cpuNs < a.cpuNs || b.rxBytes < a.rxBytes || b.txBytes < a.txBytes) return null;
  const percentOfCore = ((b.cpuNs - a.cpuNs) / (dtMs * 1e6)) * 100;
  const limitCores = limits.cpuCores;
  const used = Math.max(0, b.memoryBytes - b.inactiveFileBytes);
  const limitBytes = limits.memoryBytes ?? b.memoryLimitBytes;
  const perSec = (from: number, to: number) => round(((to - from) * 1000) / dtMs, 1);
  return {
    cpu: { percentOfCore: round(percentOfCore), limitCores, percentOfLimit: limitCores ? round(percentOfCore / limitCores) : null },
    memory: { usedBytes: used, limitBytes, percentOfLimit: limitBytes ? round((used / limitBytes) * 100) : null },
    network: { rxBytes: b.rxBytes, txBytes: b.txBytes, rxBytesPerSec: perSec(a.rxBytes, b.rxBytes), txBytesPerSec: perSec(a.txBytes, b.txBytes) },
  };
}

/** A container's CPU limit in cores from its HostConfig: NanoCpus (`--cpus`), else CpuQuota/CpuPeriod. */
export function cpuLimitCores(hostConfig: { NanoCpus?: number | null; CpuQuota?: number | null; CpuPeriod?: number | null }): number | null {
  if (hostConfig.NanoCpus) return hostConfig.NanoCpus / 1e9;
  if (hostConfig.CpuQuota && hostConfig.CpuQuota > 0) return hostConfig.CpuQuota / (hostConfig.CpuPeriod || 100_000);
  return null;
}
