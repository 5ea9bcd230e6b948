// `npm run bench -- heal`: on 3 lab hosts, Baton beside Docker Swarm doing the same, in the same
// run: (a) docker kill of a replica → available again, (b) a host lost → all its replicas
// available elsewhere, (c) scale 1 → 30 → 1; and Baton's alone, (d) a host busy at 100 % CPU for
// a minute: no false alarm (no host declared unreachable, no replica moved).
import { labUp } from '../test/lab/lab.ts';
import { measureBaton } from './heal/baton.ts';
import type { BusyHostFigures } from './heal/busy-host.ts';
import { formatSwarmFigures, measureSwarm } from './heal/swarm.ts';
import { swarmDown } from './swarm.ts';
import { markdownTable, ratio } from './stats.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function busyHostText(b: BusyHostFigures): string {
  const alarms = b.hostUnreachable + b.movedOffLostHost;
  return [
    `(d) ${b.host} busy for ${s(b.busyMs)} (${b.burners} busy loops, ${b.burnCpuPercent} % CPU over the minute, 100 % = one core; its engine's ping p50 ${b.pingP50Ms} ms, max ${b.pingMaxMs} ms, idle p50 ${b.idlePingP50Ms} ms; load average ${b.loadAverage}):`,
    `    ${b.hostUnreachable} host.unreachable, ${b.movedOffLostHost} replicas moved off a lost host, ${b.replicasStarted} started and ${b.replicasRemoved} removed in all, ${b.replicasUnhealthy} unhealthy; its replicas ${b.sameReplicasOnHost ? 'are the same' : 'changed'}: ${alarms === 0 ? 'no false alarm' : 'FALSE ALARM'}`,
    ...(b.events.length > 0 ? [`    events: ${b.events.join('; ')}`] : []),
  ].join('\n');
}

export async function benchHeal(): Promise<string> {
  const lab = await labUp();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  await swarmDown(lab); // Baton runs on engines that are not in a swarm
  const baton = await measureBaton(lab, log);
  const swarm = await measureSwarm(lab, log);
  const [swarmDefault, swarmZero] = swarm.byRestartDelay;
  const rows = [
    ['(a) docker kill 1 of 3 → 3 available, p50', s(baton.kill.p50Ms), s(swarmDefault!.kill.p50Ms), ratio(swarmDefault!.kill.p50Ms, baton.kill.p50Ms), s(swarmZero!.kill.p50Ms), ratio(swarmZero!.kill.p50Ms, baton.kill.p50Ms)],
    ['(a) docker kill, p95', s(baton.kill.p95Ms), s(swarmDefault!.kill.p95Ms), ratio(swarmDefault!.kill.p95Ms, baton.kill.p95Ms), s(swarmZero!.kill.p95Ms), ratio(swarmZero!.kill.p95Ms, baton.kill.p95Ms)],
    ['(b) host link lost → 6 available on the others', s(baton.hostLoss.recoveredMs), s(swarmDefault!.hostLoss.recoveredMs), ratio(swarmDefault!.hostLoss.recoveredMs, baton.hostLoss.recoveredMs), s(swarmZero!.hostLoss.recoveredMs), ratio(swarmZero!.hostLoss.recoveredMs, baton.hostLoss.recoveredMs)],
    ['(c) scale 1 → 30 available', s(baton.scale.upMs), s(swarm.scale.upMs), ratio(swarm.scale.upMs, baton.scale.upMs), '', ''],
    ['(c) scale 30 → 1 running', s(baton.scale.downStoppedMs), s(swarm.scale.downStoppedMs), ratio(swarm.scale.downStoppedMs, baton.scale.downStoppedMs), '', ''],
    ['(c) scale 30 → 1, 29 containers removed', s(baton.scale.downGoneMs), s(swarm.scale.downGoneMs), ratio(swarm.scale.downGoneMs, baton.scale.downGoneMs), '', ''],
  ];
  return [
    `heal: Baton vs Docker Swarm ${swarm.engineVersion} (3 managers) on the same 3 lab hosts, same service and health check (500 ms interval), same observer`,
    markdownTable(['measure', 'baton', 'swarm (default 5 s restart delay)', 'swarm/baton', 'swarm (restart delay 0 s)', 'swarm 0s/baton'], rows),
    `baton kill samples: ${baton.kill.samplesMs.map((m) => (m / 1000).toFixed(2)).join(' ')} (${baton.kill.restartedInPlace} restarted in place, ${baton.kill.replaced} replaced)`,
    `baton host loss: ${baton.hostLoss.host} with ${baton.hostLoss.lostReplicas} replicas; after its return the surplus was gone in ${s(baton.hostLoss.surplusRemovedMs)}`,
    busyHostText(baton.busyHost),
    '',
    formatSwarmFigures(swarm),
  ].join('\n');
}
