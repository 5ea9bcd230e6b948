// A stack's normalized services (shared/stack.ts, what the parser produces) → Docker Swarm
// ServiceSpecs, pure. What Swarm has no place for is said per service at its path in the file:
// an error when deploying without it would change what runs, a warning when the meaning changes,
// and "onTop" for what Baton would have to do itself around Swarm (not done on a Swarm yet).
import type { ServiceSpec, StackSpec, UpdatePolicy, VolumeMount } from '../../../shared/stack.ts';
import type { SwarmMount, SwarmNote, SwarmServiceSpec, SwarmUpdateConfig } from '../../../shared/swarm-spec.ts';

/** The label `docker stack` reads a service's stack from. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

const NS_PER_MS = 1_000_000;

export interface SwarmTranslation {
  services: SwarmServiceSpec[];
  notes: SwarmNote[];
}

/** The Swarm service of a stack's service: `<stack>_<service>`, as `docker stack deploy` names it. */
export function swarmServiceName(stack: string, service: string): string {
  return `${stack}_${service}`;
}

export function translateStack(stack: StackSpec): SwarmTranslation {
  const notes: SwarmNote[] = [];
  const services = stack.services.map((s) => translateService(s, notes));
  return { services, notes };
}

function translateService(s: ServiceSpec, notes: SwarmNote[]): SwarmServiceSpec {
  const at = (key: string) => `services.${s.name}${key ? `.${key}` : ''}`;
  const note = (key: string, severity: SwarmNote['severity'], message: string) => notes.push({ service: s.name, path: at(key), severity, message });
  const namespace = { [STACK_NAMESPACE_LABEL]: s.stack };
  const c = s.container ?? {};

  const containerSpec: SwarmServiceSpec['TaskTemplate']['ContainerSpec'] = {
    Image: s.image,
    Labels: { ...s.labels, ...namespace },
  };
  // Compose's entrypoint is the container's Command in Swarm's terms, its command the Args
  if (s.entrypoint !== null) containerSpec.Command = s.entrypoint;
  if (s.command !== null) containerSpec.Args = s.command;
  const env = Object.entries(s.environment).map(([k, v]) => `${k}=${v}`);
  if (env.length > 0) containerSpec.Env = env;
  if (s.healthcheck) {
    const h = s.healthcheck;
    containerSpec.Healthcheck =
      h.test[0] === 'NONE'
        ? { Test: ['NONE'] }
        : { Test: h.test, Interval: h.intervalMs * NS_PER_MS, Timeout: h.timeoutMs * NS_PER_MS, Retries: h.retries, StartPeriod: h.startPeriodMs * NS_PER_MS };
  }
  const mounts = s.volumes.map((v) => mountOf(v, s.stack));
  if (mounts.length > 0) containerSpec.Mounts = mounts;
  containerSpec.StopGracePeriod = s.stopGracePeriodMs * NS_PER_MS;

  if (c.stopSignal !== undefined) containerSpec.StopSignal = c.stopSignal;
  if (c.user !== undefined) containerSpec.User = c.user;
  if (c.workingDir !== undefined) containerSpec.Dir = c.workingDir;
  if (c.hostname !== undefined) containerSpec.Hostname = c.hostname;
  if (c.init !== undefined) containerSpec.Init = c.init;
  if (c.readOnly !== undefined) containerSpec.ReadOnly = c.readOnly;
  if (c.capAdd !== undefined) containerSpec.CapabilityAdd = c.capAdd;
  if (c.capDrop !== undefined) containerSpec.CapabilityDrop = c.capDrop;
  if (c.sysctls !== undefined) containerSpec.Sysctls = c.sysctls;
  if (c.ulimits !== undefined) containerSpec.Ulimits = c.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  if (c.groupAdd !== undefined) containerSpec.Groups = c.groupAdd;
  if (c.extraHosts !== undefined) {
    // Swarm's form is "address name" (an /etc/hosts line), Compose's "name:address"
    containerSpec.Hosts = c.extraHosts.map((entry) => {
      const i = entry.indexOf(':');
      return `${entry.slice(i + 1)} ${entry.slice(0, i)}`;
    });
  }
  if (c.dns !== undefined || c.dnsSearch !== undefined || c.dnsOptions !== undefined) {
    containerSpec.DNSConfig = {
      ...(c.dns !== undefined ? { Nameservers: c.dns } : {}),
      ...(c.dnsSearch !== undefined ? { Search: c.dnsSearch } : {}),
      ...(c.dnsOptions !== undefined ? { Options: c.dnsOptions } : {}),
    };
  }
  // what a Swarm service's container cannot be given
  const refused: [keyof typeof c, string][] = [
    ['privileged', 'privileged'],
    ['devices', 'devices'],
    ['pid', 'pid'],
    ['ipc', 'ipc'],
    ['shmSizeBytes', 'shm_size'],
    ['securityOpt', 'security_opt'],
    ['domainname', 'domainname'],
  ];
  for (const [key, compose] of refused) {
    if (c[key] !== undefined) note(compose, 'error', `Swarm services take no ${compose}: remove it to deploy this stack on a Swarm cluster, or deploy it on Baton's own cluster.`);
  }

  const template: SwarmServiceSpec['TaskTemplate'] = {
    ContainerSpec: containerSpec,
    RestartPolicy: {
      Condition: s.restart.condition,
      Delay: s.restart.delayMs * NS_PER_MS,
      MaxAttempts: s.restart.maxAttempts ?? 0, // 0: no limit
      Window: s.restart.windowMs * NS_PER_MS,
    },
  };
  const limits = resources(s.limits);
  const reservations = resources(s.reservations);
  if (limits || reservations) template.Resources = { ...(limits ? { Limits: limits } : {}), ...(reservations ? { Reservations: reservations } : {}) };

  const placement: NonNullable<SwarmServiceSpec['TaskTemplate']['Placement']> = {};
  if (s.placement.constraints.length > 0) placement.Constraints = s.placement.constraints.map((k) => `${k.field}${k.op}${k.value}`);
  if (s.placement.spreadOver.length > 0) placement.Preferences = s.placement.spreadOver.map((label) => ({ Spread: { SpreadDescriptor: label } }));
  if (s.placement.maxReplicasPerHost !== null) placement.MaxReplicas = s.placement.maxReplicasPerHost;
  if (c.platform !== undefined) {
    const [os = '', arch = ''] = c.platform.split('/');
    placement.Platforms = [{ OS: os, Architecture: arch }];
  }
  if (Object.keys(placement).length > 0) template.Placement = placement;
  if (c.logging !== undefined) template.LogDriver = { Name: c.logging.driver, Options: c.logging.options };

  // Ports are published in host mode: each task binds the published port on the node it runs on.
  // Swarm's routing mesh (ingress mode) needs IPVS in the nodes' kernels, which the hosts Baton is
  // tested on lack, so a port answers only on the nodes that run one of the service's tasks.
  const ports: SwarmServiceSpec['EndpointSpec']['Ports'] = [];
  for (const [i, p] of s.ports.entries()) {
    if (p.exposeOnly) continue; // reachable on the service's networks only: nothing to publish
    if (p.hostIp !== undefined) {
      note(`ports.${i}`, 'error', `Port ${p.published} is bound to ${p.hostIp}, which Swarm can't do: it publishes a port on all of a node's addresses. Remove the address to deploy this stack on a Swarm cluster.`);
      continue;
    }
    ports.push({ Protocol: p.protocol, TargetPort: p.target, ...(p.published !== null ? { PublishedPort: p.published } : {}), PublishMode: 'host' });
    if (p.mode === 'ingress' && p.published !== null) {
      note(`ports.${i}`, 'warning', `Port ${p.published} is published on the nodes that run a task of ${s.name} (host mode), not on every node: Baton does not use Swarm's routing mesh.`);
    }
    if (p.published !== null && s.replicas > 1 && s.placement.maxReplicasPerHost !== 1) {
      note(`ports.${i}`, 'warning', `Two tasks of ${s.name} on one node would both bind port ${p.published}; Swarm leaves the second pending. Set deploy.placement.max_replicas_per_node: 1, or give no published port.`);
    }
  }

  if (s.secrets.length > 0) note('secrets', 'error', 'Secrets are not delivered on a Swarm cluster yet: deploy this stack on Baton\'s own cluster, or remove its secrets.');
  if (s.configs.length > 0) note('configs', 'error', 'Configs are not delivered on a Swarm cluster yet: deploy this stack on Baton\'s own cluster, or remove its configs.');
  if (s.networks.length > 0) note('networks', 'error', 'Stack networks are not created on a Swarm cluster yet (they would be overlay networks): remove them to deploy this stack on a Swarm cluster.');
  if (s.build) note('build', 'error', 'Swarm runs images from a registry its nodes can pull: a `build:` is built by Baton on its own cluster only. Build and push the image (docker build -t REGISTRY/IMAGE . && docker push REGISTRY/IMAGE), then give it as `image:`.');
  if (s.autoscale !== null) note('x-baton.autoscale', 'onTop', 'Autoscaling is Baton\'s own, done on top of the cluster: not done on a Swarm cluster yet, so the service keeps the replica count it is given.');
  if (s.rollout !== undefined) note('x-baton.rollout', 'onTop', 'The rollout deadline and rebalancing are Baton\'s own: on a Swarm cluster, Swarm\'s update_config applies alone.');
  if (s.update.failureAction === 'rollback' && s.healthcheck === null) {
    note('deploy.update_config', 'warning', 'failure_action: rollback reacts to tasks that fail to start; without a healthcheck Swarm counts a started task as healthy.');
  }
  for (const v of s.volumes) {
    if (v.type === 'volume' && v.source !== null && !v.external) {
      note('volumes', 'warning', `Volume ${v.source} is made on each node a task runs on, separately: its data does not follow a task to another node.`);
      break;
    }
  }

  // Swarm starts a start-first task before it stops the old one, on a node with room for it: with
  // a per-node cap and every node at it, the update (or the rollback) waits for ever.
  if (s.placement.maxReplicasPerHost !== null) {
    for (const [key, policy] of [['update_config', s.update], ['rollback_config', { ...s.update, ...s.rollback }]] as const) {
      if (policy.order !== 'start-first') continue;
      note(
        `deploy.${key}.order`,
        'warning',
        `${key} starts each new task before it stops the old one (start-first), which needs a node with room for one more task of ${s.name}: with max_replicas_per_node ${s.placement.maxReplicasPerHost} and every node at it, Swarm waits for ever. Set deploy.${key}.order: stop-first, or leave a node with room.`,
      );
    }
  }

  return {
    Name: swarmServiceName(s.stack, s.name),
    Labels: { ...namespace, 'com.docker.stack.image': s.image },
    TaskTemplate: template,
    Mode: { Replicated: { Replicas: s.replicas } },
    UpdateConfig: updateConfig(s.update),
    RollbackConfig: updateConfig({ ...s.update, ...s.rollback, failureAction: s.rollback.failureAction === 'rollback' ? 'pause' : s.rollback.failureAction }),
    EndpointSpec: { Mode: 'vip', Ports: ports },
  };
}

