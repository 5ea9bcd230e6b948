// The Baton test lab: N real Linux "hosts" on this machine, each a network namespace
// with its own address, hostname, sshd and Docker engine, plus a "bare" host with sshd
// and no Docker. Integration tests and benchmarks drive Baton against it.
// Needs root. CLI: npm run lab -- up|down|status|kill-host|revive-host (cli.ts).
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { removeShimSockets, startDockerd } from './dockerd.ts';
import { run, tryRun, type RunResult } from './exec.ts';
import { buildImageArchives, imagesPresent, loadImages } from './images.ts';
import {
  ALT_SSH_PORT,
  BRIDGE,
  ENCRYPTED_KEY_PASSPHRASE,
  IMAGES,
  MAX_HOSTS,
  NO_DOCKER_USER,
  PREFIX,
  SSH_PORT,
  SUBNET,
  bareHostLayout,
  dockerHostLayouts,
  hostLayout,
  keyPaths,
  labDirs,
  lockFile,
  stateFile,
  type HostLayout,
  type LabDirs,
} from './layout.ts';
import { withLock } from './lock.ts';
import {
  addHostNetwork,
  ensureBridge,
  ensureForwardRule,
  labNetnsNames,
  linkIsUp,
  removeNetwork,
  setLink,
} from './network.ts';
import { ensurePrerequisites, requireRoot } from './prereqs.ts';
import { dockerAnswers, sshGreets, waitReady } from './probes.ts';
import { isAlive, killProcs, namespaceId, readPidFile, removeCgroups, unmountUnder, type ProcMatch } from './processes.ts';
import { ensureClientKeys, ensureHostKey, ensureNoDockerUser, fingerprint, startSshd, stopSshd } from './sshd.ts';

export interface LabHost {
  name: string; // also the namespace's and the root-side veth's name
  netns: string;
  address: string;
  hostname: string; // what `hostname` and `docker info` say on that host
  sshPort: number;
  altSshPort: number; // the same sshd on a second port
  dockerSocket: string; // the engine's socket path, valid in the root namespace too
  hostKeyFingerprint: string; // 'SHA256:…' as `ssh-keygen -l` prints it
}

export interface LabInfo {
  dir: string; // state dir: keys, host keys, authorized keys, engines' data
  runDir: string; // sockets, pid files, daemon logs, configs, this info as lab.json
  bridge: string;
  subnet: string;
  hosts: LabHost[]; // hosts with Docker
  bareHost: LabHost; // sshd only, no dockerd (its DOCKER_HOST points to a missing socket)
  keys: {
    root: string; // private key file, unencrypted, authorized for root and batonlab
    rootPub: string; // its public key file
    encrypted: string; // private key file, passphrase-protected, authorized for root
    encryptedPassphrase: string;
    unauthorized: string; // private key file authorized nowhere
  };
  users: { root: 'root'; noDocker: 'batonlab' };
  images: { web1: string; web2: string; haproxy: string };
}

export interface LabUpOptions {
  hosts?: number; // hosts with Docker; default 3
  fresh?: boolean; // tear down and rebuild even if a healthy lab of that size runs
  log?: (line: string) => void;
}

export interface HostStatus {
  name: string;
  address: string;
  hostname: string;
  docker: boolean;
  link: boolean;
  sshd: boolean;
  dockerd: boolean | undefined; // undefined for the bare host
}

const hostSchema = z.object({
  name: z.string(),
  netns: z.string(),
  address: z.string(),
  hostname: z.string(),
  sshPort: z.number().int(),
  altSshPort: z.number().int(),
  dockerSocket: z.string(),
  hostKeyFingerprint: z.string().startsWith('SHA256:'),
});

const infoSchema = z.object({
  dir: z.string(),
  runDir: z.string(),
  bridge: z.string(),
  subnet: z.string(),
  hosts: z.array(hostSchema).min(1),
  bareHost: hostSchema,
  keys: z.object({
    root: z.string(),
    rootPub: z.string(),
    encrypted: z.string(),
    encryptedPassphrase: z.string(),
    unauthorized: z.string(),
  }),
  users: z.object({ root: z.literal('root'), noDocker: z.literal('batonlab') }),
  images: z.object({ web1: z.string(), web2: z.string(), haproxy: z.string() }),
});

const quiet = (): void => undefined;

// ---------------------------------------------------------------- public API

