// The Docker Swarm side of the ingress benchmark, on the lab's 3 hosts. Swarm's own front door, the
// routing mesh, needs IPVS, which this kernel lacks; so the usual way without it: HAProxy in front.
// - `bench-web`: baton-test/web:1, 6 replicas, at most 2 per node, the same health check as
//   Baton's, on an overlay network with DNS round-robin (`tasks.bench-web` lists the tasks), its
//   port also published in host mode on a random host port (for the straight-to-a-replica figure).
// - `bench-haproxy`: the lab's HAProxy 2.6 as a global service (one per host), its config a swarm
//   config: the tasks found through Docker's DNS (server-template, re-resolved every second),
//   health-checked every 500 ms, a request whose connection fails or gets no answer retried on
//   another task (retry-on + redispatch). Two front doors, published in host mode: 8080 with the
//   5 s connect timeout HAProxy configs commonly have, and 8081, the same with 0.5 s (a killed
//   task's overlay address does not refuse connections, it drops them: the connect timeout is how
//   long a request sent its way waits before it is retried elsewhere).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInfo } from '../../test/lab/lab.ts';
import type { Label } from '../heal/observe.ts';
import { cli, freshSwarm, swarmDown } from '../swarm.ts';
import { CONTAINER_PORT, HEALTH, PORT, REPLICAS, settle, waitAnswering, type IngressSide, type Log } from './cases.ts';

export const WEB = 'bench-web';
export const PROXY = 'bench-haproxy';
const NETWORK = 'bench-ingress';
const CONFIG = 'bench-haproxy-cfg';
export const FAST_PORT = 8081; // the front door with a 0.5 s connect timeout
const WEB_LABEL: Label = { key: 'com.docker.swarm.service.name', value: WEB };

export const HAPROXY_CFG = `global
    log stdout format raw local0

resolvers docker
    nameserver dns 127.0.0.11:53
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
    hold valid 1s
    hold obsolete 1s
    hold nx 1s
    hold other 1s
    hold refused 1s
    hold timeout 1s

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend web
    bind :${PORT}
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /health
    default-server check inter 500ms fall 1 rise 1 resolvers docker init-addr none
    server-template task 12 tasks.${WEB}:${CONTAINER_PORT}

frontend web-fast
    bind :${FAST_PORT}
    default_backend web-fast

backend web-fast
    balance roundrobin
    timeout connect 500ms
    option httpchk GET /health
    default-server check inter 500ms fall 1 rise 1 resolvers docker init-addr none
    server-template task 12 tasks.${WEB}:${CONTAINER_PORT}
`;

export interface SwarmSide extends IngressSide {
  engineVersion: string;
  fastDoor: string; // http://<host 1>:8081/
  down(): Promise<void>;
}

export async function swarmSide(lab: LabInfo, log: Log): Promise<SwarmSide> {
  const first = lab.hosts[0]!;
  const engineVersion = await freshSwarm(lab, [PROXY, WEB]);
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-ingress-'));
  const side: SwarmSide = {
    name: 'swarm',
    hosts: lab.hosts,
    frontDoor: `http://${first.address}:${PORT}/`,
    fastDoor: `http://${first.address}:${FAST_PORT}/`,
    label: WEB_LABEL,
    engineVersion,
    scale: async (replicas) => {
      await cli(first, ['service', 'scale', '--detach', `${WEB}=${replicas}`]);
    },
    down: () => swarmDown(lab, [PROXY, WEB]),
  };
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY_CFG);
    await cli(first, ['network', 'create', '--driver', 'overlay', NETWORK]);
    await cli(first, ['config', 'create', CONFIG, join(dir, 'haproxy.cfg')]);
    await cli(first, [
      'service', 'create', '--detach', '--name', WEB, '--replicas', String(REPLICAS), '--replicas-max-per-node', '2',
      '--network', NETWORK, '--endpoint-mode', 'dnsrr', '--publish', `mode=host,target=${CONTAINER_PORT}`,
      '--health-cmd', HEALTH.cmd, '--health-interval', HEALTH.interval, '--health-timeout', HEALTH.timeout, '--health-retries', String(HEALTH.retries),
      'baton-test/web:1',
    ]);
    await cli(first, [
      'service', 'create', '--detach', '--name', PROXY, '--mode', 'global', '--network', NETWORK,
      '--publish', `mode=host,published=${PORT},target=${PORT}`, '--publish', `mode=host,published=${FAST_PORT},target=${FAST_PORT}`, '--config', `source=${CONFIG},target=/usr/local/etc/haproxy/haproxy.cfg`,
      'baton-test/haproxy:2.6',
    ]);
    await waitAnswering(lab.hosts.flatMap((h) => [`http://${h.address}:${PORT}/`, `http://${h.address}:${FAST_PORT}/`]), 120_000, `swarm: HAProxy on :${PORT} and :${FAST_PORT}`);
    await settle(side, REPLICAS);
    log(`swarm ${engineVersion}: ${REPLICAS} replicas of ${WEB} behind ${PROXY} on every host's :${PORT}`);
    return side;
  } catch (e) {
    await side.down();
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
