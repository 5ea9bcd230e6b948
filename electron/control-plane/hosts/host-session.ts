// One established connection to a host's Docker engine, with two request pools: short API calls,
// and long streams (events, logs, stats) that would otherwise hold every channel and starve them.
// Over SSH both pools are channels of the one SSH connection.
import http from 'node:http';
import Docker from 'dockerode';
import { EventEmitter } from 'node:events';
import { ChannelAgent } from './channel-agent.ts';
import type { DockerEndpoint } from './docker-probe.ts';
import type { SshLink } from './ssh-link.ts';

// sshd allows 10 sessions per connection by default (MaxSessions). Stream-local forwards are not
// sessions, so that pool can be wider; dial-stdio channels are sessions, one of which `exec` needs.
const POOLS = {
  streamlocal: { requests: 16, streams: 16 },
  'dial-stdio': { requests: 5, streams: 3 },
} as const;

// docker-modem honours `agent`; @types/dockerode does not declare it. `host` is only a label for
// the Host header: the agent decides where the bytes go.
function dockerOverAgent(agent: http.Agent): Docker {
  const options: Docker.DockerOptions & { agent: http.Agent } = { protocol: 'http', host: 'docker', port: 80, agent };
  return new Docker(options);
}

export interface EngineAnswer {
  status: number;
  body: string;
}

export class HostSession extends EventEmitter<{ lost: [string] }> {
  /** For short API calls. */
  readonly docker: Docker;
  /** For long-lived streams: events, logs, stats, attach. */
  readonly streams: Docker;
  /** How many long streams can be open at once (the stream pool's size). */
  readonly streamCapacity: number;
  private readonly requestAgent: http.Agent | null;
  private readonly streamAgent: http.Agent | null;
  private ended = false;

  private constructor(
    readonly ssh: SshLink | null,
    readonly endpoint: DockerEndpoint | { via: 'local'; socketPath: string },
    agents: { requests: http.Agent; streams: http.Agent } | null,
  ) {
    super();
    this.requestAgent = agents?.requests ?? null;
    this.streamAgent = agents?.streams ?? null;
    this.streamCapacity = endpoint.via === 'local' ? Infinity : POOLS[endpoint.via].streams;
    if (endpoint.via === 'local') {
      this.docker = new Docker({ socketPath: endpoint.socketPath });
      this.streams = this.docker;
    } else {
      this.docker = dockerOverAgent(this.requestAgent!);
      this.streams = dockerOverAgent(this.streamAgent!);
    }
    ssh?.on('close', (err) => this.lose(err ? `SSH connection lost: ${err.message}` : 'SSH connection closed'));
  }

  static overSsh(ssh: SshLink, endpoint: DockerEndpoint): HostSession {
    const open =
      endpoint.via === 'streamlocal'
        ? () => ssh.openStreamLocal(endpoint.socketPath)
        : () => ssh.openExecStream('docker system dial-stdio');
    const pool = POOLS[endpoint.via];
    const requests = new ChannelAgent(open, { keepAlive: true, maxSockets: pool.requests, maxFreeSockets: pool.requests, timeout: 60_000 });
    const streams = new ChannelAgent(open, { keepAlive: false, maxSockets: pool.streams });
    return new HostSession(ssh, endpoint, { requests, streams });
  }

  static local(socketPath: string): HostSession {
    return new HostSession(null, { via: 'local', socketPath }, null);
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** A raw request with a deadline, for heartbeats and probes. */
  request(path: string, timeoutMs: number): Promise<EngineAnswer> {
    return new Promise((resolve, reject) => {
      const options: http.RequestOptions =
        this.endpoint.via === 'local'
          ? { socketPath: this.endpoint.socketPath, path }
          : { agent: this.requestAgent!, host: 'docker', path };
      const req = http.get(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer from the Docker engine within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
    });
  }

  private lose(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.requestAgent?.destroy();
    this.streamAgent?.destroy();
    this.emit('lost', reason);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.requestAgent?.destroy();
    this.streamAgent?.destroy();
    this.ssh?.close();
  }
}