// Brings the lab up and returns its description (also written to <runDir>/lab.json).
// Idempotent: a healthy running lab of the same size is reused as it is (containers
// and all); anything else (another size, a killed host, leftovers of a crashed run)
// is torn down and rebuilt from scratch. `fresh: true` always rebuilds.
export async function labUp(opts: LabUpOptions = {}): Promise<LabInfo> {
  const count = opts.hosts ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new Error(`lab hosts must be an integer from 1 to ${MAX_HOSTS}, got ${count}`);
  }
  const log = opts.log ?? quiet;
  await ensurePrerequisites(log);
  const dirs = labDirs();
  return withLock(lockFile(dirs), async () => {
    if (!opts.fresh) {
      const current = await healthyLab(dirs, count);
      if (current) {
        await ensureForwardRule(); // a root-namespace dockerd or a firewall reload may have dropped it
        log(`reusing the running lab (${count} hosts, all answering)`);
        return current;
      }
    }
    await teardown(dirs, log);
    return bringUp(dirs, count, log);
  });
}

// Kills every lab process (daemons and containers), unmounts what the engines left,
// deletes namespaces, veths, bridge, iptables rule, run dir and engines' data.
// Keeps client and host keys. Never fails on missing pieces.
export async function labDown(opts: { log?: (line: string) => void } = {}): Promise<void> {
  requireRoot();
  const dirs = labDirs();
  await withLock(lockFile(dirs), () => teardown(dirs, opts.log ?? quiet));
}

export function readLab(): LabInfo {
  const file = stateFile();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`The Baton test lab is not up (no ${file}). Start it as root: npm run lab -- up`);
  }
  let parsed: ReturnType<typeof infoSchema.safeParse>;
  try {
    parsed = infoSchema.safeParse(JSON.parse(text));
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}). Restart the lab: npm run lab -- up --fresh`);
  }
  if (!parsed.success) {
    throw new Error(`${file} is not a lab description (${parsed.error.message}). Restart the lab: npm run lab -- up --fresh`);
  }
  return parsed.data;
}

// 'process': SIGKILL everything of that host (sshd and its sessions, dockerd, containerd,
// shims, containers). 'link': its veth goes down; the host runs on, unreachable.
export async function killHost(name: string, mode: 'process' | 'link'): Promise<void> {
  requireRoot();
  const dirs = labDirs();
  await withLock(lockFile(dirs), async () => {
    const h = layoutOf(readLab(), name, dirs);
    if (mode === 'link') await setLink(h, 'down');
    else await killProcs(await hostMatch(h));
  });
}

// Undoes either kind of kill: link up; sshd and dockerd started again if they are gone
// (after cleaning stale pid files and mounts); waits until both answer.
export async function reviveHost(name: string): Promise<void> {
  requireRoot();
  const dirs = labDirs();
  await withLock(lockFile(dirs), async () => {
    const h = layoutOf(readLab(), name, dirs);
    await setLink(h, 'up');
    if (!(await namespaceId(h.utsFile, 'uts'))) await createUts(h);
    await reviveSshd(h, dirs);
    if (h.docker) await reviveDockerd(h);
  });
}

// A new sshd host key for that host, sshd restarted; returns the new fingerprint.
export async function rotateHostKey(name: string): Promise<string> {
  requireRoot();
  const dirs = labDirs();
  return withLock(lockFile(dirs), async () => {
    const info = readLab();
    const h = layoutOf(info, name, dirs);
    await stopSshd(h);
    await ensureHostKey(h, true);
    await startSshd(h, dirs);
    const fp = await fingerprint(`${h.hostKey}.pub`);
    for (const host of [...info.hosts, info.bareHost]) if (host.name === name) host.hostKeyFingerprint = fp;
    await writeState(dirs, info);
    return fp;
  });
}

// `docker -H unix://<socket> …args` in the root namespace; never throws on exit codes.
export function dockerCli(host: LabHost, args: string[]): Promise<RunResult> {
  const env = { ...process.env };
  delete env['DOCKER_HOST'];
  delete env['DOCKER_CONTEXT'];
  return tryRun('docker', ['-H', `unix://${host.dockerSocket}`, ...args], { env });
}

export async function labStatus(): Promise<HostStatus[]> {
  const info = readLab();
  const dirs = labDirs();
  const all = [...info.hosts, info.bareHost];
  return Promise.all(
    all.map(async (host) => {
      const h = layoutOf(info, host.name, dirs);
      const [link, sshd, dockerd] = await Promise.all([
        linkIsUp(h.veth),
        sshGreets(h.address, SSH_PORT, 1000),
        h.docker ? dockerAnswers(h.dockerSocket, 1000) : Promise.resolve(undefined),
      ]);
      return { name: h.name, address: h.address, hostname: host.hostname, docker: h.docker, link, sshd, dockerd };
    }),
  );
}

