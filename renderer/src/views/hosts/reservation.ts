// How full a host is: what its replicas reserve (deploy.resources.reservations) against what the
// engine reports it has. The scheduler places by reservations, so this is what decides where
// the next replica can go.
import type { Host, HostUsage } from '../../../../shared/api.ts';
import { formatBytes } from './format.ts';

export interface ReservedAmount {
  reserved: number;
  /** null when the host's inventory is not known yet. */
  capacity: number | null;
  /** reserved / capacity, in percent (may exceed 100); null without a capacity. */
  percent: number | null;
  /** "1.5 of 4 CPUs", "512 MiB of 16 GiB". */
  text: string;
}

export interface HostReservation {
  replicas: number;
  cpu: ReservedAmount;
  memory: ReservedAmount;
}

const NANO = 1e9;

/** 1.5 → "1.5", 0.25 → "0.25", 2 → "2". */
export function formatCpus(cpus: number): string {
  return String(Math.round(cpus * 100) / 100);
}

function reservedBytes(bytes: number): string {
  return bytes === 0 ? '0' : formatBytes(bytes);
}

function percentOf(reserved: number, capacity: number | null): number | null {
  if (capacity === null || capacity <= 0) return null;
  return (reserved / capacity) * 100;
}

export function hostReservation(host: Host, usage: HostUsage | null | undefined): HostReservation {
  const cpus = (usage?.nanoCpusReserved ?? 0) / NANO;
  const cpuCapacity = host.inventory?.cpus ?? null;
  const memory = usage?.memoryBytesReserved ?? 0;
  const memoryCapacity = host.inventory?.memoryBytes ?? null;
  return {
    replicas: usage?.replicas ?? 0,
    cpu: {
      reserved: cpus,
      capacity: cpuCapacity,
      percent: percentOf(cpus, cpuCapacity),
      text: cpuCapacity === null ? `${formatCpus(cpus)} CPUs reserved` : `${formatCpus(cpus)} of ${cpuCapacity} CPU${cpuCapacity === 1 ? '' : 's'}`,
    },
    memory: {
      reserved: memory,
      capacity: memoryCapacity,
      percent: percentOf(memory, memoryCapacity),
      text: memoryCapacity === null ? `${reservedBytes(memory)} reserved` : `${reservedBytes(memory)} of ${formatBytes(memoryCapacity)}`,
    },
  };
}
