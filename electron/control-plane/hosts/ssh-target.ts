// Turns what a person types for a host ("root@10.0.0.5:2222", an alias from ~/.ssh/config,
// "unix:///var/run/docker.sock") into where to dial and how to authenticate.
import SSHConfig from 'ssh-config';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../../shared/errors.ts';
import type { SshConfigHost } from '../../../shared/api.ts';

export type ParsedTarget =
  | { kind: 'local'; socketPath: string }
  | { kind: 'ssh'; user: string | null; host: string; port: number | null };

/** Syntax only: `unix:///path`, `[user@]host[:port]`, `[user@][v6addr]:port`. */
export function parseTarget(target: string): ParsedTarget {
  const text = target.trim();
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new BatonError('INVALID_INPUT', `"${target}" is not a socket path: write unix:///absolute/path/to/docker.sock.`, { field: 'target' });
    }
    return { kind: 'local', socketPath };
  }
  const match = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^@:\s[\]]+)(?::(\d+))?$/.exec(text);
  if (!match) {
    throw new BatonError(
      'INVALID_INPUT',
      `"${target}" is not a host: write user@address[:port] (e.g. root@10.0.0.5 or deploy@web-1:2222), an alias from ~/.ssh/config, or unix:///var/run/docker.sock for a local engine.`,
      { field: 'target' },
    );
  }
  const [, user, rawHost, rawPort] = match;
  const host = rawHost!.startsWith('[') ? rawHost!.slice(1, -1) : rawHost!;
  let port: number | null = null;
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new BatonError('INVALID_INPUT', `Port ${rawPort} in "${target}" is out of range: use 1-65535.`, { field: 'target' });
    }
  }
  return { kind: 'ssh', user: user ?? null, host, port };
}

export interface ResolvedSshTarget {
  user: string;
  /** The name as typed (an alias, or the address itself): used as the default host name. */
  alias: string;
  address: string;
  port: number;
  identityFiles: string[]; // from ~/.ssh/config, `~` expanded, in order
  /** HostKeyAlias from ~/.ssh/config: the one name known_hosts is searched under, when set. */
  hostKeyAlias: string | null;
}

export function expandHome(path: string, home = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function readSshConfig(file: string): SSHConfig | null {
  if (!existsSync(file)) return null;
  try {
    return SSHConfig.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BatonError('INVALID_INPUT', `Could not read ${file}: ${(err as Error).message}. Fix the file or move it aside.`);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Applies ~/.ssh/config (Host sections; `Match exec` is never run) to a parsed ssh target. */
export function resolveSshTarget(
  target: Extract<ParsedTarget, { kind: 'ssh' }>,
  options: { sshConfigFile?: string; home?: string } = {},
): ResolvedSshTarget {
  const home = options.home ?? homedir();
  const config = readSshConfig(options.sshConfigFile ?? join(home, '.ssh', 'config'));
  const computed = config ? config.compute(target.host, { ignoreCase: true, matchExec: false }) : {};
  const hostName = first(computed['hostname']);
  const configUser = first(computed['user']);
  const configPort = first(computed['port']);
  const identity = computed['identityfile'];
  const hostKeyAlias = first(computed['hostkeyalias']);
  const identityFiles = (Array.isArray(identity) ? identity : identity ? [identity] : []).map((f) => expandHome(f, home));
  const port = target.port ?? (configPort ? Number(configPort) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BatonError('INVALID_INPUT', `~/.ssh/config gives host ${target.host} port "${configPort}", which is not a port number.`);
  }
  return {
    user: target.user ?? configUser ?? userInfo().username,
    alias: target.host,
    address: hostName ?? target.host,
    port,
    identityFiles,
    hostKeyAlias: hostKeyAlias ?? null,
  };
}

/** The concrete Host entries of ~/.ssh/config (no wildcards), for the add-host wizard. */
export function listSshConfigHosts(options: { sshConfigFile?: string; home?: string } = {}): SshConfigHost[] {
  const home = options.home ?? homedir();
  const config = readSshConfig(options.sshConfigFile ?? join(home, '.ssh', 'config'));
  if (!config) return [];
  const aliases = new Set<string>();
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : String(line.value).split(/\s+/);
    for (const alias of values) if (alias && !/[*?!]/.test(alias)) aliases.add(alias);
  }
  return [...aliases].map((alias) => {
    const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
    const port = first(computed['port']);
    const identity = first(computed['identityfile']);
    return {
      alias,
      hostName: first(computed['hostname']) ?? null,
      user: first(computed['user']) ?? null,
      port: port ? Number(port) : null,
      identityFile: identity ? expandHome(identity, home) : null,
    };
  });
}

/** Default keys ssh would try, in its order, that exist. */
export function defaultIdentityFiles(home = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).filter((f) => existsSync(f));
}
