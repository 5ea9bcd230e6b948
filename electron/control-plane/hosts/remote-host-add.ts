// What a remote (WebSocket) client may name in `host.add`. It may be anywhere, so the control plane
// neither reads nor dials a path it names on this machine, and says nothing of whether one exists:
// a key file must be one this machine's own SSH setup names (an IdentityFile of ~/.ssh/config, or a
// default ~/.ssh/id_*), an agent socket must be the control plane's own SSH_AUTH_SOCK, and a
// unix:// target one of the Docker engine's well-known sockets. A local client (the CLI, the
// desktop window) is the person running Baton, on their own machine: none of this applies to it.
import { join, posix } from 'node:path';
import type { HostAddParams } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import { expandHome, listSshConfigHosts, parseTarget, resolveSshTarget } from './ssh-target.ts';

export interface ServerSide {
  /** The home of the user running the control plane (its ~/.ssh). */
  userHome: string;
  /** The control plane's own SSH agent (its SSH_AUTH_SOCK), if any. */
  agentSocket: string | undefined;
  /** The local engine's socket the control plane offers (host.localEngine). */
  localSocket: string | undefined;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Where Docker engines listen by default: the system engine, and this user's rootless one. */
export function wellKnownEngineSockets(server: Pick<ServerSide, 'localSocket'>): string[] {
  const uid = process.getuid?.();
  const sockets = ['/var/run/docker.sock', '/run/docker.sock', ...(uid !== undefined ? [`/run/user/${uid}/docker.sock`] : [])];
  if (server.localSocket !== undefined && !sockets.includes(server.localSocket)) sockets.push(server.localSocket);
  return sockets;
}

/** The key files this machine's SSH setup names: IdentityFiles of ~/.ssh/config and the default keys. Nothing is read but the config. */
function serverKeys(server: ServerSide, target: ReturnType<typeof parseTarget>): Set<string> {
  const keys = new Set(DEFAULT_KEYS.map((k) => join(server.userHome, '.ssh', k)));
  for (const entry of listSshConfigHosts({ home: server.userHome })) if (entry.identityFile !== null) keys.add(posix.normalize(entry.identityFile));
  if (target.kind === 'ssh') for (const file of resolveSshTarget(target, { home: server.userHome }).identityFiles) keys.add(posix.normalize(file));
  return keys;
}

/** Throws INVALID_INPUT, naming the field, for what a remote client may not name; reads and dials nothing it names. */
export function checkRemoteHostAdd(params: HostAddParams, server: ServerSide): void {
  const target = parseTarget(params.target);
  if (target.kind === 'local') {
    const allowed = wellKnownEngineSockets(server);
    if (!allowed.includes(posix.normalize(target.socketPath))) {
      throw new BatonError(
        'INVALID_INPUT',
        `Over a remote connection only a Docker engine's well-known socket can be added (${allowed.map((s) => `unix://${s}`).join(', ')}): the control plane dials no other socket a remote client names. Add that engine with baton host add on the control plane's machine, or reach it over SSH.`,
        { field: 'target' },
      );
    }
    return;
  }
  if (params.identityFile !== undefined && !serverKeys(server, target).has(posix.normalize(expandHome(params.identityFile, server.userHome)))) {
    throw new BatonError(
      'INVALID_INPUT',
      "Over a remote connection a key file must be one the control plane's own SSH setup names: the control plane reads no file a remote client names. Leave the key file empty (the alias's IdentityFile, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa of the user running Baton), pick an alias from its ~/.ssh/config, or use its SSH agent; or add the host with baton host add on that machine.",
      { field: 'identityFile' },
    );
  }
  if (params.agentSocket !== undefined && params.agentSocket !== server.agentSocket) {
    throw new BatonError(
      'INVALID_INPUT',
      `Over a remote connection only the control plane's own SSH agent can be used: give its SSH_AUTH_SOCK (echo $SSH_AUTH_SOCK where baton serve runs)${server.agentSocket === undefined ? ', and start baton serve with an agent running, as none is' : ''}, or use a key file its SSH setup names.`,
      { field: 'agentSocket' },
    );
  }
}
