// One host's Docker engine as Baton uses it: the calls the control plane makes, with Docker's
// status codes turned into answers (a container that is gone is `null`, "already started" is not
// an error), over the host session's two pools (short calls, long streams). One per session:
// everything that talks to an engine goes through here, never through dockerode directly.
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Duplex as DuplexStream, PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
export type { ContainerCreateOptions } from 'dockerode';
import type { HostSession } from './host-session.ts';
import { pullImage } from './pull-image.ts';
import { firstFile } from './tar.ts';

interface DockerError extends Error {
  statusCode?: number;
}

export function statusOf(err: unknown): number | undefined {
  return (err as DockerError | null)?.statusCode;
}

export interface ExecOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a stack's network is made with on a host, beyond its name and labels. */
export interface NetworkCreateOptions {
  /** The bridge driver's options (`com.docker.network.bridge.name`, `…driver.mtu`, …). */
  driverOpts?: Record<string, string>;
  /** No route out of the host's bridge. */
  internal?: boolean;
}

/** Docker's create request of a bridge network (pure, for createNetwork). */
export function networkCreateBody(name: string, labels: Record<string, string>, options: NetworkCreateOptions = {}): { Name: string; Driver: 'bridge'; CheckDuplicate: true; Labels: Record<string, string>; Options?: Record<string, string>; Internal?: true } {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: labels,
    ...(options.driverOpts && Object.keys(options.driverOpts).length > 0 ? { Options: options.driverOpts } : {}),
    ...(options.internal ? { Internal: true as const } : {}),
  };
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Created?: string;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown>;
}

export type ListFilters = Record<string, string[]>;

export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
}

export interface LogStreamOptions {
  /** Lines from the end to start with, or every line. */
  tail: number | 'all';
  follow: boolean;
  /** Docker's `since` (seconds.nanoseconds), or null for no lower bound. */
  since: string | null;
}

/** An open exec with a TTY (Engine.openTerminal). */
export interface EngineTerminal {
  /** Raw TTY bytes both ways; it ends when the command exits or the container stops. */
  socket: Duplex;
  resize(size: { cols: number; rows: number }): Promise<void>;
  /** The command's exit code once it ended; null while it runs (or when Docker does not say). */
  exitCode(): Promise<number | null>;
}

interface ModemLike {
  dial(options: Record<string, unknown>, callback: (err: (Error & { statusCode?: number }) | null, data: unknown) => void): void;
}

const EXEC_OUTPUT_LIMIT = 1 << 20; // an exec's output past 1 MiB is cut: these are short checks

export class Engine {
  constructor(
    readonly host: string,
    private readonly session: HostSession,
  ) {}

  /** For short calls that have no method here yet (the escape hatch; prefer adding one). */
  get docker(): Docker {
    return this.session.docker;
  }

  /** For long streams (logs): the pool that won't starve short calls. */
  get streams(): Docker {
    return this.session.streams;
  }

  get streamCapacity(): number {
    return this.session.streamCapacity;
  }

  get isClosed(): boolean {
    return this.session.isClosed;
  }

  /** The engine's socket on the host where the link forwards to it (null when it relays through `docker system dial-stdio`). */
  get socketPath(): string | null {
    return 'socketPath' in this.session.endpoint ? this.session.endpoint.socketPath : null;
  }

  /** Reached over SSH (true) or this machine's own engine socket (false). */
  get remote(): boolean {
    return this.session.ssh !== null;
  }

  // ---- containers

  listContainers(filters: ListFilters, all = true): Promise<unknown[]> {
    return this.session.docker.listContainers({ all, filters }) as Promise<unknown[]>;
  }

