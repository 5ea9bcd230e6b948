// What in a stack reaches into the host a replica lands on: a bind mount of the host's own files
// or sockets, and keys such as `privileged` or `pid: host`. Such a service is refused unless it
// says it means it, with `x-baton: { host_access: true }`; with that consent the plan still lists
// what it reaches, marked as host access. The lists and the rule live here, in one place: a key
// that Baton supports joins by having a line in HOST_REACHING_KEYS (service.ts asks it for every
// key it accepts), and one in writtenKeys, so hostAccessOf lists it in the plan.
import { posix } from 'node:path';
import type { ContainerOptions, ServiceSpec, VolumeMount } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';

interface HostPathRule {
  path: string;
  /** The paths under it reach as far (a file in /etc is the host's configuration too). */
  under: boolean;
  why: string;
}

const ENGINE_STATE = 'whoever holds it controls every container of the host, and through them the host';

/** Host paths a bind mount must not reach without consent, and why each matters. */
export const SENSITIVE_HOST_PATHS: readonly HostPathRule[] = [
  { path: '/', under: false, why: "the host's whole filesystem" },
  { path: '/etc', under: true, why: "the host's configuration: users and password hashes, sudoers, sshd, cron" },
  { path: '/root', under: true, why: "root's home: its SSH keys and credentials" },
  { path: '/home', under: true, why: "the users' homes: their SSH keys and credentials" },
  { path: '/proc', under: true, why: "the host's processes and kernel settings" },
  { path: '/sys', under: true, why: "the host kernel's devices and settings" },
  { path: '/dev', under: true, why: "the host's devices: disks, memory, terminals" },
  { path: '/boot', under: true, why: "the host's kernel and boot loader" },
  { path: '/var/lib/docker', under: true, why: `the Docker engine's state, every container's files and volumes: ${ENGINE_STATE}` },
  { path: '/var/lib/containerd', under: true, why: `containerd's state, every container's files: ${ENGINE_STATE}` },
  { path: '/run/docker', under: true, why: `the Docker engine's runtime state and plugin sockets: ${ENGINE_STATE}` },
  { path: '/var/run/docker', under: true, why: `the Docker engine's runtime state and plugin sockets: ${ENGINE_STATE}` },
  { path: '/run/containerd', under: true, why: `containerd's sockets: ${ENGINE_STATE}` },
  { path: '/var/run/containerd', under: true, why: `containerd's sockets: ${ENGINE_STATE}` },
  // /run itself, not what is under it: /run/myapp is a service's own; the engines' sockets are caught by name below.
  { path: '/run', under: false, why: "the host's runtime folder, with the Docker engine's socket and every other daemon's" },
  { path: '/var/run', under: false, why: "the host's runtime folder, with the Docker engine's socket and every other daemon's" },
];

/** An engine's API socket wherever it lives (/run/user/1000/docker.sock, a custom path, …). */
const ENGINE_SOCKET = /(docker|containerd|podman|crio)\.sock$/;
const ENGINE_SOCKET_WHY = `a container engine's API socket: ${ENGINE_STATE}`;

/** `/var/run/../etc/` → `/etc`; the path a rule compares. */
function normalized(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Why a bind mount of this host path reaches into the host, or null when it does not. */
export function bindHostAccess(source: string): string | null {
  const path = normalized(source);
  if (ENGINE_SOCKET.test(path)) return ENGINE_SOCKET_WHY;
  for (const rule of SENSITIVE_HOST_PATHS) {
    if (path === rule.path || (rule.under && path.startsWith(`${rule.path}/`))) return rule.why;
  }
  // A folder that holds one of them holds what it gives: /var has /var/lib/docker and /var/run.
  const inside = SENSITIVE_HOST_PATHS.find((rule) => rule.path !== '/' && rule.path.startsWith(`${path}/`));
  return inside ? `it holds ${inside.path}, ${inside.why}` : null;
}

const truthy = (v: unknown): boolean => v === true || v === 'true';
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Linux capabilities that give a container power over the whole host (see capabilities(7)). */
const HOST_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'SYSLOG']);
const UNCONFINED = /^(seccomp[=:]unconfined|apparmor[=:]unconfined|label[=:]disable|systempaths[=:]unconfined)$/;

/**
 * Service keys that reach into the host, and why. Some are refused (service-keys.ts: uts,
 * userns_mode, cgroup, use_api_socket) or ignored (network_mode: host); the rule applies to a key
 * as soon as it is accepted.
 */
