// Volumes as a person sees them: `baton volume ls` (per host: name, driver, size when the engine
// measures it, which services use it) and `baton volume rm`, and a stack's volumes removed with
// it when asked (`baton rm STACK --volumes`). Baton's volumes are those it made (labelled with
// this cluster) and those its stacks name; other volumes on the hosts are not its to show or remove.
import type { VolumeInfo } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import { isHostLocal, volumeEngineName } from '../../../shared/volume.ts';
import type { EventLog } from '../events/event-log.ts';
import type { EngineVolume } from '../hosts/engine.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import { serviceKey } from '../reconcile/replica.ts';
import { VOLUME_LABEL } from '../reconcile/stack-volumes.ts';
import type { Store } from '../store/store.ts';

/** How long `volume ls` waits for a host's sizes (the engine walks every volume's files). */
const SIZES_TIMEOUT_MS = 5_000;
/** How long `rm --volumes` waits for the stack's replicas to be gone before it removes their volumes. */
const REPLICAS_GONE_TIMEOUT_MS = 120_000;

interface Known {
  stack: string;
  volume: string;
  services: string[];
  external: boolean;
  hostLocal: boolean;
}

export class VolumeService {
  constructor(private readonly deps: { store: Store; hosts: HostManager; state: ClusterState; events: EventLog; log: Logger; clusterId: string }) {}

  /** Engine name → what the stored stacks say of it (the stack, its key, the services whose desired revision mounts it). */
  private known(): Map<string, Known> {
    const out = new Map<string, Known>();
    const { stacks } = this.deps.store;
    for (const s of stacks.listStacks()) {
      for (const [key, d] of Object.entries(s.declarations.volumes ?? {})) {
        const name = d.name ?? (d.external ? key : `${s.name}_${key}`);
        out.set(name, { stack: s.name, volume: key, services: [], external: d.external, hostLocal: true });
      }
    }
    for (const d of stacks.desiredServices()) {
      for (const mount of d.spec.volumes) {
        if (mount.type !== 'volume' || mount.source === null) continue;
        const name = volumeEngineName(d.stack, mount);
        const entry = out.get(name) ?? { stack: d.stack, volume: mount.source, services: [], external: mount.external === true, hostLocal: true };
        entry.hostLocal = isHostLocal(mount);
        const key = serviceKey(d.stack, d.name);
        if (!entry.services.includes(key)) entry.services.push(key);
        out.set(name, entry);
      }
    }
    return out;
  }

  private isOurs(v: EngineVolume, known: Map<string, Known>): boolean {
    return known.has(v.name) || (v.labels['baton.cluster'] === this.deps.clusterId && v.labels[VOLUME_LABEL.volume] !== undefined);
  }

