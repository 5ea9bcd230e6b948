// The container options of a service (init, user, sysctls, ulimits, logging, dns, devices, …) →
// ContainerOptions, each checked the way Docker would check it when it creates a replica: a value
// Docker would refuse on every host is an error here, at its line, before anything runs.
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { PLATFORM_ARCHITECTURES } from '../../../../shared/platform.ts';
import type { ContainerOptions, DeviceMapping, Ulimit } from '../../../../shared/stack.ts';
import type { Path } from './problems.ts';
import { scalarText, type SpecContext } from './spec-context.ts';
import { got, isDict, readBool, readBytes, readInt, readString } from './values.ts';

/** The service keys this module reads; service-keys.ts marks them supported. */
export const CONTAINER_OPTION_KEYS = [
  'init',
  'stop_signal',
  'user',
  'working_dir',
  'hostname',
  'domainname',
  'cap_add',
  'cap_drop',
  'sysctls',
  'ulimits',
  'logging',
  'extra_hosts',
  'dns',
  'dns_search',
  'dns_opt',
  'read_only',
  'shm_size',
  'security_opt',
  'privileged',
  'devices',
  'group_add',
  'pid',
  'ipc',
  'platform',
] as const;

/** signal(7) names, as Docker's StopSignal takes them (with or without "SIG"). */
const SIGNALS = new Set([
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'IOT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'POLL', 'PWR', 'SYS',
]);

/** capabilities(7), without the CAP_ prefix. */
export const CAPABILITIES = new Set([
  'ALL', 'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN', 'DAC_OVERRIDE',
  'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE',
  'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE',
  'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
]);

/** setrlimit(2) resources, as Docker names them. */
export const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'] as const;

/**
 * The kernel settings a container may have its own of (Docker refuses the rest: they would change
 * the host's): IPC ones, message queues, and the network namespace's.
 */
const NAMESPACED_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
function isNamespacedSysctl(name: string): boolean {
  return NAMESPACED_SYSCTLS.has(name) || name.startsWith('fs.mqueue.') || name.startsWith('net.');
}

const SECURITY_OPT_KEYS = ['label', 'apparmor', 'seccomp', 'no-new-privileges', 'systempaths', 'writable-cgroups'] as const;

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function readContainerOptions(ctx: SpecContext, path: Path, service: Record<string, unknown>): ContainerOptions | undefined {
  const out: ContainerOptions = {};
  const r = new Reader(ctx, path);
  const has = (key: string) => service[key] !== undefined && service[key] !== null;

  if (has('init')) r.set(out, 'init', readBool(ctx.problems, r.at('init'), service.init));
  if (has('read_only')) r.set(out, 'readOnly', readBool(ctx.problems, r.at('read_only'), service.read_only));
  if (has('privileged')) r.set(out, 'privileged', readBool(ctx.problems, r.at('privileged'), service.privileged));
  if (has('stop_signal')) r.set(out, 'stopSignal', r.signal(service.stop_signal));
  if (has('user')) r.set(out, 'user', r.user(service.user));
  if (has('working_dir')) r.set(out, 'workingDir', r.absolute('working_dir', service.working_dir));
  if (has('hostname')) r.set(out, 'hostname', r.hostname('hostname', service.hostname));
  if (has('domainname')) r.set(out, 'domainname', r.hostname('domainname', service.domainname));
  if (has('cap_add')) r.set(out, 'capAdd', r.capabilities('cap_add', service.cap_add));
  if (has('cap_drop')) r.set(out, 'capDrop', r.capabilities('cap_drop', service.cap_drop));
  if (has('sysctls')) r.set(out, 'sysctls', r.sysctls(service.sysctls));
  if (has('ulimits')) r.set(out, 'ulimits', r.ulimits(service.ulimits));
  if (has('logging')) r.set(out, 'logging', r.logging(service.logging));
  if (has('extra_hosts')) r.set(out, 'extraHosts', r.extraHosts(service.extra_hosts));
  if (has('dns')) r.set(out, 'dns', r.addresses('dns', service.dns));
  if (has('dns_search')) r.set(out, 'dnsSearch', r.strings('dns_search', service.dns_search, (s) => (HOSTNAME.test(s) || s === '.' ? null : 'is not a DNS domain')));
  if (has('dns_opt')) r.set(out, 'dnsOptions', r.strings('dns_opt', service.dns_opt, (s) => (/^[a-z][a-z0-9-]*(:\S+)?$/i.test(s) ? null : 'is not a resolv.conf option (ndots:2, timeout:3, edns0, …)')));
  if (has('shm_size')) r.set(out, 'shmSizeBytes', readBytes(ctx.problems, r.at('shm_size'), service.shm_size));
  if (has('security_opt')) r.set(out, 'securityOpt', r.securityOpt(service.security_opt));
  if (has('devices')) r.set(out, 'devices', r.devices(service.devices));
  if (has('group_add')) r.set(out, 'groupAdd', r.strings('group_add', service.group_add, (s) => (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s) ? null : 'is not a group name or id')));
  if (has('pid')) r.set(out, 'pid', r.namespace('pid', service.pid, ['host'] as const));
  if (has('ipc')) r.set(out, 'ipc', r.namespace('ipc', service.ipc, ['host', 'private', 'shareable', 'none'] as const));
  if (has('platform')) r.set(out, 'platform', r.platform(service.platform));
  return Object.keys(out).length > 0 ? out : undefined;
}

