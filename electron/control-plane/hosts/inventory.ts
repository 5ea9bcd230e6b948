// What a host is, read from its Docker engine (`GET /info`, `GET /version`). Docker's answers are
// validated: a field we rely on that is missing is an error that names the field, not a NaN later.
import { z } from 'zod';
import type { HostInventory } from '../../../shared/api.ts';

const DockerInfo = z.object({
  Name: z.string(),
  OperatingSystem: z.string(),
  OSType: z.string(),
  KernelVersion: z.string(),
  Architecture: z.string(),
  NCPU: z.number(),
  MemTotal: z.number(),
  ServerVersion: z.string(),
  Labels: z.array(z.string()).nullable().optional(),
});

const DockerVersion = z.object({ ApiVersion: z.string(), Version: z.string() });

export function inventoryFrom(info: unknown, version: unknown): HostInventory {
  const i = DockerInfo.safeParse(info);
  if (!i.success) {
    throw new Error(`the engine's /info answer lacks ${i.error.issues.map((x) => x.path.join('.')).join(', ')}`);
  }
  const v = DockerVersion.safeParse(version);
  if (!v.success) throw new Error(`the engine's /version answer lacks ${v.error.issues.map((x) => x.path.join('.')).join(', ')}`);
  return {
    hostname: i.data.Name,
    os: i.data.OperatingSystem,
    osType: i.data.OSType,
    kernel: i.data.KernelVersion,
    architecture: i.data.Architecture,
    cpus: i.data.NCPU,
    memoryBytes: i.data.MemTotal,
    dockerVersion: i.data.ServerVersion,
    apiVersion: v.data.ApiVersion,
    engineLabels: i.data.Labels ?? [],
  };
}
