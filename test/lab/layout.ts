// Names, addresses and paths of the lab. Everything here is derived from a host's
// name, so every operation can find a host's pieces without extra bookkeeping.
import { join } from 'node:path';

// BATON_LAB_ID=K (1-9) makes a second, independent lab beside the first: its own names
// (baton-labK-N), subnet (10.213.K.0/24), bridge and folders, so lab suites that don't share
// hosts can run at once. Unset or 0: the default lab.
export const LAB_ID = labId();
export const PREFIX = LAB_ID === 0 ? 'baton-lab' : `baton-lab${LAB_ID}`;
export const BRIDGE = `${PREFIX}-br`;
export const SUBNET = `10.213.${LAB_ID}.0/24`;
export const BRIDGE_ADDRESS = `10.213.${LAB_ID}.1`;
export const BARE_HOST = `${PREFIX}-bare`;
export const BARE_ADDRESS = `10.213.${LAB_ID}.10`;

function labId(): number {
  const raw = process.env['BATON_LAB_ID'];
  if (raw === undefined || raw === '') return 0;
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 0 || id > 9) throw new Error(`BATON_LAB_ID=${raw}: write a lab number from 0 to 9`);
  return id;
}
export const MAX_HOSTS = 50;
export const SSH_PORT = 22;
/** Every host's sshd also listens here, for what differs on a port other than 22 (known_hosts' [host]:port). */
export const ALT_SSH_PORT = 2222;
export const NO_DOCKER_USER = 'batonlab';
export const ENCRYPTED_KEY_PASSPHRASE = 'baton-lab-passphrase';

export const IMAGES = {
  web1: 'baton-test/web:1',
  web2: 'baton-test/web:2',
  haproxy: 'baton-test/haproxy:2.6',
} as const;

export interface LabDirs {
  state: string; // persistent: client keys, host keys, authorized keys, engines' data roots
  run: string; // volatile: sockets, pid files, logs, configs, the state file
}

// BATON_LAB_DIR=/x puts everything under /x/state and /x/run.
export function labDirs(): LabDirs {
  const base = process.env['BATON_LAB_DIR'];
  if (base) return { state: join(base, 'state'), run: join(base, 'run') };
  return { state: `/var/lib/${PREFIX}`, run: `/run/${PREFIX}` };
}

export function stateFile(dirs: LabDirs = labDirs()): string {
  return join(dirs.run, 'lab.json');
}

export function lockFile(dirs: LabDirs = labDirs()): string {
  return join(dirs.state, 'lock');
}

export function keyPaths(dirs: LabDirs = labDirs()) {
  const keys = join(dirs.state, 'keys');
  return {
    dir: keys,
    root: join(keys, 'id_root'),
    encrypted: join(keys, 'id_encrypted'),
    unauthorized: join(keys, 'id_unauthorized'),
    authorizedDir: join(dirs.state, 'authorized_keys'),
  };
}

export interface HostLayout {
  name: string; // netns name, root-side veth name, hostname
  address: string;
  docker: boolean; // false for the bare host
  netnsFile: string;
  veth: string; // root-namespace end; the namespace end is eth0
  runDir: string;
  utsFile: string; // bind mount that keeps the host's UTS namespace (its hostname) alive
  dataRoot: string;
  execRoot: string;
  dockerSocket: string;
  dockerPidFile: string;
  dockerConfig: string;
  dockerLog: string;
  sshdConfig: string;
  sshdPidFile: string;
  sshdLog: string;
  hostKey: string;
}

export function hostName(index: number): string {
  return `${PREFIX}-${index}`;
}

export function hostAddress(index: number): string {
  return `10.213.${LAB_ID}.${10 + index}`;
}

export function hostLayout(name: string, address: string, docker: boolean, dirs: LabDirs = labDirs()): HostLayout {
  const runDir = join(dirs.run, name);
  const execRoot = join(runDir, 'exec');
  return {
    name,
    address,
    docker,
    netnsFile: `/var/run/netns/${name}`,
    veth: name,
    runDir,
    utsFile: join(runDir, 'uts'),
    dataRoot: join(dirs.state, 'docker', name),
    execRoot,
    dockerSocket: join(runDir, 'docker.sock'),
    dockerPidFile: join(runDir, 'docker.pid'),
    dockerConfig: join(runDir, 'daemon.json'),
    dockerLog: join(runDir, 'dockerd.log'),
    sshdConfig: join(runDir, 'sshd_config'),
    sshdPidFile: join(runDir, 'sshd.pid'),
    sshdLog: join(runDir, 'sshd.log'),
    hostKey: join(dirs.state, 'hostkeys', name, 'ssh_host_ed25519_key'),
  };
}

export function dockerHostLayouts(count: number, dirs: LabDirs = labDirs()): HostLayout[] {
  return Array.from({ length: count }, (_, i) => hostLayout(hostName(i + 1), hostAddress(i + 1), true, dirs));
}

export function bareHostLayout(dirs: LabDirs = labDirs()): HostLayout {
  return hostLayout(BARE_HOST, BARE_ADDRESS, false, dirs);
}
