// Baton's side of the ingress benchmark: `baton serve` in a process of its own (case (d) kills it
// with SIGKILL), driven over its local socket as the CLI does. The stack publishes 8080 through
// Baton's ingress (`baton-ingress`, HAProxy on every host), which must answer on every host's
// address and balance over all 6 replicas, wherever they run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { LabHost, LabInfo } from '../../test/lab/lab.ts';
import { connectSocket, type SocketClient } from '../../electron/server/socket-client.ts';
import { socketPathFor } from '../../electron/server/serve.ts';
import { describeLoad, type LoadResult } from '../../test/lab/load.ts';
import { engine, waitUntil, type Label } from '../heal/observe.ts';
import { HEALTH, PORT, RATE, REPLICAS, settle, steady, underLoad, untilElapsed, waitAnswering, waitInRotation, type IngressSide, type Log } from './cases.ts';

export const SERVICE = 'bench-web';
const STACK = 'bench';
const LABEL: Label = { key: 'baton.service', value: SERVICE };
export const INGRESS_IMAGE = 'baton-test/haproxy:2.6';
const ROOT = join(import.meta.dirname, '../..');

const healthcheck = `    healthcheck:
      test: ["CMD-SHELL", ${JSON.stringify(HEALTH.cmd)}]
      interval: ${HEALTH.interval}
      timeout: ${HEALTH.timeout}
      retries: ${HEALTH.retries}
`;

const stackYaml = (replicas: number) => `name: ${STACK}
services:
  ${SERVICE}:
    image: baton-test/web:1
    ports: ["${PORT}:8080"]
${healthcheck}    deploy:
      replicas: ${replicas}
`;

// For the ingress's own cost without the hop to another host: a stack of its own whose published
// port's pool is 2 replicas, both on the host asked (host 1). Up only while it is measured.
const LOCAL_STACK = 'bench-local';
const LOCAL_SERVICE = 'bench-web-local';
export const LOCAL_PORT = 8082;
const localStackYaml = (hostname: string) => `name: ${LOCAL_STACK}
services:
  ${LOCAL_SERVICE}:
    image: baton-test/web:1
    ports: ["${LOCAL_PORT}:8080"]
${healthcheck}    deploy:
      replicas: 2
      placement:
        constraints: ["node.hostname == ${hostname}"]
`;

// ---------------------------------------------------------------- baton serve

export interface Serving {
  child: ChildProcess;
  client: SocketClient;
}

export async function startServe(home: string, args: string[]): Promise<Serving> {
  const env = { ...process.env, BATON_HOME: home, HOME: home, BATON_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [join(ROOT, 'bin/baton.mjs'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baton serve did not start within 30 s: ${text.trim()}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`baton serve exited (${signal ?? `exit ${code}`}) before serving: ${text.trim()}`));
    });
  });
  child.stderr!.resume();
  return { child, client: await connectSocket(socketPathFor(home)) };
}

export async function stopServe(s: Serving, signal: NodeJS.Signals): Promise<void> {
  s.client.close();
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.kill(signal);
  await exited;
}