function resources(r: ServiceSpec['limits']): { NanoCPUs?: number; MemoryBytes?: number } | null {
  if (r.nanoCpus === null && r.memoryBytes === null) return null;
  return { ...(r.nanoCpus !== null ? { NanoCPUs: r.nanoCpus } : {}), ...(r.memoryBytes !== null ? { MemoryBytes: r.memoryBytes } : {}) };
}

function updateConfig(u: UpdatePolicy): SwarmUpdateConfig {
  return {
    Parallelism: u.parallelism,
    Delay: u.delayMs * NS_PER_MS,
    FailureAction: u.failureAction,
    Monitor: u.monitorMs * NS_PER_MS,
    MaxFailureRatio: u.maxFailureRatio,
    Order: u.order,
  };
}

function mountOf(v: VolumeMount, stack: string): SwarmMount {
  if (v.type === 'tmpfs') {
    const opts = { ...(v.tmpfs?.sizeBytes !== undefined ? { SizeBytes: v.tmpfs.sizeBytes } : {}), ...(v.tmpfs?.mode !== undefined ? { Mode: v.tmpfs.mode } : {}) };
    return { Type: 'tmpfs', Target: v.target, ...(Object.keys(opts).length > 0 ? { TmpfsOptions: opts } : {}) };
  }
  if (v.type === 'bind') return { Type: 'bind', Source: v.source ?? '', Target: v.target, ReadOnly: v.readOnly };
  if (v.source === null) return { Type: 'volume', Target: v.target, ReadOnly: v.readOnly }; // anonymous
  const name = v.name ?? (v.external ? v.source : `${stack}_${v.source}`);
  const volumeOptions: NonNullable<SwarmMount['VolumeOptions']> = { Labels: { ...(v.labels ?? {}), [STACK_NAMESPACE_LABEL]: stack } };
  if (v.driver !== undefined) volumeOptions.DriverConfig = { Name: v.driver, ...(v.driverOpts ? { Options: v.driverOpts } : {}) };
  return { Type: 'volume', Source: name, Target: v.target, ReadOnly: v.readOnly, ...(v.external ? {} : { VolumeOptions: volumeOptions }) };
}