class Reader {
  constructor(
    private readonly ctx: SpecContext,
    private readonly path: Path,
  ) {}

  at(key: string, ...rest: (string | number)[]): Path {
    return [...this.path, key, ...rest];
  }

  private get problems() {
    return this.ctx.problems;
  }

  set<K extends keyof ContainerOptions>(out: ContainerOptions, key: K, value: ContainerOptions[K] | undefined): void {
    if (value !== undefined) out[key] = value;
  }

  /** A scalar as Compose reads it into a string (as written), or undefined after reporting it. */
  private text(path: Path, value: unknown): string | undefined {
    if (typeof value === 'number' || typeof value === 'boolean') return scalarText(this.ctx, path, value);
    const s = readString(this.problems, path, value);
    return s?.trim();
  }

  /** One string or a list of them, each checked; undefined when one was wrong. */
  strings(key: string, value: unknown, check: (s: string) => string | null, single = true): string[] | undefined {
    const items = Array.isArray(value) ? value : single ? [value] : null;
    if (items === null) {
      this.problems.error(this.at(key), `must be a list ${got(value)}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const p = Array.isArray(value) ? this.at(key, i) : this.at(key);
      const s = this.text(p, item);
      if (s === undefined) ok = false;
      else {
        const bad = s === '' ? 'is empty' : check(s);
        if (bad !== null) {
          this.problems.error(p, `"${s}" ${bad}`);
          ok = false;
        } else out.push(s);
      }
    });
    return ok ? out : undefined;
  }

  signal(value: unknown): string | undefined {
    const p = this.at('stop_signal');
    const s = this.text(p, value);
    if (s === undefined) return undefined;
    const upper = s.toUpperCase();
    const name = upper.replace(/^SIG/, '');
    const number = /^\d+$/.test(s) ? Number(s) : NaN;
    const realtime = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
    if ((Number.isInteger(number) && number >= 1 && number <= 64) || SIGNALS.has(name) || realtime) return upper;
    this.problems.error(p, `"${s}" is not a signal: write its name (SIGTERM, SIGINT, SIGQUIT, SIGUSR1, …) or its number`);
    return undefined;
  }

  user(value: unknown): string | undefined {
    const p = this.at('user');
    const s = this.text(p, value);
    if (s === undefined) return undefined;
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(s)) {
      this.problems.error(p, `"${s}" is not a user: write a name or id, with a group after ":" if needed ("1000", "1000:1000", "app:app")`);
      return undefined;
    }
    return s;
  }

  absolute(key: string, value: unknown): string | undefined {
    const p = this.at(key);
    const s = this.text(p, value);
    if (s === undefined) return undefined;
    if (!posix.isAbsolute(s)) {
      this.problems.error(p, `"${s}" is not an absolute path: write the folder in the container from / ("/app")`);
      return undefined;
    }
    return s;
  }

  hostname(key: string, value: unknown): string | undefined {
    const p = this.at(key);
    const s = this.text(p, value);
    if (s === undefined) return undefined;
    if (!HOSTNAME.test(s)) {
      this.problems.error(p, `"${s}" is not a valid host name: letters, digits and "-", in dot-separated parts of at most 63 characters`);
      return undefined;
    }
    return s;
  }

  capabilities(key: string, value: unknown): string[] | undefined {
    return this.strings(key, value, (s) => (CAPABILITIES.has(s.toUpperCase().replace(/^CAP_/, '')) ? null : 'is not a Linux capability (see capabilities(7): NET_ADMIN, SYS_TIME, …)'), false)?.map((c) => c.toUpperCase());
  }

  sysctls(value: unknown): Record<string, string> | undefined {
    const entries: { name: string; value: string; path: Path }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const p = this.at('sysctls', i);
        const s = this.text(p, item);
        if (s === undefined) return;
        const eq = s.indexOf('=');
        if (eq <= 0) this.problems.error(p, `"${s}" is not a kernel setting: write name=value ("net.core.somaxconn=1024")`);
        else entries.push({ name: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), path: p });
      });
    } else if (isDict(value)) {
      for (const [name, v] of Object.entries(value)) {
        const p = this.at('sysctls', name);
        const s = v === null ? undefined : this.text(p, v);
        if (v === null) this.problems.error(p, `has no value: write ${name}: VALUE`);
        if (s !== undefined) entries.push({ name, value: s, path: p });
      }
    } else {
      this.problems.error(this.at('sysctls'), `must be a list of name=value or a map ${got(value)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    let ok = true;
    for (const e of entries) {
      if (!/^[a-z0-9_]+(\.[a-z0-9_*/-]+)+$/i.test(e.name)) {
        this.problems.error(e.path, `"${e.name}" is not a kernel setting's name (dot-separated, as sysctl -a lists them: net.core.somaxconn)`, { at: isDict(value) ? 'key' : 'value' });
        ok = false;
      } else if (!isNamespacedSysctl(e.name)) {
        this.problems.error(e.path, `"${e.name}" is the host's own setting, not one a container can have (Docker allows net.*, fs.mqueue.* and the IPC kernel.* ones): set it on the hosts instead`, { at: isDict(value) ? 'key' : 'value' });
        ok = false;
      } else if (e.value === '') {
        this.problems.error(e.path, `"${e.name}" has no value`);
        ok = false;
      } else out[e.name] = e.value;
    }
    return ok ? out : undefined;
  }

  ulimits(value: unknown): Ulimit[] | undefined {
    if (!isDict(value)) {
      this.problems.error(this.at('ulimits'), `must be a map of limits ("nofile: 65536", or "nofile: { soft: 1024, hard: 65536 }") ${got(value)}`);
      return undefined;
    }
    const out: Ulimit[] = [];
    let ok = true;
    for (const [name, v] of Object.entries(value)) {
      const p = this.at('ulimits', name);
      if (!(ULIMIT_NAMES as readonly string[]).includes(name)) {
        this.problems.error(p, `\`${name}\` is not a resource limit: one of ${ULIMIT_NAMES.join(', ')}`, { at: 'key' });
        ok = false;
        continue;
      }
      const bounds = { min: -1 }; // -1: unlimited
      if (isDict(v)) {
        const soft = v.soft === undefined ? undefined : readInt(this.problems, [...p, 'soft'], v.soft, bounds);
        const hard = v.hard === undefined ? undefined : readInt(this.problems, [...p, 'hard'], v.hard, bounds);
        if (v.soft === undefined || v.hard === undefined) {
          this.problems.error(p, 'needs both `soft` and `hard`, or a single number for both');
          ok = false;
        } else if (soft === undefined || hard === undefined) ok = false;
        else if (hard !== -1 && (soft === -1 || soft > hard)) {
          this.problems.error([...p, 'soft'], `soft limit ${soft} is above the hard limit ${hard}: the kernel refuses it`);
          ok = false;
        } else out.push({ name, soft, hard });
      } else {
        const n = readInt(this.problems, p, v, bounds);
        if (n === undefined) ok = false;
        else out.push({ name, soft: n, hard: n });
      }
    }
    return ok ? out : undefined;
  }

  logging(value: unknown): ContainerOptions['logging'] {
    const p = this.at('logging');
    if (!isDict(value)) {
      this.problems.error(p, `must be a map with \`driver\` and \`options\` ${got(value)}`);
      return undefined;
    }
    const driver = value.driver === undefined || value.driver === null ? 'json-file' : this.text([...p, 'driver'], value.driver);
    if (driver === undefined) return undefined;
    if (!/^[a-z0-9][a-z0-9_.:/-]*$/i.test(driver)) {
      this.problems.error([...p, 'driver'], `"${driver}" is not a logging driver's name (json-file, local, journald, syslog, …)`);
      return undefined;
    }
    if (driver === 'none') this.problems.warn([...p, 'driver'], 'replicas keep no logs with driver "none": `baton logs` and the app show nothing for them');
    const options: Record<string, string> = {};
    if (value.options !== undefined && value.options !== null) {
      if (!isDict(value.options)) {
        this.problems.error([...p, 'options'], `must be a map of the driver's options ${got(value.options)}`);
        return undefined;
      }
      for (const [k, v] of Object.entries(value.options)) {
        const s = v === null ? '' : this.text([...p, 'options', k], v);
        if (s === undefined) return undefined;
        options[k] = s;
      }
    }
    return { driver, options };
  }

  extraHosts(value: unknown): string[] | undefined {
    const entries: { name: string; address: string; path: Path; written: string }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const p = this.at('extra_hosts', i);
        const s = this.text(p, item);
        if (s === undefined) return;
        // "name=address" (any address), or "name:address" split at the first colon (IPv6 keeps its own)
        const eq = s.indexOf('=');
        const colon = s.indexOf(':');
        const cut = eq > 0 ? eq : colon;
        if (cut <= 0) {
          this.problems.error(p, `"${s}" is not a host entry: write name:address or name=address ("db.local:10.0.0.5")`);
          return;
        }
        entries.push({ name: s.slice(0, cut).trim(), address: s.slice(cut + 1).trim(), path: p, written: s });
      });
    } else if (isDict(value)) {
      for (const [name, v] of Object.entries(value)) {
        const p = this.at('extra_hosts', name);
        const items = Array.isArray(v) ? v : [v];
        items.forEach((a, i) => {
          const ap = Array.isArray(v) ? [...p, i] : p;
          const s = a === null ? undefined : this.text(ap, a);
          if (a === null) this.problems.error(p, `has no address: write ${name}: ADDRESS`);
          if (s !== undefined) entries.push({ name, address: s, path: ap, written: `${name}: ${s}` });
        });
      }
    } else {
      this.problems.error(this.at('extra_hosts'), `must be a list ("name:address") or a map (name: address) ${got(value)}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    for (const e of entries) {
      const address = e.address.startsWith('[') && e.address.endsWith(']') ? e.address.slice(1, -1) : e.address;
      if (!HOSTNAME.test(e.name)) {
        this.problems.error(e.path, `"${e.written}": "${e.name}" is not a valid host name`);
        ok = false;
      } else if (address !== 'host-gateway' && isIP(address) === 0) {
        this.problems.error(e.path, `"${e.written}": "${e.address}" is not an IP address (or host-gateway, the replica's host)`);
        ok = false;
      } else out.push(`${e.name}:${address}`);
    }
    return ok ? out : undefined;
  }

  addresses(key: string, value: unknown): string[] | undefined {
    return this.strings(key, value, (s) => (isIP(s) !== 0 ? null : 'is not an IP address: name servers are written by address ("10.0.0.2", "1.1.1.1")'));
  }

  securityOpt(value: unknown): string[] | undefined {
    return this.strings(
      'security_opt',
      value,
      (s) => {
        if (s === 'no-new-privileges') return null;
        const cut = /[=:]/.exec(s);
        const key = cut ? s.slice(0, cut.index) : s;
        const v = cut ? s.slice(cut.index + 1) : '';
        if (!(SECURITY_OPT_KEYS as readonly string[]).includes(key) || v === '') {
          return `is not a security option: one of ${SECURITY_OPT_KEYS.map((k) => `${k}=…`).join(', ')}, or no-new-privileges`;
        }
        if (key === 'seccomp' && v !== 'unconfined' && v !== 'builtin') {
          return "names a seccomp profile file, which Baton does not send to the hosts: use seccomp=unconfined (with host access) or leave it out for Docker's default profile";
        }
        if (key === 'no-new-privileges' && !/^(true|false)$/.test(v)) return 'must be no-new-privileges=true or =false';
        if (key === 'systempaths' && v !== 'unconfined') return 'must be systempaths=unconfined';
        return null;
      },
      false,
    )?.map((s) => (s === 'no-new-privileges' ? s : s.replace(/^([a-z-]+):/, '$1=')));
  }

  devices(value: unknown): DeviceMapping[] | undefined {
    if (!Array.isArray(value)) {
      this.problems.error(this.at('devices'), `must be a list ${got(value)}`);
      return undefined;
    }
    const out: DeviceMapping[] = [];
    let ok = true;
    value.forEach((item, i) => {
      const p = this.at('devices', i);
      let d: DeviceMapping | undefined;
      if (isDict(item)) {
        const source = this.text([...p, 'source'], item.source);
        const target = item.target === undefined || item.target === null ? source : this.text([...p, 'target'], item.target);
        const permissions = item.permissions === undefined || item.permissions === null ? 'rwm' : this.text([...p, 'permissions'], item.permissions);
        if (source !== undefined && target !== undefined && permissions !== undefined) d = { source, target, permissions };
      } else {
        const s = this.text(p, item);
        if (s !== undefined) {
          const parts = s.split(':');
          if (parts.length > 3) this.problems.error(p, `"${s}" is not a device: write host-path[:container-path[:permissions]] ("/dev/fuse", "/dev/sda:/dev/xvda:rw")`);
          else if (parts.length === 2 && /^[rwm]+$/.test(parts[1]!)) d = { source: parts[0]!, target: parts[0]!, permissions: parts[1]! };
          else d = { source: parts[0]!, target: parts[1] ?? parts[0]!, permissions: parts[2] ?? 'rwm' };
        }
      }
      if (d === undefined) {
        ok = false;
        return;
      }
      if (/^[\w.-]+\/[\w.-]+=/.test(d.source)) {
        this.problems.error(p, `"${d.source}" is a CDI device name, which Baton does not support: give the device's path on the host ("/dev/…")`);
        ok = false;
      } else if (!posix.isAbsolute(d.source) || !posix.isAbsolute(d.target)) {
        this.problems.error(p, `"${d.source}" → "${d.target}": a device is an absolute path on the host and in the container ("/dev/fuse")`);
        ok = false;
      } else if (!/^[rwm]{1,3}$/.test(d.permissions) || new Set(d.permissions).size !== d.permissions.length) {
        this.problems.error(p, `permissions "${d.permissions}" must be made of r (read), w (write) and m (mknod), each once`);
        ok = false;
      } else out.push(d);
    });
    return ok ? out : undefined;
  }

  namespace<T extends string>(key: 'pid' | 'ipc', value: unknown, modes: readonly T[]): T | undefined {
    const p = this.at(key);
    const s = this.text(p, value);
    if (s === undefined) return undefined;
    if ((modes as readonly string[]).includes(s)) return s as T;
    // service:/container: are refused in service-keys.ts; report anything else once here
    if (!/^(service|container):/.test(s)) {
      this.problems.error(p, `"${s}" is not a ${key} mode Baton supports: ${modes.map((m) => `"${m}"`).join(', ')}, or leave it out for the replica's own`);
    }
    return undefined;
  }

  platform(value: unknown): string | undefined {
    const p = this.at('platform');
    const s = this.text(p, value)?.toLowerCase();
    if (s === undefined) return undefined;
    const [os = '', arch = '', variant, ...rest] = s.split('/');
    if (rest.length > 0 || os === '' || arch === '' || (variant !== undefined && !/^v\d+$/.test(variant))) {
      this.problems.error(p, `"${s}" is not a platform: write os/architecture[/variant] ("linux/amd64", "linux/arm64/v8")`);
      return undefined;
    }
    if (os !== 'linux') {
      this.problems.error(p, `"${s}": Baton runs Linux containers, so no host would take a ${os} replica; write linux/…`);
      return undefined;
    }
    if (!Object.hasOwn(PLATFORM_ARCHITECTURES, arch)) {
      this.problems.error(p, `"${s}": "${arch}" is not an architecture Baton knows: one of ${Object.keys(PLATFORM_ARCHITECTURES).join(', ')}`);
      return undefined;
    }
    return s;
  }
}
