// The one observer of the healing benchmark: both Baton and its peer (Docker Swarm) are timed by
// polling every host's engine for the containers that carry one label, so the two figures
// measure the same thing the same way.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { z } from 'zod';
import type { LabHost } from '../../test/lab/lab.ts';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface Replica {
  id: string;
  host: string; // LabHost.name
  image: string; // as the engine lists it (the reference it was created from)
  running: boolean;
  health: Health; // 'none': the container has no health check
}

export interface ReplicaSnapshot {
  replicas: Replica[];
  unreachable: string[]; // hosts whose engine did not answer this round (their replicas are missing)
}

export interface Label {
  key: string;
  value: string;
}

// A replica counts as available when it runs and passes its health check, or has none.
export function isAvailable(r: Replica): boolean {
  return r.running && (r.health === 'healthy' || r.health === 'none');
}

export function availableReplicas(s: ReplicaSnapshot): Replica[] {
  return s.replicas.filter(isAvailable);
}

// Available replicas (running and healthy, or running without a health check).
export function healthyCount(s: ReplicaSnapshot): number {
  return availableReplicas(s).length;
}

export function runningCount(s: ReplicaSnapshot): number {
  return s.replicas.filter((r) => r.running).length;
}

// Timeout per engine request: a host whose link is down must not stall a poll for long.
const REQUEST_TIMEOUT_MS = 2000;
const clients = new Map<string, Docker>();

// The engine client of a lab host, one per socket for the whole process.
export function engine(host: LabHost): Docker {
  let client = clients.get(host.dockerSocket);
  if (!client) {
    client = new Docker({ socketPath: host.dockerSocket, timeout: REQUEST_TIMEOUT_MS });
    clients.set(host.dockerSocket, client);
  }
  return client;
}

const listedSchema = z.array(
  z.object({
    Id: z.string(),
    Image: z.string(),
    State: z.string(),
    Status: z.string(),
    Health: z.object({ Status: z.string() }).optional(), // engines with API ≥ 1.52 only
  }),
);
type Listed = z.infer<typeof listedSchema>[number];

// Engines before API 1.52 give health only in the status text: "Up 3 seconds (health: starting)".
function healthOf(c: Listed): Health {
  const text = c.Health?.Status ?? c.Status;
  if (/\bunhealthy\b/.test(text)) return 'unhealthy';
  if (/\bstarting\b/.test(text)) return 'starting';
  if (/\bhealthy\b/.test(text)) return 'healthy';
  return 'none';
}

async function listOn(host: LabHost, label: Label): Promise<Replica[]> {
  const raw: unknown = await engine(host).listContainers({ all: true, filters: { label: [`${label.key}=${label.value}`] } });
  const listed = listedSchema.parse(raw);
  return listed.map((c) => ({ id: c.Id, host: host.name, image: c.Image, running: c.State === 'running', health: healthOf(c) }));
}

// Every container with that label on the given hosts, all hosts asked at once.
export async function observeReplicas(hosts: LabHost[], label: Label): Promise<ReplicaSnapshot> {
  const answers = await Promise.allSettled(hosts.map((h) => listOn(h, label)));
  const snapshot: ReplicaSnapshot = { replicas: [], unreachable: [] };
  answers.forEach((a, i) => {
    if (a.status === 'fulfilled') snapshot.replicas.push(...a.value);
    else snapshot.unreachable.push(hosts[i]!.name);
  });
  return snapshot;
}

export function describeSnapshot(s: ReplicaSnapshot): string {
  const unreachable = s.unreachable.length ? `, unreachable: ${s.unreachable.join(' ')}` : '';
  return `${s.replicas.length} containers, ${runningCount(s)} running, ${healthyCount(s)} available${unreachable}`;
}

// A predicate for "healed after killing `killedId`": `want` replicas available, counted only once
// the killed container has been seen down. So a replacement (new id) and a restart in place (same
// id, running again) both count, and the killed container's last moments never do. Stateful:
// make a new one per kill.
export function healedAfterKill(killedId: string, want: number): (s: ReplicaSnapshot) => boolean {
  let seenDown = false;
  return (s) => {
    const killed = s.replicas.find((r) => r.id === killedId);
    if (!killed || !isAvailable(killed)) seenDown = true;
    return seenDown && healthyCount(s) === want;
  };
}

// Polls until the predicate holds; ms is counted from this call. Throws after timeoutMs.
export async function waitUntil(
  hosts: LabHost[],
  label: Label,
  predicate: (s: ReplicaSnapshot) => boolean,
  timeoutMs: number,
  pollMs = 50,
): Promise<{ ms: number; snapshot: ReplicaSnapshot }> {
  const start = performance.now();
  for (;;) {
    const snapshot = await observeReplicas(hosts, label);
    const ms = performance.now() - start;
    if (predicate(snapshot)) return { ms, snapshot };
    if (ms >= timeoutMs) {
      throw new Error(`waited ${Math.round(ms)} ms for ${label.key}=${label.value} replicas, in vain; last seen: ${describeSnapshot(snapshot)}`);
    }
    await sleep(pollMs);
  }
}