  /** The container as it is now, or null when there is no such container. */
  async inspectContainer(id: string, options: { signal?: AbortSignal } = {}): Promise<unknown | null> {
    try {
      return await this.session.docker.getContainer(id).inspect(options.signal ? { abortSignal: options.signal } : {});
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /** Creates a container; its id. */
  async createContainer(options: ContainerCreateOptions): Promise<string> {
    const container = await this.session.docker.createContainer(options);
    return container.id;
  }

  /** Starts it; 'already' when it was running (Docker's restart policy may have been first). */
  async startContainer(id: string): Promise<'started' | 'already'> {
    try {
      await this.session.docker.getContainer(id).start();
      return 'started';
    } catch (err) {
      if (statusOf(err) === 304) return 'already';
      throw err;
    }
  }

  /** Stops it within `graceSeconds` (then SIGKILL); a stopped or missing container is no error. */
  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.session.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (err) {
      if (statusOf(err) !== 304 && statusOf(err) !== 404) throw err;
    }
  }

  /** Removes it (forced); false when it was gone already. */
  async removeContainer(id: string, options: { volumes?: boolean } = {}): Promise<boolean> {
    try {
      await this.session.docker.getContainer(id).remove({ force: true, v: options.volumes ?? false });
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  /** Sends a signal to its main process; a container that is not running is no error. */
  async signalContainer(id: string, signal: string): Promise<void> {
    try {
      await this.session.docker.getContainer(id).kill({ signal });
    } catch (err) {
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
    }
  }

  /** Unpacks a tar archive into the container's filesystem at `path` (it need not run). */
  async putArchive(id: string, path: string, tar: Buffer): Promise<void> {
    await this.session.docker.getContainer(id).putArchive(tar, { path });
  }

  /** One file of the container's filesystem (through Docker's archive endpoint), or null when there is none. */
  async readFile(id: string, path: string, limit = 4 << 20): Promise<Buffer | null> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.session.docker.getContainer(id).getArchive({ path });
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit + 1024) throw new Error(`${path} in ${id.slice(0, 12)} on ${this.host} is larger than ${limit} bytes`);
      chunks.push(chunk);
    }
    return firstFile(Buffer.concat(chunks))?.content ?? null;
  }

