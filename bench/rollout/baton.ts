// Baton's side of the rollout benchmark: `baton serve` in a process of its own, driven over its
// local socket as the CLI does; the stack publishes 8080 through Baton's ingress on every host.
// The moves are what `baton apply` (a changed image), `baton rollout undo` and `baton host drain`
// send.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInfo } from '../../test/lab/lab.ts';
import type { SocketClient } from '../../electron/server/socket-client.ts';
import { waitUntil, type Label } from '../heal/observe.ts';
import { INGRESS_IMAGE, addLabHosts, removeBatonLeftovers, startServe, tearDown } from '../ingress/baton.ts';
import { HEALTH, PORT, settle, steady, waitAnswering, type Log } from '../ingress/cases.ts';
import { POLICY, REPLICAS, V1, type RolloutSide } from './cases.ts';

const STACK = 'bench-roll';
const SERVICE = 'bench-web';
const LABEL: Label = { key: 'baton.service', value: SERVICE };

const policy = (key: 'update_config' | 'rollback_config') => `      ${key}:
        parallelism: ${POLICY.parallelism}
        delay: ${POLICY.delay}
        order: ${POLICY.order}
        monitor: ${POLICY.monitor}
        failure_action: ${key === 'update_config' ? POLICY.failureAction : 'pause'}
`;

const stackYaml = (image: string) => `name: ${STACK}
services:
  ${SERVICE}:
    image: ${image}
    ports: ["${PORT}:8080"]
    healthcheck:
      test: ["CMD-SHELL", ${JSON.stringify(HEALTH.cmd)}]
      interval: ${HEALTH.interval}
      timeout: ${HEALTH.timeout}
      retries: ${HEALTH.retries}
    stop_grace_period: 2s
    deploy:
      replicas: ${REPLICAS}
${policy('update_config')}${policy('rollback_config')}`;

export interface BatonRolloutSide extends RolloutSide {
  down(): Promise<void>;
}

export async function batonRolloutSide(lab: LabInfo, log: Log): Promise<BatonRolloutSide> {
  await removeBatonLeftovers(lab);
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-rollout-'));
  const serving = await startServe(home, ['serve', '--ingress-image', INGRESS_IMAGE]);
  const call = <T>(fn: (c: SocketClient) => Promise<T>) => fn(serving.client);
  const apply = (image: string) => call((c) => c.call('stack.apply', { source: stackYaml(image), file: join(home, 'bench-roll.yaml') }));
  const nameOf = (hostname: string) => lab.hosts.find((h) => h.hostname === hostname)!.name;
  const side: BatonRolloutSide = {
    name: 'baton',
    hosts: lab.hosts,
    frontDoor: `http://${lab.hosts[0]!.address}:${PORT}/`,
    label: LABEL,
    scale: async (replicas) => {
      await call((c) => c.call('service.scale', { targets: [{ service: SERVICE, replicas }] }));
    },
    update: async (image) => {
      await apply(image);
    },
    rollback: async () => {
      await call((c) => c.call('rollout.undo', { service: `${STACK}/${SERVICE}` }));
    },
    drain: async (host) => {
      await call((c) => c.call('host.drain', { name: nameOf(host.hostname) }));
    },
    activate: async (host) => {
      await call((c) => c.call('host.activate', { name: nameOf(host.hostname) }));
    },
    down: () => tearDown(lab, serving, home, STACK, LABEL),
  };
  try {
    await addLabHosts(serving.client, lab);
    await apply(V1);
    await waitUntil(lab.hosts, LABEL, steady(REPLICAS), 120_000, 100);
    await waitAnswering(lab.hosts.map((h) => `http://${h.address}:${PORT}/`), 60_000, `baton: ${STACK} publishes ${PORT} through the ingress on every host`);
    await settle(side, REPLICAS);
    log(`baton: ${REPLICAS} replicas of ${SERVICE} (${V1}), :${PORT} answering on every host`);
    return side;
  } catch (e) {
    await side.down();
    throw e;
  }
}
