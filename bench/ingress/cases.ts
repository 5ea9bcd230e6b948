// The measurements of the ingress benchmark, the same for Baton and its peer: each side gives its
// front door (a published port on one host), its replicas' label, a way to scale; this module puts
// the load on (test/lab/load.ts: wrk, every failure counted), acts while it runs, and counts.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { LabHost } from '../../test/lab/lab.ts';
import { describeLoad, startLoad, type LoadOptions, type LoadResult } from '../../test/lab/load.ts';
import { availableReplicas, engine, healthyCount, runningCount, waitUntil, type Label, type ReplicaSnapshot } from '../heal/observe.ts';

export const REPLICAS = 6; // 2 per host on 3 hosts
export const PORT = 8080; // the published port, on every host
export const CONTAINER_PORT = 8080; // baton-test/web's

// The steady load: 16 connections over 2 threads (the machine has 2 cores), 2 s timeout. The
// cases that count failures run at a fixed rate well under what one replica answers, so that a
// failure means a request lost, not a queue overflowing; the cost case also runs flat out.
export const LOAD = { connections: 16, threads: 2, timeoutS: 2 } as const;
export const RATE = 1000; // requests/s

// The web service's health check, the same on both sides: every 500 ms, and unhealthy only after 3
// checks in a row failed or took over 5 s. Flat out, wrk, the balancer and busybox's forking httpd
// share 2 cores, and a check (an exec in the container) can take seconds; with 1 retry and 2 s, one
// slow check got a replica replaced mid-run, and the direct baseline then hammered a closed port.
export const HEALTH = { cmd: 'wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1', interval: '500ms', timeout: '5s', retries: 3 } as const; // busybox wget -T segfaults

export interface IngressSide {
  name: string;
  hosts: LabHost[];
  frontDoor: string; // http://<host 1>:8080/
  label: Label; // on every replica container
  scale(replicas: number): Promise<void>;
}

export type Log = (line: string) => void;

// ---------------------------------------------------------------- waiting

export const steady = (n: number) => (s: ReplicaSnapshot) => runningCount(s) === n && healthyCount(s) === n;

async function get(url: string, timeoutMs = 2000): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (e as Error).message };
  }
}

/** Until every URL answers 200; the error names the ones that did not and what they answered. */
export async function waitAnswering(urls: string[], timeoutMs: number, what: string): Promise<void> {
  const start = performance.now();
  let last: string[] = [];
  while (performance.now() - start < timeoutMs) {
    const answers = await Promise.all(urls.map((u) => get(u)));
    last = answers.flatMap((a, i) => ('status' in a && a.status === 200 ? [] : [`${urls[i]} → ${'status' in a ? `HTTP ${a.status}` : a.error}`]));
    if (last.length === 0) return;
    await sleep(250);
  }
  throw new Error(`${what}: no answer within ${Math.round(timeoutMs / 1000)} s from ${last.join('; ')}`);
}

// baton-test/web answers `/` with "… hostname=<container hostname>".
const hostnameIn = (body: string) => /hostname=(\S+)/.exec(body)?.[1];

/**
 * Until `n` different replicas answer through `url` within 4n requests in a row: the balancer
 * has all of them in rotation (both sides balance round-robin).
 */
export async function waitInRotation(url: string, n: number, timeoutMs: number): Promise<void> {
  const start = performance.now();
  let seen = new Set<string>();
  while (performance.now() - start < timeoutMs) {
    seen = new Set();
    for (let i = 0; i < 4 * n && seen.size < n; i++) {
      const a = await get(url);
      const name = 'status' in a && a.status === 200 ? hostnameIn(a.body) : undefined;
      if (name) seen.add(name);
    }
    if (seen.size === n) return;
    await sleep(250);
  }
  throw new Error(`${url}: ${seen.size} of ${n} replicas in rotation after ${Math.round(timeoutMs / 1000)} s`);
}

/** Replicas steady at n, and all n answering through the front door. */
export async function settle(side: IngressSide, n: number, door = side.frontDoor): Promise<void> {
  await waitUntil(side.hosts, side.label, steady(n), 120_000, 100);
  await waitInRotation(door, n, 60_000);
}

// ---------------------------------------------------------------- direct

const portsSchema = z.object({
  NetworkSettings: z.object({ Ports: z.record(z.string(), z.array(z.object({ HostIp: z.string(), HostPort: z.string() })).nullable()).nullable() }),
});

/** http://host:port/ of an available replica on `host`, by the host port its container port is published on; and its container's id. */
export async function replicaHostUrl(side: IngressSide, host: LabHost): Promise<{ url: string; id: string }> {
  const { snapshot } = await waitUntil([host], side.label, (s) => availableReplicas(s).length > 0, 30_000, 100);
  const replica = availableReplicas(snapshot)[0]!;
  const inspected = portsSchema.parse(await engine(host).getContainer(replica.id).inspect());
  const binding = inspected.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
  if (!binding) throw new Error(`${side.name}: replica ${replica.id.slice(0, 12)} on ${host.name} publishes no host port for ${CONTAINER_PORT}/tcp`);
  return { url: `http://${host.address}:${binding.HostPort}/`, id: replica.id };
}

// ---------------------------------------------------------------- under load

/**
 * Puts the load on `url` for durationS and runs `act` meanwhile (given the seconds since the load
 * began, to time its steps); resolves with wrk's counts once both are done.
 */