  async list(): Promise<VolumeInfo[]> {
    const known = this.known();
    const hosts = this.deps.hosts.list();
    const sizes = await Promise.all(
      hosts.map(async (h) => {
        if (h.state !== 'ready') return {};
        const engine = this.deps.hosts.link(h.name).engine();
        const timeout = new Promise<Record<string, number>>((resolve) => setTimeout(() => resolve({}), SIZES_TIMEOUT_MS).unref());
        return Promise.race([engine.volumeSizes().catch(() => ({})), timeout]);
      }),
    );
    const out: VolumeInfo[] = [];
    hosts.forEach((h, i) => {
      for (const v of this.deps.state.volumesOn(h.name)) {
        if (!this.isOurs(v, known)) continue;
        const k = known.get(v.name);
        out.push({
          host: h.name,
          name: v.name,
          stack: k?.stack ?? v.labels[VOLUME_LABEL.stack] ?? null,
          volume: k?.volume ?? v.labels[VOLUME_LABEL.volume] ?? null,
          driver: v.driver,
          // the filesystem it mounts, when the local driver mounts one (nfs, tmpfs): options may hold credentials, so no more
          type: v.options['type'] ?? null,
          size: sizes[i]?.[v.name] ?? null,
          services: k?.services ?? [],
          external: k?.external ?? false,
          hostReachable: h.state === 'ready',
        });
      }
    });
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host));
  }

  /** Removes a volume of Baton's from every host that has it (or one host); refused while a service uses it. */
  async remove(name: string, host?: string): Promise<{ name: string; hosts: string[] }> {
    const known = this.known();
    const users = known.get(name)?.services ?? [];
    if (users.length > 0) {
      throw new BatonError('INVALID_INPUT', `Volume ${name} is used by ${users.join(', ')}; nothing was removed.`, { volume: name, services: users }, `Remove the volume from ${users.length === 1 ? 'that service' : 'those services'} in the stack file and apply it, or remove the stack (baton rm STACK --volumes).`);
    }
    const holders = this.deps.hosts.list().filter((h) => (host === undefined || h.name === host) && this.deps.state.volumesOn(h.name).some((v) => v.name === name && this.isOurs(v, known)));
    if (holders.length === 0) {
      if (host !== undefined && !this.deps.hosts.list().some((h) => h.name === host)) throw new BatonError('NOT_FOUND', `There is no host named ${host}.`, { host }, 'See the hosts with: baton host ls');
      throw new BatonError('NOT_FOUND', `No host${host ? ` named ${host}` : ''} has a volume of Baton's named ${name}.`, { volume: name }, 'See the volumes with: baton volume ls (a volume Baton did not make is removed on its host: docker volume rm NAME).');
    }
    const down = holders.filter((h) => h.state !== 'ready');
    if (down.length > 0) {
      throw new BatonError('HOST_UNREACHABLE', `Volume ${name} is on ${down.map((h) => h.name).join(', ')}, which ${down.length === 1 ? 'is' : 'are'} not reachable now; nothing was removed.`, { volume: name }, `Try again when ${down.length === 1 ? 'it is' : 'they are'} back, or remove it only where it is reachable: baton volume rm ${name} --host HOST.`);
    }
    const removed: string[] = [];
    for (const h of holders) {
      await this.removeOn(h.name, name);
      removed.push(h.name);
    }
    return { name, hosts: removed };
  }

  private async removeOn(host: string, name: string): Promise<void> {
    try {
      await this.deps.hosts.link(host).engine().removeVolume(name);
    } catch (err) {
      const inUse = /in use/i.test((err as Error).message);
      throw new BatonError(inUse ? 'INVALID_INPUT' : 'DOCKER_ERROR', `Could not remove volume ${name} on ${host}: ${(err as Error).message}`, { volume: name, host }, inUse ? 'A container still uses it: see which with ssh HOST docker ps -a --filter volume=NAME.' : 'Check the host (baton host inspect HOST) and try again.');
    }
    this.deps.state.removeVolume(host, name);
    this.deps.events.append({ kind: 'volume.removed', host, message: `volume ${name} removed from ${host}`, data: { volume: name } });
  }

  /**
   * After `baton rm STACK --volumes`: once the stack's replicas are gone, removes the volumes it made
   * (named after it, or labelled with it); never an external one. `names`: its volumes' engine names,
   * read before the stack was forgotten.
   */
  async removeStackVolumes(stack: string, names: string[]): Promise<{ host: string; name: string }[]> {
    const deadline = Date.now() + REPLICAS_GONE_TIMEOUT_MS;
    while (this.deps.state.all().some((r) => r.stack === stack)) {
      if (Date.now() > deadline) throw new BatonError('TIMEOUT', `The replicas of stack ${stack} were still running after ${REPLICAS_GONE_TIMEOUT_MS / 1000} s; its volumes were kept.`, { stack }, `Remove them when the replicas are gone: baton volume rm NAME (baton volume ls shows them).`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const removed: { host: string; name: string }[] = [];
    for (const h of this.deps.hosts.list()) {
      for (const v of this.deps.state.volumesOn(h.name)) {
        const labelled = v.labels['baton.cluster'] === this.deps.clusterId && v.labels[VOLUME_LABEL.stack] === stack;
        if (!labelled && !names.includes(v.name)) continue;
        if (h.state !== 'ready') {
          this.deps.events.append({ kind: 'volume.kept', severity: 'warning', host: h.name, stack, message: `volume ${v.name} on ${h.name} was kept: the host is not reachable (remove it later: baton volume rm ${v.name})`, data: { volume: v.name } });
          continue;
        }
        await this.removeOn(h.name, v.name);
        removed.push({ host: h.name, name: v.name });
      }
    }
    return removed;
  }

  /** The engine names of the volumes a stack made (not its external ones), for removeStackVolumes. */
  stackVolumeNames(stack: string): string[] {
    const record = this.deps.store.stacks.getStack(stack);
    if (!record) return [];
    return Object.entries(record.declarations.volumes ?? {})
      .filter(([, d]) => !d.external)
      .map(([key, d]) => d.name ?? `${stack}_${key}`);
  }
}
