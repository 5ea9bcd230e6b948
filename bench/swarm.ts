// A Docker Swarm of the lab's hosts, for the benchmarks whose peer is Swarm (heal, ingress): the
// docker CLI on a host, a swarm of every host as a manager, its nodes as `docker node ls` lists
// them, and a teardown that leaves the engines as Baton wants them (in no swarm, no task left).
//
// All hosts join as managers: with 3 managers the swarm keeps its quorum when one host is lost.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { dockerCli, killHost, reviveHost, type LabHost, type LabInfo } from '../test/lab/lab.ts';
import { engine } from './heal/observe.ts';

// ---------------------------------------------------------------- docker CLI

export async function cli(host: LabHost, args: string[]): Promise<string> {
  const r = await dockerCli(host, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} on ${host.name} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout.trim();
}

export async function quietly(host: LabHost, args: string[]): Promise<void> {
  await dockerCli(host, args).catch(() => undefined);
}

// ---------------------------------------------------------------- nodes

export interface NodeRow {
  hostname: string;
  status: string; // Ready, Down, Unknown
  manager: string; // Leader, Reachable, Unreachable, '' for a worker
}

export async function nodes(via: LabHost): Promise<NodeRow[]> {
  const out = await cli(via, ['node', 'ls', '--format', '{{.Hostname}}\t{{.Status}}\t{{.ManagerStatus}}']);
  return out.split('\n').filter(Boolean).map((line) => {
    const [hostname = '', status = '', manager = ''] = line.split('\t');
    return { hostname, status, manager };
  });
}

export function allHealthy(rows: NodeRow[], count: number): boolean {
  const ok = rows.filter((r) => r.status === 'Ready' && (r.manager === 'Leader' || r.manager === 'Reachable'));
  return rows.length === count && ok.length === count;
}

// A `node ls` slower than this is waiting for a leader (it answers in tens of ms otherwise).
const SLOW_NODE_LS_MS = 1000;

// Polls `docker node ls` on `via` until the rows satisfy `done`; ms from the call. stalledMs: time
// spent in polls that failed or hung, i.e. while the swarm had no leader: a manager then either
// answers "the swarm does not have a leader" or holds the request until there is one.
export async function waitNodes(via: LabHost, done: (rows: NodeRow[]) => boolean, timeoutMs: number, what: string): Promise<{ ms: number; stalledMs: number }> {
  const start = performance.now();
  let last: NodeRow[] | string = [];
  let stalledMs = 0;
  while (performance.now() - start < timeoutMs) {
    const polled = performance.now();
    const answer = await nodes(via).catch((e: Error) => e.message);
    const took = performance.now() - polled;
    if (typeof answer === 'string' || took > SLOW_NODE_LS_MS) stalledMs += took;
    last = answer;
    if (typeof answer !== 'string' && done(answer)) return { ms: performance.now() - start, stalledMs };
    await sleep(100);
    if (typeof answer === 'string') stalledMs += 100;
  }
  throw new Error(`swarm: ${what} not reached within ${timeoutMs} ms; last node ls on ${via.name}: ${JSON.stringify(last)}`);
}

export async function leaderOf(lab: LabInfo, via: LabHost): Promise<LabHost> {
  const leader = (await nodes(via)).find((r) => r.manager === 'Leader');
  const host = lab.hosts.find((h) => h.hostname === leader?.hostname);
  if (!host) throw new Error(`swarm: no leader in node ls on ${via.name}`);
  return host;
}

// ---------------------------------------------------------------- up and down

// A fresh swarm of every host as a manager: any old swarm left first, host 1 inits, the others join.
export async function swarmUp(lab: LabInfo): Promise<void> {
  const [first, ...others] = lab.hosts;
  if (!first) throw new Error('swarm: the lab has no Docker hosts');
  await Promise.all(lab.hosts.map((h) => quietly(h, ['swarm', 'leave', '--force'])));
  await cli(first, ['swarm', 'init', '--advertise-addr', first.address, '--listen-addr', `${first.address}:2377`]);
  const token = await cli(first, ['swarm', 'join-token', '-q', 'manager']);
  for (const h of others) {
    // one at a time: each join changes the raft membership
    await cli(h, ['swarm', 'join', '--token', token, '--advertise-addr', h.address, '--listen-addr', `${h.address}:2377`, `${first.address}:2377`]);
  }
  await waitNodes(first, (rows) => allHealthy(rows, lab.hosts.length), 30_000, `${lab.hosts.length} Ready managers`);
}

/**
 * A fresh swarm for a benchmark whose services need overlay networks and service DNS: the named
 * services and any old swarm gone, the engines started again (see restartEngines), every host a
 * manager. The engines' version.
 */
export async function freshSwarm(lab: LabInfo, services: string[]): Promise<string> {
  await swarmDown(lab, services);
  await restartEngines(lab);
  await swarmUp(lab);
  return cli(lab.hosts[0]!, ['version', '--format', '{{.Server.Version}}']);
}

const listedIds = z.array(z.object({ Id: z.string() }));

// Force-removes every container of a swarm task on the host (any service): what `swarm leave`
// leaves behind, and removal without waiting out each task's stop grace period.
export async function removeTaskContainers(host: LabHost): Promise<void> {
  const raw: unknown = await engine(host).listContainers({ all: true, filters: { label: ['com.docker.swarm.task.id'] } });
  await Promise.all(listedIds.parse(raw).map((c) => engine(host).getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

// Removes the named services, leaves the swarm on every host and removes what is left of its
// tasks and networks; never throws.
export async function swarmDown(lab: LabInfo, services: string[] = []): Promise<void> {
  const first = lab.hosts[0];
  if (first) for (const s of services) await quietly(first, ['service', 'rm', s]);
  await Promise.all(lab.hosts.map((h) => quietly(h, ['swarm', 'leave', '--force'])));
  await Promise.all(lab.hosts.map((h) => removeTaskContainers(h).catch(() => undefined)));
  await Promise.all(lab.hosts.map((h) => quietly(h, ['network', 'rm', 'docker_gwbridge'])));
}

// Every host's processes killed and started again (the lab's kill-host / revive-host), after
// swarmDown: a swarm whose overlay networks and service DNS must work needs engines that have not
// been in a swarm since they started. After `swarm leave` an engine keeps its gossip port (7946)
// bound, and the next swarm's network agent then fails to start on it ("failed to create
// memberlist … Failed to start TCP listener"): tasks run, but no node learns of the others'.
export async function restartEngines(lab: LabInfo): Promise<void> {
  for (const h of lab.hosts) {
    await killHost(h.name, 'process');
    await reviveHost(h.name);
  }
}
