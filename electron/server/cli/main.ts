// The `baton` command. Every command but `serve` talks to a running control plane over the local
// socket in BATON_HOME; `serve` is that control plane.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HostAddParams } from '../../../shared/api.ts';
import { BatonError, toErrorBody } from '../../../shared/errors.ts';
import { BATON_VERSION, defaultHome } from '../../control-plane/index.ts';
import { createLogger } from '../../control-plane/log.ts';
import { serve, socketPathFor } from '../serve.ts';
import { connectSocket, type SocketClient } from '../socket-client.ts';
import { eventLine, hostDetail, hostsTable } from './format.ts';
import { ask, askHidden, interactive } from './prompt.ts';

const program = new Command();
program
  .name('baton')
  .description('Baton: run services across your Linux hosts over SSH.')
  .version(BATON_VERSION)
  .option('--home <dir>', 'Baton state folder (BATON_HOME)', defaultHome())
  .showHelpAfterError();

function home(): string {
  return resolve(program.opts<{ home: string }>().home);
}

async function withClient<T>(fn: (client: SocketClient) => Promise<T>): Promise<T> {
  const client = await connectSocket(socketPathFor(home()));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');
}

function parseLabels(values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new BatonError('INVALID_INPUT', `--label ${v}: write key=value (e.g. --label zone=eu-1).`);
    labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}

// ---------------------------------------------------------------- serve

program
  .command('serve')
  .description('run the control plane headless (keeps healing while the desktop app is closed)')
  .option('--ws <[host:]port>', 'also listen for WebSocket clients (attached apps, browsers) on this address; default host 127.0.0.1')
  .option('--token-file <file>', 'WebSocket token file (created, mode 0600, if missing)', undefined)
  .option('--ui', 'serve the built renderer on the WebSocket address (npm run build first)', false)
  .action(async (opts: { ws?: string; tokenFile?: string; ui: boolean }) => {
    let ws: { host: string; port: number; tokenFile: string | undefined; ui: boolean } | undefined;
    if (opts.ws !== undefined) {
      const m = /^(?:(.+):)?(\d+)$/.exec(opts.ws);
      if (!m) throw new BatonError('INVALID_INPUT', `--ws ${opts.ws}: write a port (7420) or host:port (127.0.0.1:7420).`);
      ws = { host: m[1] ?? '127.0.0.1', port: Number(m[2]), tokenFile: opts.tokenFile, ui: opts.ui };
    }
    const dir = home();
    const serving = await serve({ home: dir, ws, logger: createLogger() });
    process.stderr.write(`Baton ${BATON_VERSION} serving ${serving.socketPath}\n`);
    if (serving.ws) {
      process.stderr.write(`WebSocket API on ${serving.ws.url} (token in ${serving.tokenFile})\n`);
      if (opts.ui) process.stderr.write(`UI on http://${serving.ws.url.slice('ws://'.length).replace(/\/api$/, '')}/\n`);
    }
    const stop = async () => {
      await serving.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

// ---------------------------------------------------------------- info

program
  .command('info')
  .description('what the control plane is and how many hosts it has')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const info = await withClient((c) => c.call('system.info', {}));
    print(opts.json, info, () => `Baton ${info.version}, state in ${info.home}, up since ${info.startedAt}\nHosts: ${info.hostsReady} ready of ${info.hosts}`);
  });

// ---------------------------------------------------------------- hosts

const host = program.command('host').description('the machines Baton runs services on');

host
  .command('add <target>')
  .description('add a host: user@address[:port], an alias from ~/.ssh/config, or unix:///var/run/docker.sock')
  .option('--name <name>', 'name in Baton (default: the alias or address)')
  .option('-i, --identity <file>', 'private key file (default: IdentityFile from ~/.ssh/config, else the agent, else ~/.ssh/id_*)')
  .option('--passphrase-file <file>', "read the key's passphrase from this file (or set BATON_KEY_PASSPHRASE)")
  .option('--agent', 'authenticate with the SSH agent at SSH_AUTH_SOCK', false)
  .option('--host-key <fingerprint>', 'accept only this host key (SHA256:…, as ssh-keygen -l prints it)')
  .option('--trust-new-host-key', 'accept and remember a host key seen for the first time', false)
  .option('-l, --label <key=value...>', 'labels for placement constraints')
  .option('--json', 'machine-readable output', false)
  .action(async (target: string, opts: { name?: string; identity?: string; passphraseFile?: string; agent: boolean; hostKey?: string; trustNewHostKey: boolean; label?: string[]; json: boolean }) => {
    const params: HostAddParams = { target };
    if (opts.name) params.name = opts.name;
    if (opts.identity) params.identityFile = resolve(opts.identity);
    if (opts.passphraseFile) params.passphrase = readFileSync(opts.passphraseFile, 'utf8').replace(/\r?\n$/, '');
    else if (process.env.BATON_KEY_PASSPHRASE) params.passphrase = process.env.BATON_KEY_PASSPHRASE;
    if (opts.agent) {
      if (!process.env.SSH_AUTH_SOCK) throw new BatonError('INVALID_INPUT', '--agent: SSH_AUTH_SOCK is not set. Start an agent (eval $(ssh-agent)) and ssh-add your key.');
      params.agentSocket = process.env.SSH_AUTH_SOCK;
    }
    if (opts.hostKey) params.hostKey = opts.hostKey;
    if (opts.trustNewHostKey) params.trustNewHostKey = true;
    const labels = parseLabels(opts.label);
    if (labels) params.labels = labels;

    const added = await withClient(async (client) => {
      for (;;) {
        try {
          return await client.call('host.add', params);
        } catch (err) {
          if (!(err instanceof BatonError) || !interactive() || opts.json) throw err;
          if (err.code === 'HOST_KEY_UNKNOWN' && typeof err.details?.['fingerprint'] === 'string') {
            process.stderr.write(`${err.message}\n`);
            const answer = await ask(`Trust this host key and add the host? [y/N] `);
            if (!/^y(es)?$/i.test(answer)) throw new BatonError('INVALID_INPUT', 'Not added: the host key was not confirmed.');
            params.hostKey = err.details['fingerprint'];
            continue;
          }
          if (err.code === 'KEY_PASSPHRASE' && params.passphrase === undefined) {
            params.passphrase = await askHidden(`Passphrase for ${String(err.details?.['identityFile'] ?? 'the key')}: `);
            continue;
          }
          throw err;
        }
      }
    });
    print(opts.json, added, () => `Added ${added.name} (${added.state}).\n\n${hostDetail(added)}`);
  });

host
  .command('ls')
  .alias('list')
  .description('list hosts with their state and capacity')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const [hosts, local] = await withClient((c) => Promise.all([c.call('host.list', {}), c.call('host.localEngine', {})]));
    print(opts.json, hosts, () => {
      if (hosts.length > 0) return hostsTable(hosts);
      const offer = local && !local.alreadyAdded ? `\nA Docker engine runs on this machine (${local.hostname}, Docker ${local.dockerVersion}). Add it with:\n  baton host add unix://${local.socketPath}` : '';
      return `No hosts yet. Add one with:\n  baton host add root@ADDRESS --identity ~/.ssh/id_ed25519${offer}`;
    });
  });