export async function underLoad<T>(url: string, durationS: number, rate: number | undefined, act: (elapsedS: () => number) => Promise<T>): Promise<{ load: LoadResult; acted: T }> {
  const options: LoadOptions = { url, durationS, rate, ...LOAD };
  const running = startLoad(options);
  try {
    const acted = await act(() => running.elapsedS());
    return { load: await running.result, acted };
  } catch (e) {
    running.abort();
    await running.result.catch(() => undefined);
    throw e;
  }
}

export async function untilElapsed(elapsedS: () => number, s: number): Promise<void> {
  const wait = s - elapsedS();
  if (wait > 0) await sleep(wait * 1000);
}

// ---------------------------------------------------------------- (a) the cost of the ingress

export interface CostFigures {
  directUrl: string;
  /** null when the replica measured straight ran, the same container, through both direct runs; else what happened to it. */
  directReplaced: string | null;
  frontDoorPaced: LoadResult;
  directPaced: LoadResult;
  frontDoorMax: LoadResult;
  directMax: LoadResult;
}

const COST_S = 10;

const startedAtSchema = z.object({ State: z.object({ Running: z.boolean(), StartedAt: z.string() }), RestartCount: z.number() });

/** What became of a replica since `before` (its inspect then): null if it still runs, never restarted. */
async function replicaChange(host: LabHost, id: string, before: z.infer<typeof startedAtSchema>): Promise<string | null> {
  const now = await engine(host).getContainer(id).inspect().then((i: unknown) => startedAtSchema.parse(i), () => null);
  if (!now) return `replica ${id.slice(0, 12)} on ${host.name} is gone`;
  if (!now.State.Running) return `replica ${id.slice(0, 12)} on ${host.name} no longer runs`;
  if (now.State.StartedAt !== before.State.StartedAt || now.RestartCount !== before.RestartCount) return `replica ${id.slice(0, 12)} on ${host.name} was restarted`;
  return null;
}

export async function measureCost(side: IngressSide, log: Log): Promise<CostFigures> {
  const host = side.hosts[0]!;
  const { url: directUrl, id } = await replicaHostUrl(side, host);
  const before = startedAtSchema.parse(await engine(host).getContainer(id).inspect());
  let directReplaced: string | null = null;
  const run = async (url: string, rate: number | undefined) => {
    const { load } = await underLoad(url, COST_S, rate, async () => undefined);
    log(`${side.name} ${url} ${rate ? `at ${rate} req/s` : 'flat out'}: ${describeLoad(load)}`);
    if (url === directUrl && !directReplaced) {
      directReplaced = await replicaChange(host, id, before);
      if (directReplaced) log(`${side.name}: ${directReplaced} during the run straight to it: that baseline is not one`);
    }
    return load;
  };
  const frontDoorPaced = await run(side.frontDoor, RATE);
  const directPaced = await run(directUrl, RATE);
  const frontDoorMax = await run(side.frontDoor, undefined);
  const directMax = await run(directUrl, undefined);
  return { directUrl, directReplaced, frontDoorPaced, directPaced, frontDoorMax, directMax };
}

// ---------------------------------------------------------------- (b) docker kill of a replica

export interface KillRun {
  host: string;
  load: LoadResult;
}

const KILL_S = 10;
const KILL_AT_S = 3;

/** One kill per host, each under its own load run; the replicas settle again in between. */
export async function measureKill(side: IngressSide, log: Log, door = side.frontDoor): Promise<KillRun[]> {
  const runs: KillRun[] = [];
  for (const host of side.hosts) {
    await settle(side, REPLICAS, door);
    const { load } = await underLoad(door, KILL_S, RATE, async (elapsedS) => {
      await untilElapsed(elapsedS, KILL_AT_S);
      const { snapshot } = await waitUntil([host], side.label, (s) => availableReplicas(s).length > 0, 5_000, 50);
      await engine(host).getContainer(availableReplicas(snapshot)[0]!.id).kill();
    });
    log(`${side.name} ${door} docker kill on ${host.name}: ${describeLoad(load)}`);
    runs.push({ host: host.name, load });
  }
  await settle(side, REPLICAS, door);
  return runs;
}

// ---------------------------------------------------------------- (c) scale 6 → 2 → 6

export interface ScaleFigures {
  load: LoadResult;
  downS: number; // scale to 2 → 2 running, all available
  upS: number; // scale to 6 → 6 running, all available
}

const SCALE_S = 30;
const SCALE_AT_S = 3;

export async function measureScale(side: IngressSide, log: Log, door = side.frontDoor): Promise<ScaleFigures> {
  await settle(side, REPLICAS, door);
  const { load, acted } = await underLoad(door, SCALE_S, RATE, async (elapsedS) => {
    await untilElapsed(elapsedS, SCALE_AT_S);
    const down0 = performance.now();
    await side.scale(2);
    await waitUntil(side.hosts, side.label, steady(2), 60_000, 100);
    const downS = (performance.now() - down0) / 1000;
    const up0 = performance.now();
    await side.scale(REPLICAS);
    await waitUntil(side.hosts, side.label, steady(REPLICAS), 60_000, 100);
    const upS = (performance.now() - up0) / 1000;
    if (elapsedS() > SCALE_S - 3) throw new Error(`${side.name}: scale 6 → 2 → 6 took until ${elapsedS().toFixed(1)} s of a ${SCALE_S} s load: too late to see the new replicas serve`);
    return { downS, upS };
  });
  log(`${side.name} ${door} scale 6 → 2 (${acted.downS.toFixed(1)} s) → 6 (${acted.upS.toFixed(1)} s): ${describeLoad(load)}`);
  await settle(side, REPLICAS, door);
  return { load, ...acted };
}
