// A service revision → the Docker create request for one of its replicas, pure.
import { volumeEngineName } from '../../../shared/volume.ts';
import type { ContainerCreateOptions } from '../hosts/engine.ts';
import type { ContainerOptions, ServiceSpec } from '../../../shared/stack.ts';
import { LABEL, replicaName } from './replica.ts';
import type { FileBind } from '../secrets/files-layout.ts';

/** Baton's network on every host; replicas join it so services can reach each other. */
export const BATON_NETWORK = 'baton';

const NS_PER_MS = 1_000_000;

export interface ReplicaIdentity {
  clusterId: string;
  revision: number;
  containerHash: string;
  slot: number;
  /** A few random characters, so a replacement in the same slot gets a new name. */
  short: string;
}

function restartPolicy(spec: ServiceSpec): { Name: string; MaximumRetryCount?: number } {
  // Docker's own restart policy keeps replicas up while no control plane is connected.
  switch (spec.restart.condition) {
    case 'none':
      return { Name: 'no' };
    case 'on-failure':
      return spec.restart.maxAttempts ? { Name: 'on-failure', MaximumRetryCount: spec.restart.maxAttempts } : { Name: 'on-failure' };
    case 'any':
      return { Name: 'unless-stopped' };
  }
}

/** Host ports Baton picks for a replica's ports: the kernel's ephemeral range, as Docker would. */
export const HOST_PORT_RANGE = { first: 32768, last: 60999 } as const;

/**
 * The host port of each of a replica's ports that has no fixed one ("80/tcp" → 41234), chosen by
 * Baton rather than left to Docker: Docker picks a new random port each time the container starts
 * again (after a crash, after a host restart), and the other hosts' ingresses, which target
 * `host:port`, would lose the replica until a control plane told them. A port Baton chose stays
 * the container's for life. `used`: ports already bound on the host, never chosen.
 */
export function chooseHostPorts(spec: ServiceSpec, used: ReadonlySet<number>, random: () => number = Math.random): Record<string, number> {
  const taken = new Set(used);
  const out: Record<string, number> = {};
  const span = HOST_PORT_RANGE.last - HOST_PORT_RANGE.first + 1;
  for (const p of spec.ports) {
    if (p.exposeOnly || (p.mode === 'host' && p.published !== null)) continue;
    const key = `${p.target}/${p.protocol}`;
    if (out[key] !== undefined) continue;
    let port = HOST_PORT_RANGE.first + Math.floor(random() * span);
    for (let tries = 0; taken.has(port) && tries < span; tries++) port = port === HOST_PORT_RANGE.last ? HOST_PORT_RANGE.first : port + 1;
    taken.add(port);
    out[key] = port;
  }
  return out;
}

/** The container options as Docker's create request has them: top-level ones, and HostConfig's. */
export function containerOptionFields(o: ContainerOptions | undefined): { config: Partial<ContainerCreateOptions>; host: NonNullable<ContainerCreateOptions['HostConfig']> } {
  if (!o) return { config: {}, host: {} };
  const config: Partial<ContainerCreateOptions> = {
    ...(o.user !== undefined ? { User: o.user } : {}),
    ...(o.workingDir !== undefined ? { WorkingDir: o.workingDir } : {}),
    ...(o.hostname !== undefined ? { Hostname: o.hostname } : {}),
    ...(o.domainname !== undefined ? { Domainname: o.domainname } : {}),
    ...(o.stopSignal !== undefined ? { StopSignal: o.stopSignal } : {}),
  };
  const host: NonNullable<ContainerCreateOptions['HostConfig']> = {
    ...(o.init !== undefined ? { Init: o.init } : {}),
    ...(o.capAdd ? { CapAdd: o.capAdd } : {}),
    ...(o.capDrop ? { CapDrop: o.capDrop } : {}),
    ...(o.sysctls ? { Sysctls: o.sysctls } : {}),
    ...(o.ulimits ? { Ulimits: o.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) } : {}),
    ...(o.logging ? { LogConfig: { Type: o.logging.driver, Config: o.logging.options } } : {}),
    ...(o.extraHosts ? { ExtraHosts: o.extraHosts } : {}),
    ...(o.dns ? { Dns: o.dns } : {}),
    ...(o.dnsSearch ? { DnsSearch: o.dnsSearch } : {}),
    ...(o.dnsOptions ? { DnsOptions: o.dnsOptions } : {}),
    ...(o.readOnly !== undefined ? { ReadonlyRootfs: o.readOnly } : {}),
    ...(o.shmSizeBytes !== undefined ? { ShmSize: o.shmSizeBytes } : {}),
    ...(o.securityOpt ? { SecurityOpt: o.securityOpt } : {}),
    ...(o.privileged !== undefined ? { Privileged: o.privileged } : {}),
    ...(o.devices ? { Devices: o.devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions })) } : {}),
    ...(o.groupAdd ? { GroupAdd: o.groupAdd } : {}),
    ...(o.pid !== undefined ? { PidMode: o.pid } : {}),
    ...(o.ipc !== undefined ? { IpcMode: o.ipc } : {}),
  };
  return { config, host };
}