host
  .command('inspect <name>')
  .description('everything Baton knows about a host, and its recent events')
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean }) => {
    const detail = await withClient((c) => c.call('host.inspect', { name }));
    print(opts.json, detail, () => `${hostDetail(detail.host)}\n\nRecent events:\n${detail.events.map(eventLine).join('\n') || '(none)'}`);
  });

host
  .command('rm <name>')
  .alias('remove')
  .description('remove a host from the cluster (its containers keep running)')
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean }) => {
    const removed = await withClient((c) => c.call('host.remove', { name }));
    print(opts.json, removed, () => `Removed ${removed.name}.`);
  });

// ---------------------------------------------------------------- events

program
  .command('events')
  .description('what the control plane observed and decided')
  .option('-f, --follow', 'keep printing new events', false)
  .option('--host <name>', 'only events about this host')
  .addOption(new Option('-n, --limit <n>', 'how many past events').default(50).argParser((v) => Number(v)))
  .option('--json', 'one JSON object per line', false)
  .action(async (opts: { follow: boolean; host?: string; limit: number; json: boolean }) => {
    const show = (e: Parameters<typeof eventLine>[0]) => process.stdout.write((opts.json ? JSON.stringify(e) : eventLine(e)) + '\n');
    const client = await connectSocket(socketPathFor(home()));
    const past = await client.call('events.list', { limit: opts.limit, ...(opts.host ? { host: opts.host } : {}) });
    past.forEach(show);
    if (!opts.follow) return client.close();
    const lastId = past.at(-1)?.id ?? (await client.call('events.list', { limit: 1 })).at(-1)?.id ?? 0;
    client.subscribe((e) => (!opts.host || e.host === opts.host) && show(e), { after: lastId });
    await new Promise(() => {}); // until interrupted
  });

// ---------------------------------------------------------------- run

program.parseAsync(process.argv).catch((err: unknown) => {
  const body = toErrorBody(err);
  const json = process.argv.includes('--json');
  if (json) process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
  else process.stderr.write(`error: ${body.message}\n`);
  process.exit(1);
});
