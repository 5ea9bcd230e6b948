// One Docker engine per host, started in the host's network and UTS namespaces with
// its own roots, socket, pid file, config, containerd and cgroup parent.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnDaemon } from './exec.ts';
import type { HostLayout } from './layout.ts';
import { dockerAnswers, waitReady } from './probes.ts';
import { isAlive, killProcs, namespaceId, removeCgroups, unmountUnder, type ProcMatch } from './processes.ts';
import { nsenterArgs } from './sshd.ts';

function dockerdArgs(h: HostLayout): string[] {
  return [
    '--data-root', h.dataRoot,
    '--exec-root', h.execRoot,
    '-H', `unix://${h.dockerSocket}`,
    '--pidfile', h.dockerPidFile,
    // never the machine's /etc/docker/daemon.json
    '--config-file', h.dockerConfig,
    // socket root:root 0660 (not the docker group): batonlab gets "permission denied"
    '--group', 'root',
    // dockerd starts its own containerd under exec-root; naming its namespace after the
    // host makes every shim's command line say which host it belongs to
    '--containerd-namespace', h.name,
    '--containerd-plugins-namespace', `${h.name}-plugins`,
    '--cgroup-parent', `/${h.name}`,
  ];
}

// Processes of the engine only: dockerd, containerd and shims name the host's dirs in
// their command line, containers have their root under the data root.
function engineMatch(h: HostLayout): ProcMatch {
  return { namespaces: new Set(), pathPrefixes: [`${h.dataRoot}/`, `${h.execRoot}/`] };
}

// containerd 1.6 puts each shim's socket in the machine-wide /run/containerd/s, named
// sha256(<containerd socket>/<namespace>/<container id>); killed shims leave them behind.
export async function removeShimSockets(h: HostLayout): Promise<void> {
  const containerd = join(h.execRoot, 'containerd');
  const tasks = join(containerd, 'daemon', 'io.containerd.runtime.v2.task', h.name);
  const ids = await readdir(tasks).catch(() => []);
  const socket = (id: string) => createHash('sha256').update(`${join(containerd, 'containerd.sock')}/${h.name}/${id}`).digest('hex');
  await Promise.all(ids.map((id) => rm(join('/run/containerd/s', socket(id)), { force: true })));
}

// Clears what a killed engine leaves behind: processes, mounts, shim sockets, pid
// files, its API socket, cgroups.
export async function cleanEngine(h: HostLayout): Promise<void> {
  await killProcs(engineMatch(h));
  await removeShimSockets(h);
  await unmountUnder([h.execRoot, h.dataRoot]);
  await Promise.all([
    rm(h.dockerPidFile, { force: true }),
    rm(h.dockerSocket, { force: true }),
    rm(join(h.execRoot, 'containerd', 'containerd.pid'), { force: true }),
  ]);
  await removeCgroups((name) => name === h.name);
}

export async function startDockerd(h: HostLayout): Promise<void> {
  if (!(await namespaceId(h.utsFile, 'uts'))) throw new Error(`UTS namespace of ${h.name} is missing (${h.utsFile})`);
  await cleanEngine(h);
  await Promise.all([mkdir(h.dataRoot, { recursive: true, mode: 0o711 }), mkdir(h.execRoot, { recursive: true, mode: 0o700 })]);
  await writeFile(h.dockerConfig, '{}\n');
  const pid = spawnDaemon('nsenter', [...nsenterArgs(h), 'dockerd', ...dockerdArgs(h)], h.dockerLog);
  await waitReady({
    what: `dockerd of ${h.name} (${h.dockerSocket})`,
    ready: () => dockerAnswers(h.dockerSocket, 1000),
    alive: () => isAlive(pid),
    logFile: h.dockerLog,
    timeoutMs: 60_000,
  });
}
