// An http.Agent whose "sockets" are channels of an existing connection (SSH here). dockerode takes
// it as its `agent`, so every Docker API request rides the host's one SSH connection; with
// keep-alive, a channel is reused for the next request instead of being opened again.
import http from 'node:http';
import { inspect } from 'node:util';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';

export type ChannelOpener = () => Promise<Duplex>;

/** http's client calls these socket methods; an SSH channel lacks them. */
function asSocket(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  let idleTimer: NodeJS.Timeout | null = null;
  let idleMs = 0;
  const arm = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = idleMs > 0 ? setTimeout(() => stream.emit('timeout'), idleMs) : null;
    idleTimer?.unref();
  };
  // as net.Socket does: 0 disarms (and drops the callback), anything else re-arms
  s['setTimeout'] = (ms: number, cb?: () => void) => {
    idleMs = ms;
    if (cb) {
      if (ms === 0) stream.removeListener('timeout', cb);
      else stream.once('timeout', cb);
    }
    arm();
    return stream;
  };
  stream.on('data', () => idleMs > 0 && arm());
  stream.on('close', () => idleTimer && clearTimeout(idleTimer));
  s['setKeepAlive'] = () => stream;
  s['setNoDelay'] = () => stream;
  s['ref'] = () => stream;
  s['unref'] = () => stream;
  return stream;
}

export class ChannelAgent extends http.Agent {
  constructor(
    private readonly openChannel: ChannelOpener,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  // docker-modem runs util.inspect(options, { showHidden: true, depth: null }) on every request,
  // options.agent included: through the agent's sockets that walks the whole SSH client, and with a
  // few long streams open it takes seconds per request. The agent describes itself briefly instead.
  [inspect.custom](): string {
    return `ChannelAgent(${Object.keys(this.sockets).length} busy, ${Object.keys(this.freeSockets).length} free)`;
  }

  // Node's Agent accepts an asynchronous createConnection: return nothing, call back later.
  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.openChannel().then(
      (channel) => callback?.(null, asSocket(channel)),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