export const HOST_REACHING_KEYS: Readonly<Record<string, (value: unknown) => string | null>> = {
  privileged: (v) => (truthy(v) ? 'every device and every kernel capability of the host' : null),
  devices: (v) => (listOf(v).length > 0 ? "the host's devices" : null),
  pid: (v) => (v === 'host' ? "the host's processes: it can see, signal and trace them" : null),
  network_mode: (v) => (v === 'host' ? "the host's network: every interface and port of the host" : null),
  ipc: (v) => (v === 'host' ? "the host's shared memory" : null),
  uts: (v) => (v === 'host' ? "the host's own host name" : null),
  userns_mode: (v) => (v === 'host' ? 'no user-namespace remapping: root in the container is root on the host' : null),
  cgroup: (v) => (v === 'host' ? "the host's cgroup tree" : null),
  cap_add: (v) => {
    const caps = listOf(v).map((c) => c.toUpperCase().replace(/^CAP_/, '')).filter((c) => HOST_CAPABILITIES.has(c));
    return caps.length > 0 ? `kernel capabilities over the whole host (${caps.join(', ')})` : null;
  },
  security_opt: (v) => {
    const off = listOf(v).filter((o) => UNCONFINED.test(o));
    return off.length > 0 ? `the kernel's confinement turned off (${off.join(', ')})` : null;
  },
  use_api_socket: (v) => (truthy(v) ? `the Docker engine's API of the host it lands on: ${ENGINE_STATE}` : null),
};

export function keyHostAccess(key: string, value: unknown): string | null {
  return Object.hasOwn(HOST_REACHING_KEYS, key) ? HOST_REACHING_KEYS[key]!(value) : null;
}

/** One thing a service reaches into the host with, where the file says it. */
export interface HostReach {
  path: Path;
  /** As a person reads it: "bind mount of /var/run/docker.sock", "`privileged: true`". */
  what: string;
  why: string;
  at?: 'key' | 'value';
}

export const HOST_ACCESS_CONSENT = '`x-baton: { host_access: true }`';

/**
 * The consent rule: without `host_access: true` each reach is an error at its line that says what
 * to write; with it, nothing (the plan lists them). Consent with nothing to consent to is a warning.
 */
export function checkHostAccess(problems: ProblemList, consentPath: Path, reaches: readonly HostReach[], consent: boolean): void {
  if (consent) {
    if (reaches.length === 0) problems.warn(consentPath, '`host_access: true`, but nothing in this service reaches into the host: remove it', { at: 'key' });
    return;
  }
  for (const r of reaches) {
    problems.error(r.path, `${r.what} reaches into the host: ${r.why}. If this service must have it, say so with ${HOST_ACCESS_CONSENT} on the service; otherwise remove it`, r.at ? { at: r.at } : {});
  }
}

export function describeBind(v: Pick<VolumeMount, 'source' | 'target' | 'readOnly'>): string {
  return `${v.source ?? ''} → ${v.target} (${v.readOnly ? 'ro' : 'rw'})`;
}

/** The container options that can reach into the host, as the file writes them (the keys of HOST_REACHING_KEYS). */
function writtenKeys(o: ContainerOptions): [key: string, value: unknown, shown: string][] {
  const out: [string, unknown, string][] = [];
  if (o.privileged !== undefined) out.push(['privileged', o.privileged, `privileged: ${o.privileged}`]);
  if (o.devices) out.push(['devices', o.devices.map((d) => `${d.source}:${d.target}:${d.permissions}`), `devices: ${o.devices.map((d) => d.source).join(', ')}`]);
  if (o.pid !== undefined) out.push(['pid', o.pid, `pid: ${o.pid}`]);
  if (o.ipc !== undefined) out.push(['ipc', o.ipc, `ipc: ${o.ipc}`]);
  if (o.capAdd) out.push(['cap_add', o.capAdd, `cap_add: ${o.capAdd.join(', ')}`]);
  if (o.securityOpt) out.push(['security_opt', o.securityOpt, `security_opt: ${o.securityOpt.join(', ')}`]);
  return out;
}

/** What an accepted service reaches into the host with, for the plan: its bind mounts and keys. */
export function hostAccessOf(spec: Pick<ServiceSpec, 'volumes' | 'container'>): { kind: 'bind' | 'key'; what: string; why: string }[] {
  const out: { kind: 'bind' | 'key'; what: string; why: string }[] = [];
  for (const v of spec.volumes) {
    const why = v.type === 'bind' && v.source !== null ? bindHostAccess(v.source) : null;
    if (why !== null) out.push({ kind: 'bind', what: describeBind(v), why });
  }
  for (const [key, value, shown] of spec.container ? writtenKeys(spec.container) : []) {
    const why = keyHostAccess(key, value);
    if (why !== null) out.push({ kind: 'key', what: `\`${shown}\``, why });
  }
  return out;
}
