// One persistent SSH connection to a host. Everything Baton sends to that host goes through
// channels of this connection: Docker API requests (a stream-local forward to the engine's
// socket, or `docker system dial-stdio`), and short commands. Keepalive notices a dead peer in
// about keepaliveInterval × (keepaliveCountMax + 1).
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ClientChannel, type ServerHostKeyAlgorithm } from 'ssh2';
import type { SshEndpoint } from '../../../shared/api.ts';

export interface SshAuth {
  privateKey?: Buffer | undefined;
  passphrase?: string | undefined;
  agent?: string | undefined;
}

export interface SshLinkOptions {
  endpoint: SshEndpoint;
  auth: SshAuth;
  /** Called with the server's public key blob during the handshake; return false to refuse it. */
  verifyHostKey: (keyBlob: Buffer) => boolean;
  /** Host key algorithms to offer, in order (the server shows its key of the first it has); ssh2's defaults when absent. */
  hostKeyAlgorithms?: ServerHostKeyAlgorithm[] | undefined;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  readyTimeoutMs?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export class SshLink extends EventEmitter<{ close: [Error | null] }> {
  private lastError: Error | null = null;
  private closedFlag = false;

  private constructor(private readonly client: Client) {
    super();
    client.on('error', (err) => {
      this.lastError = err;
    });
    client.on('close', () => {
      this.closedFlag = true;
      this.emit('close', this.lastError);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Connects and authenticates; rejects with ssh2's error (see ssh-errors.ts to classify it). */
  static connect(options: SshLinkOptions): Promise<SshLink> {
    const client = new ssh2.Client();
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        client.removeAllListeners();
        client.on('error', () => {}); // late errors of a dead attempt go nowhere
        client.end();
        reject(err);
      };
      client.once('ready', () => {
        settled = true;
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        resolve(new SshLink(client));
      });
      client.on('error', fail);
      client.once('close', () => fail(new Error('The SSH server closed the connection during the handshake')));
      client.connect({
        host: options.endpoint.address,
        port: options.endpoint.port,
        username: options.endpoint.user,
        privateKey: options.auth.privateKey,
        passphrase: options.auth.passphrase,
        agent: options.auth.agent,
        tryKeyboard: false,
        hostVerifier: (key: Buffer) => options.verifyHostKey(key),
        ...(options.hostKeyAlgorithms ? { algorithms: { serverHostKey: options.hostKeyAlgorithms } } : {}),
        keepaliveInterval: options.keepaliveIntervalMs ?? 1000,
        keepaliveCountMax: options.keepaliveCountMax ?? 3,
        readyTimeout: options.readyTimeoutMs ?? 10_000,
      });
    });
  }

  /** A Duplex to a Unix socket on the host (direct-streamlocal@openssh.com): not a session, so no MaxSessions cost. */
  openStreamLocal(socketPath: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      if (this.closedFlag) return reject(new Error('the SSH connection is closed'));
      this.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
  }

  /** A Duplex on a command's stdin/stdout (e.g. `docker system dial-stdio`); counts against sshd's MaxSessions. */
  openExecStream(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.closedFlag) return reject(new Error('the SSH connection is closed'));
      this.client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
  }

  /** Runs a short command and collects its output. */
  async exec(command: string, options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const channel = await this.openExecStream(command);
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code: number | null = null;
      const timer = setTimeout(() => {
        channel.close();
        reject(new Error(`"${command.split('\n')[0]}" did not finish within ${options.timeoutMs ?? 10_000} ms`));
      }, options.timeoutMs ?? 10_000);
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => err.push(d));
      channel.on('exit', (c: number | null) => {
        code = c;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code });
      });
      channel.end();
    });
  }

  close(): void {
    if (!this.closedFlag) this.client.end();
  }

  /** For tests: cut the TCP connection without a goodbye, as a crash would. */
  destroy(): void {
    this.client.destroy();
  }
}
