// Baton's side of the healing benchmark: the same service (baton-test/web:1, the same health
// check), the same three measurements and the same observer as the Swarm side (swarm.ts), with
// Baton's control plane running in this process against the lab hosts over SSH; then Baton's
// alone, (d): a host busy at 100 % CPU for a minute is not taken for lost (busy-host.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { killHost, reviveHost, type LabHost, type LabInfo } from '../../test/lab/lab.ts';
import { IN_PROCESS } from '../../electron/control-plane/api/caller.ts';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import { percentile } from '../stats.ts';
import { measureBusyHost, type BusyHostFigures } from './busy-host.ts';
import { availableReplicas, engine, healedAfterKill, healthyCount, observeReplicas, runningCount, waitUntil, type Label, type ReplicaSnapshot } from './observe.ts';

export const SERVICE = 'bench-web';
export const BATON_LABEL: Label = { key: 'baton.service', value: SERVICE };

export interface BatonFigures {
  kill: { samplesMs: number[]; p50Ms: number; p95Ms: number; replaced: number; restartedInPlace: number };
  hostLoss: { host: string; lostReplicas: number; recoveredMs: number; surplusRemovedMs: number };
  scale: { upMs: number; downStoppedMs: number; downGoneMs: number };
  busyHost: BusyHostFigures;
}

const stackYaml = (replicas: number) => `name: bench
services:
  ${SERVICE}:
    image: baton-test/web:1
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    deploy:
      replicas: ${replicas}
`;

async function must<T>(answer: Promise<{ result: T } | { error: { message: string } }>): Promise<T> {
  const a = await answer;
  if ('error' in a) throw new Error(a.error.message);
  return a.result;
}

const steady = (n: number) => (s: ReplicaSnapshot) => runningCount(s) === n && healthyCount(s) === n;

export async function measureBaton(lab: LabInfo, log: (line: string) => void = () => undefined): Promise<BatonFigures> {
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-heal-'));
  const plane = await ControlPlane.start({ home, userHome: home, logger: silentLogger() });
  const file = join(home, 'bench.yaml');
  const apply = async (replicas: number) => {
    writeFileSync(file, stackYaml(replicas));
    await must(plane.dispatch('stack.apply', { source: stackYaml(replicas), file }, IN_PROCESS));
  };
  const scale = (replicas: number) => must(plane.dispatch('service.scale', { targets: [{ service: SERVICE, replicas }] }, IN_PROCESS));
  try {
    for (const [i, h] of lab.hosts.entries()) {
      await must(plane.dispatch('host.add', { target: `root@${h.address}`, name: h.name, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint }, IN_PROCESS));
      void i;
    }

    // (a) docker kill of one of 3 replicas, 10 trials, round-robin over the hosts
    await apply(3);
    await waitUntil(lab.hosts, BATON_LABEL, steady(3), 60_000, 100);
    const kill: BatonFigures['kill'] = { samplesMs: [], p50Ms: NaN, p95Ms: NaN, replaced: 0, restartedInPlace: 0 };
    for (let trial = 0; trial < 10; trial++) {
      const before = (await waitUntil(lab.hosts, BATON_LABEL, steady(3), 60_000, 100)).snapshot;
      const host = lab.hosts[trial % lab.hosts.length]!;
      const victim = availableReplicas(before).find((r) => r.host === host.name) ?? availableReplicas(before)[0]!;
      const victimHost: LabHost = lab.hosts.find((h) => h.name === victim.host)!;
      const start = performance.now();
      await engine(victimHost).getContainer(victim.id).kill();
      const { snapshot } = await waitUntil(lab.hosts, BATON_LABEL, healedAfterKill(victim.id, 3), 60_000);
      kill.samplesMs.push(performance.now() - start);
      if (availableReplicas(snapshot).some((r) => r.id === victim.id)) kill.restartedInPlace++;
      else kill.replaced++;
    }
    kill.p50Ms = percentile(kill.samplesMs, 50);
    kill.p95Ms = percentile(kill.samplesMs, 95);
    log(`baton kill: p50 ${kill.p50Ms.toFixed(0)} ms`);

    // (b) a host's link lost with 6 replicas spread over 3 hosts
    await scale(6);
    const before = (await waitUntil(lab.hosts, BATON_LABEL, steady(6), 60_000, 100)).snapshot;
    const lost = lab.hosts[lab.hosts.length - 1]!;
    const rest = lab.hosts.filter((h) => h !== lost);
    const lostReplicas = before.replicas.filter((r) => r.host === lost.name && r.running).length;
    const t0 = performance.now();
    await killHost(lost.name, 'link');
    let recoveredMs: number;
    try {
      await waitUntil(rest, BATON_LABEL, (s) => healthyCount(s) === 6, 120_000);
      recoveredMs = performance.now() - t0;
    } finally {
      await reviveHost(lost.name);
    }
    const t1 = performance.now();
    await waitUntil(lab.hosts, BATON_LABEL, (s) => s.replicas.length === 6 && healthyCount(s) === 6, 120_000, 100);
    const surplusRemovedMs = performance.now() - t1;
    log(`baton host loss: recovered in ${recoveredMs.toFixed(0)} ms`);

    // (c) scale 1 → 30 → 1
    await scale(1);
    await waitUntil(lab.hosts, BATON_LABEL, (s) => s.replicas.length === 1 && steady(1)(s), 120_000, 100);
    const up0 = performance.now();
    await scale(30);
    const up = await waitUntil(lab.hosts, BATON_LABEL, steady(30), 120_000);
    const upMs = performance.now() - up0;
    const scaledIds = new Set(availableReplicas(up.snapshot).map((r) => r.id));
    const down0 = performance.now();
    await scale(1);
    const [downStoppedMs, downGoneMs] = await Promise.all([
      waitUntil(lab.hosts, BATON_LABEL, steady(1), 120_000).then(() => performance.now() - down0),
      waitUntil(lab.hosts, BATON_LABEL, (s) => s.replicas.filter((r) => scaledIds.has(r.id)).length === 1, 120_000).then(() => performance.now() - down0),
    ]);
    log(`baton scale: 1→30 in ${upMs.toFixed(0)} ms`);

    // (d) a host busy at 100 % CPU for a minute, 6 replicas on the 3 hosts: nothing is to move
    await scale(6);
    await waitUntil(lab.hosts, BATON_LABEL, (s) => s.replicas.length === 6 && steady(6)(s), 120_000, 100);
    const busyHost = await measureBusyHost(plane, lab, BATON_LABEL, 60_000, log);
    return { kill, hostLoss: { host: lost.name, lostReplicas, recoveredMs, surplusRemovedMs }, scale: { upMs, downStoppedMs, downGoneMs }, busyHost };
  } finally {
    await plane.dispatch('stack.remove', { name: 'bench' }, IN_PROCESS);
    await waitUntil(lab.hosts, BATON_LABEL, (s) => s.replicas.length === 0, 60_000, 200).catch(() => undefined);
    await plane.stop();
    await Promise.all(lab.hosts.map(async (h) => (await observeReplicas([h], BATON_LABEL)).replicas.map((r) => engine(h).getContainer(r.id).remove({ force: true }).catch(() => undefined))));
  }
}