/** `files`: the read-only bind mounts of its secrets and configs, one file each (secrets/files-layout.ts). */
export function containerConfig(spec: ServiceSpec, id: ReplicaIdentity, hostPorts: Record<string, number> = {}, files: FileBind[] = []): ContainerCreateOptions {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    // `expose:` ports are reached over Baton's network only: no host address is bound for them.
    if (p.exposeOnly) continue;
    // Ingress ports are answered by the ingress, which targets each replica on a host port of its
    // own (chosen by chooseHostPorts, else by Docker); host-mode ports bind the published port on
    // the replica's own host; a port without a published one gets a random host port, as Compose
    // gives it.
    bindings[key] = [{ HostIp: '', HostPort: p.mode === 'host' && p.published !== null ? String(p.published) : String(hostPorts[key] ?? '') }];
  }
  const health = spec.healthcheck;
  // named volumes are per stack, as Compose names them (unless `name:` or `external` names them);
  // tmpfs and anonymous volumes have no source
  const mounts = spec.volumes.map((v) => ({
    Type: v.type,
    Target: v.target,
    ReadOnly: v.readOnly,
    Source: v.source === null || v.type === 'tmpfs' ? '' : v.type === 'volume' ? volumeEngineName(spec.stack, v) : v.source,
    // 0 is Docker's "not set": no size limit, mode 1777
    ...(v.type === 'tmpfs' && v.tmpfs ? { TmpfsOptions: { SizeBytes: v.tmpfs.sizeBytes ?? 0, Mode: v.tmpfs.mode ?? 0 } } : {}),
  }));
  const options = containerOptionFields(spec.container);
  return {
    ...options.config,
    name: replicaName(spec.stack, spec.name, id.slot, id.revision, id.short),
    Image: spec.image,
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    Env: Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...spec.labels,
      [LABEL.cluster]: id.clusterId,
      [LABEL.stack]: spec.stack,
      [LABEL.service]: spec.name,
      [LABEL.slot]: String(id.slot),
      [LABEL.revision]: String(id.revision),
      [LABEL.specHash]: id.containerHash,
    },
    ExposedPorts: exposed,
    ...(health
      ? {
          Healthcheck: {
            Test: health.test,
            Interval: Math.round(health.intervalMs * NS_PER_MS),
            Timeout: Math.round(health.timeoutMs * NS_PER_MS),
            Retries: health.retries,
            StartPeriod: Math.round(health.startPeriodMs * NS_PER_MS),
          },
        }
      : {}),
    StopTimeout: Math.ceil(spec.stopGracePeriodMs / 1000),
    HostConfig: {
      ...options.host,
      PortBindings: bindings,
      RestartPolicy: restartPolicy(spec),
      ...(spec.limits.nanoCpus !== null ? { NanoCpus: spec.limits.nanoCpus } : {}),
      ...(spec.limits.memoryBytes !== null ? { Memory: spec.limits.memoryBytes } : {}),
      ...(spec.reservations.memoryBytes !== null ? { MemoryReservation: spec.reservations.memoryBytes } : {}),
      Mounts: [...mounts, ...files],
      NetworkMode: BATON_NETWORK,
    },
  };
}
