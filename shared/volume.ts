// What a named volume is on a host: its engine name, and whether its data lives on one host.
// The scheduler pins replicas to the host of a host-local volume; the executor creates it there.
import type { VolumeMount } from './stack.ts';

/** Filesystems the local driver mounts from elsewhere: a volume on them is the same data on every host. */
const SHARED_FS_TYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb', 'smb3', 'glusterfs', 'ceph', 'fuse.sshfs']);

/** The volume's name on the engine: Compose's `<stack>_<name>`, unless `name:` or `external` says otherwise. */
export function volumeEngineName(stack: string, mount: Pick<VolumeMount, 'source' | 'name'>): string {
  return mount.name ?? `${stack}_${mount.source ?? ''}`;
}

/**
 * A named volume whose data is on the host that holds it: the local driver on the host's own
 * disk (or tmpfs). A local volume mounting NFS or CIFS (`driver_opts: {type: nfs, o: addr=…}`)
 * reaches the same data from any host, and so does a volume plugin's (another `driver`): those
 * let replicas move. Anonymous volumes are each replica's own and pin nothing.
 */
export function isHostLocal(mount: VolumeMount): boolean {
  if (mount.type !== 'volume' || mount.source === null) return false;
  if ((mount.driver ?? 'local') !== 'local') return false;
  const opts = mount.driverOpts ?? {};
  const type = (opts['type'] ?? '').toLowerCase();
  if (SHARED_FS_TYPES.has(type)) return false;
  return !/(^|,)addr=/.test(opts['o'] ?? '');
}