/** Every lab host added to the serve as root over SSH, its key pinned, under the lab's name for it. */
export async function addLabHosts(client: SocketClient, lab: LabInfo): Promise<void> {
  for (const h of lab.hosts) {
    await client.call('host.add', { target: `root@${h.address}`, name: h.name, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
}

/** The stack removed (its replicas waited out), the serve stopped, every Baton container and the state gone. */
export async function tearDown(lab: LabInfo, serving: Serving, home: string, stack: string, label: Label): Promise<void> {
  await serving.client.call('stack.remove', { name: stack }).catch(() => undefined);
  await waitUntil(lab.hosts, label, (s) => s.replicas.length === 0, 60_000, 200).catch(() => undefined);
  await stopServe(serving, 'SIGTERM');
  await removeBatonLeftovers(lab);
  rmSync(home, { recursive: true, force: true });
}

// ---------------------------------------------------------------- leftovers

const listedIds = z.array(z.object({ Id: z.string() }));

// Every container of a Baton cluster on the host (replicas, the ingress, endpoints), force-removed.
async function removeBatonContainers(host: LabHost): Promise<void> {
  const raw: unknown = await engine(host).listContainers({ all: true, filters: { label: ['baton.cluster'] } });
  await Promise.all(listedIds.parse(raw).map((c) => engine(host).getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

export async function removeBatonLeftovers(lab: LabInfo): Promise<void> {
  await Promise.all(lab.hosts.map((h) => removeBatonContainers(h).catch(() => undefined)));
}

// ---------------------------------------------------------------- the side

export interface BatonSide extends IngressSide {
  /** (d): SIGKILL to `baton serve` under load, started again later; wrk's counts. */
  killControlPlane(log: Log): Promise<ControlPlaneKillFigures>;
  /** The front door at RATE when its pool holds only 2 replicas, both on host 1 (another stack, on LOCAL_PORT). */
  measureLocalPool(log: Log): Promise<LoadResult>;
  down(): Promise<void>;
}

export interface ControlPlaneKillFigures {
  load: LoadResult;
  downS: number; // how long no control plane ran
}

const CP_KILL_S = 20;
const CP_KILL_AT_S = 3;
const CP_RESTART_AT_S = 10;

export async function batonSide(lab: LabInfo, log: Log): Promise<BatonSide> {
  await removeBatonLeftovers(lab);
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-ingress-'));
  const args = ['serve', '--ingress-image', INGRESS_IMAGE];
  let serving = await startServe(home, args);
  const call = <T>(fn: (c: SocketClient) => Promise<T>) => fn(serving.client);
  const side: BatonSide = {
    name: 'baton',
    hosts: lab.hosts,
    frontDoor: `http://${lab.hosts[0]!.address}:${PORT}/`,
    label: LABEL,
    scale: async (replicas) => {
      await call((c) => c.call('service.scale', { targets: [{ service: SERVICE, replicas }] }));
    },
    killControlPlane: async (log) => {
      await settle(side, REPLICAS);
      let downS = 0;
      const { load } = await underLoad(side.frontDoor, CP_KILL_S, RATE, async (elapsedS) => {
        await untilElapsed(elapsedS, CP_KILL_AT_S);
        const killedAt = elapsedS();
        await stopServe(serving, 'SIGKILL');
        await untilElapsed(elapsedS, CP_RESTART_AT_S);
        serving = await startServe(home, args);
        downS = elapsedS() - killedAt;
      });
      log(`baton control plane SIGKILLed, started again ${downS.toFixed(1)} s later: ${describeLoad(load)}`);
      return { load, downS };
    },
    measureLocalPool: async (log) => {
      const host = lab.hosts[0]!;
      const localLabel: Label = { key: 'baton.service', value: LOCAL_SERVICE };
      const door = `http://${host.address}:${LOCAL_PORT}/`;
      await call((c) => c.call('stack.apply', { source: localStackYaml(host.hostname), file: join(home, 'bench-local.yaml') }));
      try {
        const { snapshot } = await waitUntil(lab.hosts, localLabel, steady(2), 120_000, 100);
        const elsewhere = snapshot.replicas.filter((r) => r.host !== host.name);
        if (elsewhere.length) throw new Error(`baton: ${LOCAL_SERVICE} is constrained to ${host.hostname}, yet runs on ${elsewhere.map((r) => r.host).join(', ')}`);
        await waitAnswering([door], 60_000, `baton: ${LOCAL_STACK} publishes ${LOCAL_PORT}`);
        await waitInRotation(door, 2, 60_000);
        const { load } = await underLoad(door, 10, RATE, async () => undefined);
        log(`baton ${door} (pool: 2 replicas on ${host.name}) at ${RATE} req/s: ${describeLoad(load)}`);
        return load;
      } finally {
        await call((c) => c.call('stack.remove', { name: LOCAL_STACK })).catch(() => undefined);
        await waitUntil(lab.hosts, localLabel, (s) => s.replicas.length === 0, 60_000, 200).catch(() => undefined);
      }
    },
    down: () => tearDown(lab, serving, home, STACK, LABEL),
  };
  try {
    await addLabHosts(serving.client, lab);
    await call((c) => c.call('stack.apply', { source: stackYaml(REPLICAS), file: join(home, 'bench.yaml') }));
    await waitUntil(lab.hosts, LABEL, steady(REPLICAS), 120_000, 100);
    const doors = lab.hosts.map((h) => `http://${h.address}:${PORT}/`);
    await waitAnswering(doors, 60_000, `baton: the stack publishes ${PORT} and its ${REPLICAS} replicas are healthy, but the published port does not answer on every host (Baton's ingress, baton-ingress with ${INGRESS_IMAGE}, should serve it on each host's address)`).catch(async (e: Error) => {
      const ingress = await Promise.all(lab.hosts.map(async (h) => `${h.name}: ${(await engine(h).listContainers({ all: true, filters: { name: ['baton-ingress'] } })).map((c) => `${c.Names.join(',')} ${c.State}`).join(' ') || 'no baton-ingress container'}`));
      throw new Error(`${e.message} [${ingress.join('; ')}]`);
    });
    await settle(side, REPLICAS);
    log(`baton: ${REPLICAS} replicas of ${SERVICE}, :${PORT} answering on every host`);
    return side;
  } catch (e) {
    await side.down();
    throw e;
  }
}
