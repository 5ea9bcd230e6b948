// Delivers a service revision's secrets and configs to a host (see files-layout.ts for the
// layout), over the host's own link: Baton's pause image loaded when the host lacks it, the
// tmpfs volume and its holder made and started, the files written into it, and the bind mounts a
// replica needs given back. Removes holders no replica needs. A value goes only into the archive
// sent to the engine: never into a label, an environment, a command line, a log or an error.
import type { Engine } from '../hosts/engine.ts';
import { makeTar } from '../hosts/tar.ts';
import type { Logger } from '../log.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';
import type { DesiredService } from '../store/stacks-repo.ts';
import type { FilesRepo } from '../store/files-repo.ts';
import { mountsOf, refOf, type FileRef } from './file-refs.ts';
import { FILES_LABEL, HOLDER_DIR, fileBinds, fileEntries, hasFiles, holderConfig, holderName, holdersToRemove, volumeOptions, type FileBind, type Holder } from './files-layout.ts';
import { PAUSE_IMAGE, pauseArchitecture, pauseImageArchive } from './pause-image.ts';

interface HolderInspect {
  Id: string;
  State?: { Running?: boolean; StartedAt?: string };
}

export class HostFiles {
  /** Work per host and revision, one at a time (replicas of one revision start in parallel). */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Holders whose files were written since they last started: "id@startedAt". */
  private readonly written = new Set<string>();
  private readonly images = new WeakMap<Engine, Promise<void>>();

  constructor(private readonly deps: { files: Pick<FilesRepo, 'value'>; clusterId: string; log: Logger }) {}

  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(key) ?? Promise.resolve()).then(work, work);
    this.chains.set(key, run.catch(() => undefined));
    return run;
  }

  /** The values, all of them or an error that names what is missing (before anything is sent). */
  private values(service: DesiredService): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const { kind, mount } of mountsOf(service.spec)) {
      const ref = refOf(service.spec, mount, kind);
      const found = this.deps.files.value(ref.kind, ref.stack, ref.name);
      if (!found) {
        throw new Error(
          ref.stack === '' ? `secret ${ref.name} that ${service.stack}/${service.name} uses is not in Baton's store (was it removed?): create it again with baton secret create ${ref.name} -f FILE` : `${kind} ${ref.name} of stack ${ref.stack} is not stored: apply the stack again`,
        );
      }
      out.set(key(ref), found.value);
    }
    return out;
  }

  /**
   * Makes sure the host holds the revision's files; the bind mounts a replica of it needs ([] when
   * it has no secrets or configs). `rewrite`: write the files even if they were written already
   * (a replica starting again after its host restarted finds an empty tmpfs).
   */
  mountsFor(engine: Engine, architecture: string | null, service: DesiredService, options: { rewrite?: boolean } = {}): Promise<FileBind[]> {
    if (!hasFiles(service.spec)) return Promise.resolve([]);
    const values = this.values(service);
    return this.serial(`${engine.host}/${service.containerHash}`, async () => {
      await this.ensureImage(engine, architecture);
      const name = holderName(service.containerHash);
      const total = [...values.values()].reduce((sum, v) => sum + v.length, 0);
      const mountpoint = await engine.createVolume(name, volumeOptions(total), { 'baton.cluster': this.deps.clusterId, [FILES_LABEL.of]: `${service.stack}/${service.name}` });
      let holder = (await engine.inspectContainer(name)) as HolderInspect | null;
      if (!holder) {
        await engine.createContainer(holderConfig({ clusterId: this.deps.clusterId, stack: service.stack, service: service.name, containerHash: service.containerHash }));
        holder = (await engine.inspectContainer(name)) as HolderInspect | null;
        if (!holder) throw new Error(`the holder of ${service.stack}/${service.name}'s files vanished on ${engine.host} as it was made`);
      }
      if (!holder.State?.Running) {
        await engine.startContainer(holder.Id);
        holder = ((await engine.inspectContainer(holder.Id)) as HolderInspect | null) ?? holder;
      }
      const stamp = `${holder.Id}@${holder.State?.StartedAt ?? ''}`;
      if (options.rewrite || !this.written.has(stamp)) {
        const tar = makeTar(fileEntries(service.spec, (ref) => values.get(key(ref))!));
        await engine.putArchive(holder.Id, HOLDER_DIR, tar);
        this.written.add(stamp);
        this.deps.log.debug({ host: engine.host, service: `${service.stack}/${service.name}`, files: mountsOf(service.spec).length }, 'secrets and configs written to the host');
      }
      return fileBinds(service.spec, mountpoint);
    });
  }

  private ensureImage(engine: Engine, architecture: string | null): Promise<void> {
    let ready = this.images.get(engine);
    if (!ready) {
      ready = (async () => {
        if ((await engine.inspectImage(PAUSE_IMAGE)) !== null) return;
        const arch = pauseArchitecture(architecture ?? '');
        if (!arch) throw new Error(`${engine.host} is a ${architecture ?? 'host of unknown architecture'}: Baton delivers secrets and configs to x86_64 and aarch64 hosts only`);
        await engine.loadImage(pauseImageArchive(arch).tar);
      })();
      ready.catch(() => this.images.delete(engine));
      this.images.set(engine, ready);
    }
    return ready;
  }

  /** Removes the holders (and their tmpfs volumes) of a service that no replica on their host needs. */
  async cleanup(engines: Engine[], stack: string, service: string, replicas: ObservedReplica[]): Promise<void> {
    const of = `${stack}/${service}`;
    await Promise.all(
      engines.map(async (engine) => {
        const listed = (await engine.listContainers({ label: [`${FILES_LABEL.of}=${of}`, `baton.cluster=${this.deps.clusterId}`] })) as { Id: string; Names?: string[]; Labels?: Record<string, string> }[];
        const holders: Holder[] = listed.map((c) => ({ host: engine.host, id: c.Id, of, containerHash: c.Labels?.[FILES_LABEL.hash] ?? '' }));
        for (const h of holdersToRemove(holders, replicas.filter((r) => r.host === engine.host))) {
          await engine.removeContainer(h.id);
          if (h.containerHash) await engine.removeVolume(holderName(h.containerHash)).catch((err: unknown) => this.deps.log.warn({ host: engine.host, err: (err as Error).message }, 'could not remove a files volume'));
          this.deps.log.debug({ host: engine.host, service: of }, 'secrets and configs of an old revision removed from the host');
        }
      }),
    );
  }
}

function key(ref: FileRef): string {
  return `${ref.kind}\n${ref.stack}\n${ref.name}`;
}
