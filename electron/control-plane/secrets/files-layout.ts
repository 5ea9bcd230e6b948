// How a service revision's secrets and configs are laid out on a host, pure.
//
// Per host and revision (its container hash), one tmpfs volume (the local driver with type=tmpfs:
// mounted when a container using it starts, unmounted when the last one stops, never on disk)
// held mounted by a holder container that runs Baton's pause image and nothing else. Baton writes
// one file per mount into it through the engine's archive endpoint, with the mount's uid, gid and
// mode in the tar headers. Each replica then gets each file as a read-only bind mount of that one
// file at its target (/run/secrets/<target>, /etc/nginx/nginx.conf, …), as Swarm mounts them: the
// bind is made by the engine, so a host user in the docker group suffices, any target works, and
// nothing else in the image's folder is hidden (a volume mounted at /etc/nginx would hide the
// rest of /etc/nginx; Docker 20.10 has no volume subpath).
import type { ServiceSpec } from '../../../shared/stack.ts';
import type { ContainerCreateOptions } from '../hosts/engine.ts';
import type { TarEntry } from '../hosts/tar.ts';
import { mountsOf, refOf, type FileRef } from './file-refs.ts';
import { PAUSE_IMAGE } from './pause-image.ts';

export const FILES_LABEL = { system: 'baton.system', of: 'baton.files.of', hash: 'baton.files.hash' } as const;

/** Where the holder mounts the volume. */
export const HOLDER_DIR = '/files';

export function hasFiles(spec: Pick<ServiceSpec, 'secrets' | 'configs'>): boolean {
  return spec.secrets.length + spec.configs.length > 0;
}

/** The holder container and its volume are both named after the revision. */
export function holderName(containerHash: string): string {
  return `baton-files-${containerHash.slice(0, 16)}`;
}

/** The tmpfs's options: a size that fits the files with room to spare; only its owner (root) may list it. */
export function volumeOptions(totalBytes: number): Record<string, string> {
  const size = Math.max(4 << 20, totalBytes * 2);
  return { type: 'tmpfs', device: 'tmpfs', o: `size=${size},mode=0700` };
}

/** One file per mount, named by its place in the spec (the same source may be mounted twice, with other owners). */
export function fileEntries(spec: ServiceSpec, valueOf: (ref: FileRef) => Buffer): TarEntry[] {
  return mountsOf(spec).map(({ kind, mount }, i) => ({ name: String(i), content: valueOf(refOf(spec, mount, kind)), uid: Number(mount.uid), gid: Number(mount.gid), mode: mount.mode, mtime: 0 }));
}

export interface FileBind {
  Type: 'bind';
  Source: string;
  Target: string;
  ReadOnly: true;
}

/** The replica's bind mounts, one per file, from the volume's mount point on the host. */
export function fileBinds(spec: ServiceSpec, mountpoint: string): FileBind[] {
  return mountsOf(spec).map(({ mount }, i) => ({ Type: 'bind', Source: `${mountpoint}/${i}`, Target: mount.target, ReadOnly: true }));
}

export function holderConfig(opts: { clusterId: string; stack: string; service: string; containerHash: string }): ContainerCreateOptions {
  const name = holderName(opts.containerHash);
  return {
    name,
    Image: PAUSE_IMAGE,
    Labels: { 'baton.cluster': opts.clusterId, [FILES_LABEL.system]: 'files', [FILES_LABEL.of]: `${opts.stack}/${opts.service}`, [FILES_LABEL.hash]: opts.containerHash },
    StopTimeout: 1,
    HostConfig: {
      NetworkMode: 'none',
      RestartPolicy: { Name: 'unless-stopped' },
      ReadonlyRootfs: true,
      Memory: 16 << 20,
      Mounts: [{ Type: 'volume', Source: name, Target: HOLDER_DIR, ReadOnly: false }],
    },
  };
}

export interface Holder {
  host: string;
  id: string;
  /** "stack/service" */
  of: string;
  containerHash: string;
}

/**
 * The holders no replica needs any more: a holder is kept while a replica of its service on its
 * host has its revision (in any state: a stopped one may start again and needs its files then).
 */
export function holdersToRemove(holders: Holder[], replicas: { host: string; stack: string; service: string; containerHash: string }[]): Holder[] {
  const needed = new Set(replicas.map((r) => `${r.host}\n${r.stack}/${r.service}\n${r.containerHash}`));
  return holders.filter((h) => !needed.has(`${h.host}\n${h.of}\n${h.containerHash}`));
}
