// The Docker Swarm side of the rollout benchmark, on the lab's 3 hosts, put behind a load balancer
// the usual way where the routing mesh cannot run (it needs IPVS, which this kernel lacks): the
// service on an overlay network with DNS round-robin, HAProxy on every host in front of it (the
// ingress benchmark's config: tasks found through Docker's DNS, health-checked every 500 ms, a
// failed connection retried on another task). The update and rollback policy is POLICY, as
// Baton's; the drain is `docker node update --availability drain`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInfo } from '../../test/lab/lab.ts';
import type { Label } from '../heal/observe.ts';
import { CONTAINER_PORT, HEALTH, PORT, settle, waitAnswering, type Log } from '../ingress/cases.ts';
import { HAPROXY_CFG, PROXY, WEB } from '../ingress/swarm.ts';
import { cli, freshSwarm, swarmDown } from '../swarm.ts';
import { POLICY, REPLICAS, V1, type RolloutSide } from './cases.ts';

const NETWORK = 'bench-rollout';
const CONFIG = 'bench-rollout-haproxy-cfg';
const WEB_LABEL: Label = { key: 'com.docker.swarm.service.name', value: WEB };

const policyFlags = (prefix: 'update' | 'rollback') => [
  `--${prefix}-parallelism`, String(POLICY.parallelism),
  `--${prefix}-delay`, POLICY.delay,
  `--${prefix}-order`, POLICY.order,
  `--${prefix}-monitor`, POLICY.monitor,
  // a rollback's own failure action cannot be "rollback"
  `--${prefix}-failure-action`, prefix === 'update' ? POLICY.failureAction : 'pause',
];

export interface SwarmRolloutSide extends RolloutSide {
  engineVersion: string;
  down(): Promise<void>;
}

export async function swarmRolloutSide(lab: LabInfo, log: Log): Promise<SwarmRolloutSide> {
  const first = lab.hosts[0]!;
  const engineVersion = await freshSwarm(lab, [PROXY, WEB]);
  const nodeOf = (hostname: string) => hostname; // swarm nodes are named by their hostnames
  const side: SwarmRolloutSide = {
    name: 'swarm',
    hosts: lab.hosts,
    frontDoor: `http://${first.address}:${PORT}/`,
    label: WEB_LABEL,
    engineVersion,
    scale: async (replicas) => {
      await cli(first, ['service', 'scale', '--detach', `${WEB}=${replicas}`]);
    },
    update: async (image) => {
      await cli(first, ['service', 'update', '--detach', '--no-resolve-image', '--image', image, WEB]);
    },
    rollback: async () => {
      await cli(first, ['service', 'rollback', '--detach', WEB]);
    },
    drain: async (host) => {
      await cli(first, ['node', 'update', '--availability', 'drain', nodeOf(host.hostname)]);
    },
    activate: async (host) => {
      await cli(first, ['node', 'update', '--availability', 'active', nodeOf(host.hostname)]);
    },
    down: () => swarmDown(lab, [PROXY, WEB]),
  };
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-rollout-'));
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY_CFG);
    await cli(first, ['network', 'create', '--driver', 'overlay', NETWORK]);
    await cli(first, ['config', 'create', CONFIG, join(dir, 'haproxy.cfg')]);
    await cli(first, [
      'service', 'create', '--detach', '--no-resolve-image', '--name', WEB, '--replicas', String(REPLICAS),
      '--network', NETWORK, '--endpoint-mode', 'dnsrr',
      '--health-cmd', HEALTH.cmd, '--health-interval', HEALTH.interval, '--health-timeout', HEALTH.timeout, '--health-retries', String(HEALTH.retries),
      '--stop-grace-period', '2s',
      ...policyFlags('update'), ...policyFlags('rollback'),
      V1,
    ]);
    await cli(first, [
      'service', 'create', '--detach', '--no-resolve-image', '--name', PROXY, '--mode', 'global', '--network', NETWORK,
      '--publish', `mode=host,published=${PORT},target=${PORT}`, '--config', `source=${CONFIG},target=/usr/local/etc/haproxy/haproxy.cfg`,
      'baton-test/haproxy:2.6',
    ]);
    await waitAnswering(lab.hosts.map((h) => `http://${h.address}:${PORT}/`), 120_000, `swarm: HAProxy on :${PORT}`);
    await settle(side, REPLICAS);
    log(`swarm ${engineVersion}: ${REPLICAS} replicas of ${WEB} (${V1}) behind ${PROXY} on every host's :${PORT}, container port ${CONTAINER_PORT}`);
    return side;
  } catch (e) {
    await side.down();
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