  /** Runs a command in a running container and collects its output (bounded), with a deadline. */
  async exec(id: string, cmd: string[], options: { user?: string; timeoutMs?: number } = {}): Promise<ExecOutput> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const exec = await this.session.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...(options.user ? { User: options.user } : {}) });
    const stream = (await exec.start({ hijack: false, stdin: false })) as unknown as IncomingMessage;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => {
      const sink = new PassThrough();
      sink.on('data', (c: Buffer) => {
        if (size < EXEC_OUTPUT_LIMIT) into.push(c);
        size += c.length;
      });
      return sink;
    };
    this.session.docker.modem.demuxStream(stream, collect(out), collect(err));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`"${cmd.join(' ')}" did not finish within ${timeoutMs} ms in ${id.slice(0, 12)} on ${this.host}`));
      }, timeoutMs);
      stream.on('end', () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const info = (await exec.inspect()) as { ExitCode: number | null };
    return { code: info.ExitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /**
   * A terminal in a running container: an exec with a TTY, attached both ways (the socket carries
   * raw TTY bytes, no multiplexing). A long stream: it rides the streams pool. Null when there is no
   * such container; a container that is not running is a 409 Docker names (CONFLICT to callers).
   */
  async openTerminal(id: string, cmd: string[], size: { cols: number; rows: number }): Promise<EngineTerminal | null> {
    const container = this.session.streams.getContainer(id);
    let exec: Docker.Exec;
    try {
      exec = await container.exec({ Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Env: ['TERM=xterm-256color'] });
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
    const socket = (await exec.start({ hijack: true, stdin: true, Tty: true, ConsoleSize: [size.rows, size.cols] } as Docker.ExecStartOptions)) as Duplex;
    return {
      socket,
      resize: async (next) => {
        await exec.resize({ h: next.rows, w: next.cols });
      },
      exitCode: async () => {
        const info = (await exec.inspect()) as { ExitCode: number | null; Running: boolean };
        return info.Running ? null : info.ExitCode;
      },
    };
  }

  /**
   * A container's log as Docker sends it (multiplexed unless it has a TTY, with timestamps), or
   * null when there is no such container. A long stream: it rides the streams pool, never a
   * short-call channel, which it would hold for as long as it follows. Dialled on the modem, not
   * with container.logs(), which buffers the whole log when not following.
   */
  async logStream(id: string, options: LogStreamOptions, signal: AbortSignal): Promise<IncomingMessage | null> {
    const modem = (this.session.streams as unknown as { modem: ModemLike }).modem;
    try {
      return await new Promise<IncomingMessage>((resolve, reject) => {
        modem.dial(
          {
            path: `/containers/${id}/logs?`,
            method: 'GET',
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
            options: {
              stdout: true,
              stderr: true,
              timestamps: true,
              follow: options.follow,
              tail: String(options.tail),
              ...(options.since !== null ? { since: options.since } : {}),
            },
          },
          (err, data) => (err ? reject(err) : resolve(data as IncomingMessage)),
        );
      });
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /** The event stream (a long stream: it rides the streams pool). */
  async events(filters: ListFilters): Promise<IncomingMessage> {
    return (await this.session.streams.getEvents({ filters })) as IncomingMessage;
  }

  // ---- images

  /** The image's inspect answer, or null when the host does not have it. */
  async inspectImage(ref: string): Promise<unknown | null> {
    try {
      return await this.session.docker.getImage(ref).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  pull(image: string, timeoutMs: number): Promise<void> {
    return pullImage(this.session.docker, image, timeoutMs);
  }

  /** Loads a `docker save` archive (POST /images/load); fails with the engine's own words when it refuses it. */
  async loadImage(tar: Buffer): Promise<void> {
    const stream = (await this.session.docker.loadImage(PassThrough.from([tar]) as unknown as NodeJS.ReadableStream, { quiet: true })) as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let message: { error?: string; errorDetail?: { message?: string } };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        continue;
      }
      if (message.error) throw new Error(`${this.host} could not load the image: ${message.errorDetail?.message ?? message.error}`);
    }
  }

  /**
   * Loads a `docker save` archive as it streams in (POST /images/load on the streams pool): never
   * held whole. Aborting `signal` cuts the request, and the engine then refuses the half archive
   * (a load tags nothing until it has read an image whole). Fails with the engine's own words.
   */
  async loadImageStream(body: NodeJS.ReadableStream, signal: AbortSignal): Promise<void> {
    const modem = (this.session.streams as unknown as { modem: ModemLike }).modem;
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      modem.dial(
        { path: '/images/load?', method: 'POST', file: body, isStream: true, abortSignal: signal, options: { quiet: true }, statusCodes: { 200: true, 500: 'server error' } },
        (err, data) => (err ? reject(err) : resolve(data as IncomingMessage)),
      );
    });
    let text = '';
    for await (const chunk of answer as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let message: { error?: string; errorDetail?: { message?: string } };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        continue;
      }
      if (message.error) throw new Error(message.errorDetail?.message ?? message.error);
    }
  }

  /**
   * Builds an image from a tar archive of its context as it streams in (POST /build on the streams
   * pool, the classic builder): the answer is the build's JSON messages as they come
   * (builds/build-output.ts reads them). Aborting `signal` cuts the build off.
   */
  async build(context: NodeJS.ReadableStream, options: { t: string; dockerfile: string; buildargs: Record<string, string>; labels: Record<string, string>; target?: string }, signal: AbortSignal): Promise<IncomingMessage> {
    const modem = (this.session.streams as unknown as { modem: ModemLike }).modem;
    return new Promise<IncomingMessage>((resolve, reject) => {
      modem.dial(
        { path: '/build?', method: 'POST', file: context, isStream: true, abortSignal: signal, headers: { 'Content-Type': 'application/x-tar' }, options: { ...options, rm: true, forcerm: true, version: '1' }, statusCodes: { 200: true, 400: 'bad build parameters', 500: 'server error' } },
        (err, data) => (err ? reject(err) : resolve(data as IncomingMessage)),
      );
    });
  }

  /** `docker save` of one image as a stream (GET /images/{name}/get on the streams pool). */
  async saveImage(ref: string, signal: AbortSignal): Promise<IncomingMessage> {
    const modem = (this.session.streams as unknown as { modem: ModemLike }).modem;
    return new Promise<IncomingMessage>((resolve, reject) => {
      modem.dial(
        { path: `/images/${encodeURIComponent(ref)}/get`, method: 'GET', isStream: true, abortSignal: signal, statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } },
        (err, data) => (err ? reject(err) : resolve(data as IncomingMessage)),
      );
    });
  }

  /** Every image on the host, as `docker image ls` lists them (with dangling ones). */
  async listImages(): Promise<ImageSummary[]> {
    return (await this.session.docker.listImages({ all: false })) as unknown as ImageSummary[];
  }

  /** The image's history, newest first (what made each layer, and its size). */
  async imageHistory(ref: string): Promise<{ Size: number }[]> {
    return (await this.session.docker.getImage(ref).history()) as { Size: number }[];
  }

  /** Gives an image (by id) another name, as `docker tag` does. */
  async tagImage(id: string, ref: string): Promise<void> {
    const at = ref.lastIndexOf(':');
    const slash = ref.lastIndexOf('/');
    const [repo, tag] = at > slash ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
    await this.session.docker.getImage(id).tag({ repo, tag });
  }

  /** Where the engine keeps images: its own store, or containerd's (Docker 25+ with the containerd snapshotter). */
  async imageStore(): Promise<'classic' | 'containerd'> {
    const info = (await this.session.docker.info()) as { DriverStatus?: unknown; Driver?: unknown };
    const status = Array.isArray(info.DriverStatus) ? (info.DriverStatus as unknown[]) : [];
    const containerd = status.some((pair) => Array.isArray(pair) && pair[0] === 'driver-type' && typeof pair[1] === 'string' && pair[1].startsWith('io.containerd.snapshotter'));
    return containerd ? 'containerd' : 'classic';
  }

  // ---- volumes

  /** Creates a volume (local unless `driver` says; or finds the one of that name); its mount point on the host. */
  async createVolume(name: string, driverOpts: Record<string, string>, labels: Record<string, string>, driver = 'local'): Promise<string> {
    const created = (await this.session.docker.createVolume({ Name: name, Driver: driver, DriverOpts: driverOpts, Labels: labels })) as unknown as { Mountpoint?: string };
    if (typeof created.Mountpoint === 'string' && created.Mountpoint !== '') return created.Mountpoint;
    const inspected = await this.inspectVolume(name);
    if (!inspected) throw new Error(`volume ${name} on ${this.host} vanished as it was created`);
    return inspected.Mountpoint;
  }

  /** Every volume on the host (name, driver, labels, options): few, and small to list. */
  async listVolumes(): Promise<EngineVolume[]> {
    const listed = (await this.session.docker.listVolumes()) as { Volumes?: RawVolume[] | null };
    return (listed.Volumes ?? []).map(toEngineVolume);
  }

  /**
   * Each volume's size on disk as the engine measures it (`docker system df -v`): it walks the
   * volumes' files, so it is asked for on demand only. Volumes it does not measure are absent.
   */
  async volumeSizes(): Promise<Record<string, number>> {
    const df = (await this.session.docker.df()) as { Volumes?: { Name: string; UsageData?: { Size?: number } | null }[] | null };
    const out: Record<string, number> = {};
    for (const v of df.Volumes ?? []) if (typeof v.UsageData?.Size === 'number' && v.UsageData.Size >= 0) out[v.Name] = v.UsageData.Size;
    return out;
  }

  async inspectVolume(name: string): Promise<(EngineVolume & { Mountpoint: string }) | null> {
    try {
      const raw = (await this.session.docker.getVolume(name).inspect()) as RawVolume & { Mountpoint: string };
      return { ...toEngineVolume(raw), Mountpoint: raw.Mountpoint };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /** Removes a volume; false when it was gone already. */
  async removeVolume(name: string): Promise<boolean> {
    try {
      await this.session.docker.getVolume(name).remove();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  // ---- networks

  /** Networks whose name is exactly `name` (Docker lets two share one; callers mend that). */
  async networksNamed(name: string): Promise<NetworkSummary[]> {
    const listed = (await this.session.docker.listNetworks({ filters: { name: [name] } })) as NetworkSummary[];
    return listed.filter((n) => n.Name === name);
  }

  async inspectNetwork(id: string): Promise<NetworkSummary | null> {
    try {
      return (await this.session.docker.getNetwork(id).inspect()) as NetworkSummary;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /**
   * Creates a bridge network; its id, or null when one of that name exists already (made meanwhile,
   * by another control plane: CheckDuplicate makes engines before API 1.44 answer 409 then rather
   * than make a second network of the same name, which later engines refuse on their own).
   */
  async createNetwork(name: string, labels: Record<string, string>, options: NetworkCreateOptions = {}): Promise<string | null> {
    try {
      const network = await this.session.docker.createNetwork(networkCreateBody(name, labels, options));
      return network.id;
    } catch (err) {
      if (statusOf(err) === 409) return null;
      throw err;
    }
  }

  /** Removes a network; false when it was gone already. */
  async removeNetwork(id: string): Promise<boolean> {
    try {
      await this.session.docker.getNetwork(id).remove();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  /** Connects a container (running or not) to a network, under these names there. */
  async connectNetwork(network: string, container: string, aliases: string[] = []): Promise<void> {
    try {
      await this.session.docker.getNetwork(network).connect({ Container: container, EndpointConfig: { Aliases: aliases } });
    } catch (err) {
      // 403 "already exists in network": connected before, which is what was asked
      if (statusOf(err) === 403 && /already exists/.test((err as Error).message)) return;
      throw err;
    }
  }

  // ---- the host itself

  /**
   * A connection to a Unix socket on the host: a stream-local channel of the host's SSH connection
   * (no new SSH connection), or a plain connect for this machine's own engine.
   */
  openUnixSocket(path: string): Promise<Duplex> {
    if (this.session.ssh) return this.session.ssh.openStreamLocal(path);
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  /**
   * A long-lived shell command on the host whose stdin and stdout are one Duplex (stderr is
   * dropped): an SSH exec channel, which counts against sshd's MaxSessions, so keep one per host
   * and job; or a child process here for this machine's engine. Destroying the Duplex ends it.
   */
  async hostStream(command: string): Promise<Duplex> {
    if (this.session.ssh) {
      const channel = await this.session.ssh.openExecStream(command);
      channel.stderr.resume();
      return channel;
    }
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'ignore'] });
    const stream = new DuplexStream({
      read() {
        child.stdout.resume();
      },
      write(chunk: Buffer, _enc, cb) {
        child.stdin.write(chunk, cb);
      },
      final(cb) {
        child.stdin.end();
        cb();
      },
      destroy(err, cb) {
        child.kill('SIGKILL');
        cb(err);
      },
    });
    child.stdout.on('data', (c: Buffer) => {
      if (!stream.push(c)) child.stdout.pause();
    });
    child.stdout.on('end', () => stream.push(null));
    child.stdin.on('error', () => {}); // a write after the shell went: its end is reported by stdout's
    child.on('error', (err) => stream.destroy(err));
    return stream;
  }

  /** Runs a short shell command on the host (over SSH, or here for this machine's engine). */
  hostExec(command: string, timeoutMs = 10_000): Promise<ExecOutput> {
    if (this.session.ssh) return this.session.ssh.exec(command, { timeoutMs });
    return new Promise((resolve) => {
      execFile('/bin/sh', ['-c', command], { timeout: timeoutMs, maxBuffer: EXEC_OUTPUT_LIMIT }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  }
}

/** A volume as the engine lists it. */
export interface EngineVolume {
  name: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
}

interface RawVolume {
  Name: string;
  Driver?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
}

function toEngineVolume(v: RawVolume): EngineVolume {
  return { name: v.Name, driver: v.Driver ?? 'local', labels: v.Labels ?? {}, options: v.Options ?? {} };
}
