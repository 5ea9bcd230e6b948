// Where is the Docker engine on an SSH host, and may this user talk to it? One short command
// answers both before Baton opens any Docker channel, so "no Docker" and "permission denied"
// are told apart from each other and from network trouble.
import { BatonError } from '../../../shared/errors.ts';
import type { SshLink } from './ssh-link.ts';

export type DockerEndpoint =
  | { via: 'streamlocal'; socketPath: string } // sshd forwards straight to the engine's socket
  | { via: 'dial-stdio'; dockerHost: string }; // the docker CLI on the host relays (tcp://, ssh://, …)

// POSIX sh; prints key=value lines. DOCKER_HOST comes from the login environment (sshd SetEnv,
// ~/.ssh/environment) as the docker CLI on that host would see it.
const PROBE = `h="\${DOCKER_HOST:-unix:///var/run/docker.sock}"
echo "host=$h"
case "$h" in
  unix://*) s="\${h#unix://}"
    if [ ! -e "$s" ]; then echo "socket=missing"
    elif [ ! -S "$s" ]; then echo "socket=notasocket"
    elif [ ! -r "$s" ] || [ ! -w "$s" ]; then echo "socket=denied"
    else echo "socket=ok"; fi ;;
  *) echo "socket=remote" ;;
esac
if command -v docker >/dev/null 2>&1; then echo "cli=yes"; else echo "cli=no"; fi
echo "user=$(id -un)"`;

export interface ProbeReport {
  dockerHost: string;
  socket: 'ok' | 'missing' | 'notasocket' | 'denied' | 'remote';
  cli: boolean;
  user: string;
}

export function parseProbe(stdout: string): ProbeReport {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const socket = values.get('socket');
  if (!socket || !['ok', 'missing', 'notasocket', 'denied', 'remote'].includes(socket)) {
    // said, not quoted: the output is the host's, and errors go back to clients
    throw new Error(`unexpected probe output (${stdout.length} bytes without a socket= line)`);
  }
  return {
    dockerHost: values.get('host') ?? '',
    socket: socket as ProbeReport['socket'],
    cli: values.get('cli') === 'yes',
    user: values.get('user') ?? '',
  };
}

/** The decision, pure: where Docker requests go, or why there is nowhere to send them. */
export function chooseDockerEndpoint(report: ProbeReport, where: string): DockerEndpoint {
  const socketPath = report.dockerHost.startsWith('unix://') ? report.dockerHost.slice('unix://'.length) : '';
  switch (report.socket) {
    case 'ok':
      return { via: 'streamlocal', socketPath };
    case 'denied':
      throw new BatonError(
        'DOCKER_PERMISSION',
        `${report.user} on ${where} may not use the Docker socket ${socketPath}. Add the user to the docker group on the host (sudo usermod -aG docker ${report.user}, then log in again) or connect as a user who may.`,
        { socketPath, user: report.user },
      );
    case 'missing':
    case 'notasocket':
      throw new BatonError(
        'DOCKER_NOT_FOUND',
        `No Docker engine on ${where}: ${socketPath} ${report.socket === 'missing' ? 'does not exist' : 'is not a socket'}. Install Docker there (e.g. apt-get install docker.io) and start it, or set DOCKER_HOST for ${report.user} if the engine listens elsewhere.`,
        { socketPath },
      );
    case 'remote':
      if (report.cli) return { via: 'dial-stdio', dockerHost: report.dockerHost };
      throw new BatonError(
        'DOCKER_NOT_FOUND',
        `DOCKER_HOST on ${where} is ${report.dockerHost}, and there is no docker CLI on the host to relay to it. Install the docker CLI there, or point DOCKER_HOST at a unix socket.`,
        { dockerHost: report.dockerHost },
      );
  }
}

export async function probeDocker(link: SshLink, where: string): Promise<{ endpoint: DockerEndpoint; report: ProbeReport }> {
  const result = await link.exec(PROBE, { timeoutMs: 10_000 });
  if (result.code !== 0) {
    throw new BatonError('DOCKER_NOT_FOUND', `Could not look for Docker on ${where}: the probe (a short POSIX sh script) exited with ${result.code}. Does the user have a POSIX shell, and may it run commands (no ForceCommand)?`);
  }
  let report: ProbeReport;
  try {
    report = parseProbe(result.stdout);
  } catch (err) {
    throw new BatonError('DOCKER_NOT_FOUND', `Could not look for Docker on ${where}: ${(err as Error).message}. Does the user's login print text of its own that hides the probe's?`);
  }
  return { endpoint: chooseDockerEndpoint(report, where), report };
}