// ---------------------------------------------------------------- up

async function bringUp(dirs: LabDirs, count: number, log: (line: string) => void): Promise<LabInfo> {
  const started = Date.now();
  const hosts = dockerHostLayouts(count, dirs);
  const all = [...hosts, bareHostLayout(dirs)];
  await mkdir(dirs.run, { recursive: true, mode: 0o755 });
  await mkdir(dirs.state, { recursive: true, mode: 0o755 });
  const archives = buildImageArchives(join(dirs.run, 'images'));
  archives.catch(() => undefined); // awaited below; don't let an early failure go unhandled meanwhile
  await Promise.all([ensureClientKeys(dirs), ensureNoDockerUser(), ...all.map((h) => ensureHostKey(h))]);
  await ensureBridge();
  await ensureForwardRule();
  for (const h of all) await addHostNetwork(h);
  await Promise.all(all.map(createUts));
  log(`network: bridge ${BRIDGE} ${SUBNET}, ${all.map((h) => `${h.name}=${h.address}`).join(' ')}`);
  await Promise.all(all.map((h) => startSshd(h, dirs)));
  log('sshd answering on every host');
  await Promise.all(hosts.map(startDockerd));
  log('dockerd answering on every host');
  const paths = await archives;
  await Promise.all(hosts.map((h) => loadImages(h.dockerSocket, paths)));
  await rm(join(dirs.run, 'images'), { recursive: true, force: true });
  log(`images loaded: ${Object.values(IMAGES).join(' ')}`);
  const info = await describe(dirs, hosts, bareHostLayout(dirs));
  await writeState(dirs, info);
  log(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s; state in ${stateFile(dirs)}`);
  return info;
}

// The host's own UTS namespace, kept alive by a bind mount, so that sshd and dockerd
// (started separately, restarted separately) share one hostname.
async function createUts(h: HostLayout): Promise<void> {
  await mkdir(h.runDir, { recursive: true, mode: 0o755 });
  await writeFile(h.utsFile, '');
  await run('unshare', [`--uts=${h.utsFile}`, 'hostname', h.name]);
}

async function describeHost(h: HostLayout): Promise<LabHost> {
  return {
    name: h.name,
    netns: h.name,
    address: h.address,
    hostname: h.name,
    sshPort: SSH_PORT,
    altSshPort: ALT_SSH_PORT,
    dockerSocket: h.dockerSocket,
    hostKeyFingerprint: await fingerprint(`${h.hostKey}.pub`),
  };
}

async function describe(dirs: LabDirs, hosts: HostLayout[], bare: HostLayout): Promise<LabInfo> {
  const k = keyPaths(dirs);
  return {
    dir: dirs.state,
    runDir: dirs.run,
    bridge: BRIDGE,
    subnet: SUBNET,
    hosts: await Promise.all(hosts.map(describeHost)),
    bareHost: await describeHost(bare),
    keys: {
      root: k.root,
      rootPub: `${k.root}.pub`,
      encrypted: k.encrypted,
      encryptedPassphrase: ENCRYPTED_KEY_PASSPHRASE,
      unauthorized: k.unauthorized,
    },
    users: { root: 'root', noDocker: NO_DOCKER_USER },
    images: { web1: IMAGES.web1, web2: IMAGES.web2, haproxy: IMAGES.haproxy },
  };
}

async function writeState(dirs: LabDirs, info: LabInfo): Promise<void> {
  const file = stateFile(dirs);
  await writeFile(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o644 });
  await run('mv', [`${file}.tmp`, file]);
}

// The described lab if it has `count` hosts and every piece answers, else undefined.
async function healthyLab(dirs: LabDirs, count: number): Promise<LabInfo | undefined> {
  let info: LabInfo;
  try {
    info = readLab();
  } catch {
    return undefined;
  }
  if (info.hosts.length !== count || info.dir !== dirs.state || info.runDir !== dirs.run) return undefined;
  if (!(await linkIsUp(BRIDGE))) return undefined;
  const checks = [...info.hosts, info.bareHost].map((host) => hostHealthy(layoutOf(info, host.name, dirs)));
  return (await Promise.all(checks)).every(Boolean) ? info : undefined;
}

async function hostHealthy(h: HostLayout): Promise<boolean> {
  const basics = await Promise.all([
    namespaceId(h.netnsFile, 'net').then(Boolean),
    namespaceId(h.utsFile, 'uts').then(Boolean),
    linkIsUp(h.veth),
    sshGreets(h.address, SSH_PORT, 1000),
  ]);
  if (!basics.every(Boolean)) return false;
  return !h.docker || ((await dockerAnswers(h.dockerSocket, 1000)) && (await imagesPresent(h.dockerSocket)));
}

// ---------------------------------------------------------------- down

async function labNamespaceIds(dirs: LabDirs): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const ns of await labNetnsNames()) {
    const id = await namespaceId(`/var/run/netns/${ns}`, 'net');
    if (id) ids.add(id);
  }
  for (const entry of await readdir(dirs.run).catch(() => [])) {
    const id = await namespaceId(join(dirs.run, entry, 'uts'), 'uts');
    if (id) ids.add(id);
  }
  return ids;
}

async function teardown(dirs: LabDirs, log: (line: string) => void): Promise<void> {
  const engines = join(dirs.state, 'docker');
  const match: ProcMatch = { namespaces: await labNamespaceIds(dirs), pathPrefixes: [`${dirs.run}/`, `${engines}/`] };
  const steps: [string, () => Promise<string | void>][] = [
    ['kill processes', async () => counted(await killProcs(match), 'processes killed')],
    ['unmount', async () => counted(await unmountUnder([dirs.run, engines]), 'mounts removed')],
    ['network', async () => (await removeNetwork()).join(', ')],
    ['cgroups', () => removeCgroups((name) => name.startsWith(`${PREFIX}-`))],
    ['shim sockets', () => removeAllShimSockets(dirs)],
    ['files', async () => void (await Promise.all([rm(dirs.run, { recursive: true, force: true }), rm(engines, { recursive: true, force: true })]))],
  ];
  for (const [what, step] of steps) {
    try {
      const done = await step();
      if (done) log(done);
    } catch (e) {
      log(`warning: ${what}: ${(e as Error).message}`); // keep going: the other pieces still go
    }
  }
}

function counted(n: number, what: string): string {
  return n === 0 ? '' : `${n} ${what}`;
}

async function removeAllShimSockets(dirs: LabDirs): Promise<void> {
  const names = (await readdir(dirs.run).catch(() => [])).filter((n) => n.startsWith(`${PREFIX}-`));
  await Promise.all(names.map((n) => removeShimSockets(hostLayout(n, '', true, dirs))));
}

// ---------------------------------------------------------------- kill / revive

function layoutOf(info: LabInfo, name: string, dirs: LabDirs): HostLayout {
  if (info.bareHost.name === name) return hostLayout(name, info.bareHost.address, false, dirs);
  const host = info.hosts.find((h) => h.name === name);
  if (!host) {
    const names = [...info.hosts, info.bareHost].map((h) => h.name).join(', ');
    throw new Error(`no lab host named ${name} (hosts: ${names})`);
  }
  return hostLayout(name, host.address, true, dirs);
}

async function hostMatch(h: HostLayout): Promise<ProcMatch> {
  const ids = await Promise.all([namespaceId(h.netnsFile, 'net'), namespaceId(h.utsFile, 'uts')]);
  return {
    namespaces: new Set(ids.filter((id): id is string => id !== undefined)),
    pathPrefixes: [`${h.runDir}/`, `${h.dataRoot}/`],
  };
}

async function daemonAlive(pidFile: string): Promise<boolean> {
  const pid = await readPidFile(pidFile);
  return pid !== undefined && (await isAlive(pid));
}

async function reviveSshd(h: HostLayout, dirs: LabDirs): Promise<void> {
  if (await daemonAlive(h.sshdPidFile)) {
    await waitReady({ what: `sshd of ${h.name}`, ready: () => sshGreets(h.address, SSH_PORT, 500), logFile: h.sshdLog, timeoutMs: 15_000 });
    return;
  }
  await stopSshd(h);
  await startSshd(h, dirs);
}

async function reviveDockerd(h: HostLayout): Promise<void> {
  if (await daemonAlive(h.dockerPidFile)) {
    await waitReady({ what: `dockerd of ${h.name}`, ready: () => dockerAnswers(h.dockerSocket, 1000), logFile: h.dockerLog, timeoutMs: 30_000 });
    return;
  }
  await startDockerd(h); // cleans stale processes, mounts and pid files first
}
