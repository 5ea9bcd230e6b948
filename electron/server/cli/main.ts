// The `baton` command. Every command but `serve` talks to a running control plane over the local
// socket in BATON_HOME; `serve` is that control plane.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SECRET_MAX_BYTES, type HostAddParams, type LogLine, type SecretInfo, type ServiceStatus, type StackPlan, type VolumeInfo } from '../../../shared/api.ts';
import { BatonError, toErrorBody } from '../../../shared/errors.ts';
import { rolloutHistoryText, rolloutStatusText } from './rollout-format.ts';
import { topText } from './top-format.ts';
import { autoscaleStatusText } from './autoscale-format.ts';
import type { MetricsFrame } from '../../../shared/metrics.ts';
import { isConverged } from '../../../shared/service-status.ts';
import { BATON_VERSION, defaultHome } from '../../control-plane/home.ts';
import { DEFAULT_INGRESS_IMAGE } from '../../control-plane/ingress/ingress-image.ts';
import { DEFAULT_HOST_LOSS_GRACE_MS } from '../../control-plane/reconcile/host-loss.ts';
import type { WsServeOptions } from '../serve.ts';
import { socketPathFor } from '../socket-path.ts';
import { connectSocket, type SocketClient } from '../socket-client.ts';
import { availableText, buildEventText, eventLine, hostDetail, hostsTable, healthText, bytes, planText, replicasTable, servicesTable, table } from './format.ts';
import { errorText } from './error-format.ts';
import { ask, askHidden, interactive } from './prompt.ts';
import { addConfigCommand } from './config-flags.ts';
import { checkFlags } from './flag-check.ts';
import { barsText, imagesTable, pushDoneText, pushPlanText } from './image-format.ts';
import type { ImagePushChunk, ImageTransfer } from '../../../shared/images.ts';
import { clustersTable, swarmHistoryText, swarmNodesTable, swarmPlanText, swarmRolloutText, swarmServicesTable, swarmTasksTable } from './cluster-format.ts';
import { LOCAL_CLUSTER, type ClusterAddParams } from '../../../shared/cluster.ts';

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

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface ServeFlags {
  ws?: string;
  tokenFile?: string;
  ui: boolean;
  tlsCert?: string;
  tlsKey?: string;
  insecureCleartextToken: boolean;
  allowHost?: string[];
  allowOrigin?: string[];
  ingressImage?: string;
  hostLossGrace: number;
}

function wsOptions(opts: ServeFlags): WsServeOptions | undefined {
  const wsOnly = [
    ['--tls-cert', opts.tlsCert],
    ['--tls-key', opts.tlsKey],
    ['--token-file', opts.tokenFile],
    ['--ui', opts.ui || undefined],
    ['--insecure-cleartext-token', opts.insecureCleartextToken || undefined],
    ['--allow-host', opts.allowHost],
    ['--allow-origin', opts.allowOrigin],
  ] as const;
  if (opts.ws === undefined) {
    const given = wsOnly.find(([, v]) => v !== undefined);
    if (given) throw new BatonError('INVALID_INPUT', `${given[0]} is about the WebSocket: add --ws [host:]port (e.g. --ws 7420).`);
    return undefined;
  }
  const m = /^(?:(.+):)?(\d+)$/.exec(opts.ws);
  if (!m || Number(m[2]) > 65535) throw new BatonError('INVALID_INPUT', `--ws ${opts.ws}: write a port (7420) or host:port (127.0.0.1:7420, [::1]:7420).`);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw new BatonError('INVALID_INPUT', `TLS needs both files: --tls-cert FILE (the certificate chain, PEM) and --tls-key FILE (its private key, PEM).`);
  }
  return {
    host: (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'),
    port: Number(m[2]),
    tokenFile: opts.tokenFile,
    ui: opts.ui,
    tls: opts.tlsCert !== undefined && opts.tlsKey !== undefined ? { certFile: resolve(opts.tlsCert), keyFile: resolve(opts.tlsKey) } : undefined,
    insecureCleartextToken: opts.insecureCleartextToken,
    allowHosts: opts.allowHost,
    allowOrigins: opts.allowOrigin,
  };
}

program
  .command('serve')
  .description('run the control plane headless (keeps healing while the desktop app is closed)')
  .option('--ws <[host:]port>', 'also listen for WebSocket clients (attached apps, browsers) on this address; default host 127.0.0.1. Another address needs --tls-cert/--tls-key (or --insecure-cleartext-token)')
  .option('--token-file <file>', 'WebSocket token file: created (mode 0600, 43 random characters) if missing; refused if other users may read it or it holds fewer than 32 characters', undefined)
  .option('--ui', 'serve the built renderer on the WebSocket address (npm run build first)', false)
  .option('--tls-cert <file>', 'serve wss:// and https:// with this certificate chain (PEM); with --tls-key')
  .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
  .option('--insecure-cleartext-token', 'allow --ws on a non-loopback address without TLS: the token crosses the network in clear text (warned at every start)', false)
  .option('--allow-host <host[:port]>', 'also answer requests addressed to this name (a DNS name, a proxy, a tunnel on another port); repeatable', collect)
  .option('--allow-origin <origin>', 'also accept WebSocket handshakes from pages of this origin (e.g. http://127.0.0.1:5173, a dev server); repeatable', collect)
  .option('--ingress-image <image>', `the HAProxy image (2.6 or later) of the ingress on every host; default $BATON_INGRESS_IMAGE, else ${DEFAULT_INGRESS_IMAGE}`)
  .addOption(
    new Option('--host-loss-grace <seconds>', "how long a host may be silent before its replicas are started elsewhere (counted from its last answer; a link that is back sooner keeps them)")
      .default(DEFAULT_HOST_LOSS_GRACE_MS / 1000)
      .argParser((v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 3600) throw new BatonError('INVALID_INPUT', `--host-loss-grace ${v}: takes seconds from 0 to 3600 (e.g. 5, or 0.5).`);
        return n;
      }),
  )
  .addHelpText(
    'after',
    `
Requests whose Host is not this server's address are refused (421), and WebSocket handshakes from
pages of other origins (403): only the served UI, the desktop app and programs that send no Origin
may connect. Before signing in a client may send only {"auth": TOKEN} (a few KiB at most); wrong
tokens are answered ever more slowly.

Examples:
  baton serve --ws 7420 --ui                        UI and API on http://127.0.0.1:7420/
  baton serve --ws 0.0.0.0:7420 --ui --tls-cert cert.pem --tls-key key.pem --allow-host baton.example.com
`,
  )
  .action(async (opts: ServeFlags) => {
    const ws = wsOptions(opts);
    const dir = home();
    // the control plane is loaded only here: every other command is a client of one
    const [{ serve }, { createLogger }] = await Promise.all([import('../serve.ts'), import('../../control-plane/log.ts')]);
    const serving = await serve({ home: dir, ws, logger: createLogger(), reconcilerOptions: { hostLossGraceMs: Math.round(opts.hostLossGrace * 1000) }, ...(opts.ingressImage ? { ingressImage: opts.ingressImage } : {}) });
    process.stderr.write(`Baton ${BATON_VERSION} serving ${serving.socketPath}\n`);
    for (const warning of serving.warnings) process.stderr.write(`WARNING: ${warning}\n`);
    if (serving.ws) {
      process.stderr.write(`WebSocket API on ${serving.ws.url} (token in ${serving.tokenFile})\n`);
      if (opts.ui) process.stderr.write(`UI on ${serving.ws.uiUrl} (sign in with the token in ${serving.tokenFile})\n`);
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

interface LoginFlags {
  identity?: string;
  passphraseFile?: string;
  agent: boolean;
  hostKey?: string;
  trustNewHostKey: boolean;
}

/** How to log in to a host or a Swarm manager, from the flags both `host add` and `cluster add` take. */
function loginFlags(opts: LoginFlags): Pick<HostAddParams, 'identityFile' | 'passphrase' | 'agentSocket' | 'hostKey' | 'trustNewHostKey'> {
  const params: Pick<HostAddParams, 'identityFile' | 'passphrase' | 'agentSocket' | 'hostKey' | 'trustNewHostKey'> = {};
  if (opts.identity) params.identityFile = resolve(opts.identity);
  if (opts.passphraseFile) params.passphrase = readFileSync(opts.passphraseFile, 'utf8').replace(/\r?\n$/, '');
  else if (process.env.BATON_KEY_PASSPHRASE) params.passphrase = process.env.BATON_KEY_PASSPHRASE;
  if (opts.agent) {
    if (!process.env.SSH_AUTH_SOCK) throw new BatonError('INVALID_INPUT', '--agent: SSH_AUTH_SOCK is not set. Start an agent (eval $(ssh-agent)) and ssh-add your key.');
    params.agentSocket = process.env.SSH_AUTH_SOCK;
  }
  if (opts.hostKey) params.hostKey = opts.hostKey;
  if (opts.trustNewHostKey) params.trustNewHostKey = true;
  return params;
}

/**
 * An add that may meet an unknown host key or an encrypted key: at a terminal, the person is
 * asked (the fingerprint to trust, the passphrase) and the call is made again with the answer.
 */
async function askingForKeys<T>(call: () => Promise<T>, params: { hostKey?: string; passphrase?: string }, what: 'host' | 'cluster', json: boolean): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof BatonError) || !interactive() || json) throw err;
      if (err.code === 'HOST_KEY_UNKNOWN' && typeof err.details?.['fingerprint'] === 'string') {
        process.stderr.write(`${err.message}\n`);
        const answer = await ask(`Trust this host key and add the ${what}? [y/N] `);
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
}

// ---------------------------------------------------------------- which cluster

/** Names that stand for Baton's own cluster in `cluster use` and --cluster. */
const OWN_CLUSTER_NAMES = new Set([LOCAL_CLUSTER, 'baton']);

/**
 * The Swarm cluster a command acts on: --cluster, else the current cluster (baton cluster use);
 * undefined for Baton's own. An unknown name is refused by the control plane, saying which there are.
 */
async function swarmCluster(flag: string | undefined): Promise<string | undefined> {
  if (flag !== undefined) return OWN_CLUSTER_NAMES.has(flag) ? undefined : flag;
  const current = await withClient((c) => c.call('cluster.current', {}));
  return current.kind === 'swarm' ? current.name : undefined;
}

/** The --cluster flag's help, the same on every command that takes it. */
const CLUSTER_FLAG_HELP = "a Swarm cluster (or local, Baton's own); default: the current cluster (baton cluster use)";

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
    const params: HostAddParams = { target, ...loginFlags(opts) };
    if (opts.name) params.name = opts.name;
    const labels = parseLabels(opts.label);
    if (labels) params.labels = labels;
    checkFlags('host.add', params, { name: '--name', hostKey: '--host-key', labels: '--label', target: '<target>' });

    const added = await withClient((client) => askingForKeys(() => client.call('host.add', params), params, 'host', opts.json));
    print(opts.json, added, () => `Added ${added.name} (${added.state}).\n\n${hostDetail(added)}`);
  });

host
  .command('ls')
  .alias('list')
  .description("list hosts with their state and capacity; on a Swarm cluster its nodes: role, manager status, availability, state, engine")
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const nodes = await withClient((c) => c.call('swarm.nodes', { cluster: swarm }));
      return print(opts.json, nodes, () => swarmNodesTable(nodes));
    }
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
  .command('drain <name>')
  .description("move the host's replicas elsewhere (each new one healthy first) and keep new ones off it; on a Swarm cluster, set the node's availability to drain (Swarm moves its tasks)")
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const node = await withClient((c) => c.call('swarm.nodeAvailability', { cluster: swarm, node: name, availability: 'drain' }));
      return print(opts.json, node, () => `Node ${node.hostname} of ${swarm} is drained: Swarm moves its tasks to other nodes and gives it none. It takes tasks again after: baton host activate ${node.hostname} --cluster ${swarm}`);
    }
    await withClient(async (client) => {
      const done = await client.call('host.drain', { name });
      print(opts.json, done, () => `${name} drained${done.moving.length ? `: moving ${done.moving.join(', ')}` : ''}. It takes new replicas again after: baton host activate ${name}`);
    });
  });
host
  .command('activate <name>')
  .description('let a drained host take replicas again; on a Swarm cluster, set the node\'s availability to active')
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const node = await withClient((c) => c.call('swarm.nodeAvailability', { cluster: swarm, node: name, availability: 'active' }));
      return print(opts.json, node, () => `Node ${node.hostname} of ${swarm} is active: Swarm gives it new tasks (it does not move running ones back on its own).`);
    }
    await withClient(async (client) => {
      const done = await client.call('host.activate', { name });
      print(opts.json, done, () => `${name} is active: it takes new replicas, and services rebalance toward it one replica at a time.`);
    });
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

// ---------------------------------------------------------------- stacks

async function waitConverged(client: SocketClient, stack: string | undefined, timeoutMs: number): Promise<ServiceStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const services = await client.call('service.list', stack ? { stack } : {});
    if (services.every(isConverged)) return services;
    if (Date.now() > deadline) {
      throw new BatonError('TIMEOUT', `Not converged after ${timeoutMs / 1000} s: ${services.filter((s) => !isConverged(s)).map((s) => `${s.stack}/${s.name} ${availableText(s)} available, ${healthText(s)}${s.pending ? ` (${s.pending})` : ''}`).join('; ')}. See baton ps and baton events.`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------- clusters


const cluster = program.command('cluster').description("Baton's own cluster and the Docker Swarms it drives");
cluster
  .command('add <name>')
  .description('add a Docker Swarm as a cluster, by one of its managers: baton cluster add prod --swarm user@manager')
  .option('--swarm <target>', 'a manager of the swarm: user@address[:port] or an alias from ~/.ssh/config; repeat it (or give a comma list) for several managers, tried in turn when one is down', collect, [])
  .option('-i, --identity <file>', 'private key file (default: IdentityFile from ~/.ssh/config, else the agent, else ~/.ssh/id_*)')
  .option('--passphrase-file <file>', "read the key's passphrase from this file (or set BATON_KEY_PASSPHRASE)")
  .option('--agent', 'authenticate with the SSH agent at SSH_AUTH_SOCK', false)
  .option('--host-key <fingerprint>', 'accept only this host key (SHA256:…, as ssh-keygen -l prints it)')
  .option('--trust-new-host-key', 'accept and remember a host key seen for the first time', false)
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { swarm: string[]; identity?: string; passphraseFile?: string; agent: boolean; hostKey?: string; trustNewHostKey: boolean; json: boolean }) => {
    if (opts.swarm.length === 0) throw new BatonError('INVALID_INPUT', `baton cluster add ${name}: say which manager of the swarm to reach.`, {}, `baton cluster add ${name} --swarm root@MANAGER (repeat --swarm for several managers).`);
    const params: ClusterAddParams = { name, swarm: opts.swarm.join(','), ...loginFlags(opts) };
    checkFlags('cluster.add', params, { name: '<name>', swarm: '--swarm', hostKey: '--host-key' });
    const added = await withClient((client) => askingForKeys(() => client.call('cluster.add', params), params, 'cluster', opts.json));
    print(opts.json, added, () => `Added Swarm cluster ${added.name}.\n\n${clustersTable([added])}`);
  });
cluster
  .command('ls')
  .alias('list')
  .description('the clusters: the current one (*), kind, managers (* the leader), quorum (managers reachable / total), the manager calls go to')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const clusters = await withClient((c) => c.call('cluster.list', {}));
    print(opts.json, clusters, () => clustersTable(clusters));
  });
cluster
  .command('use [name]')
  .description("make a cluster the current one: commands without --cluster act on it (kept in the control plane's home, so the app and every CLI of it agree)")
  .option('--default', "Baton's own cluster again (as: baton cluster use local)", false)
  .option('--json', 'machine-readable output', false)
  .action(async (name: string | undefined, opts: { default: boolean; json: boolean }) => {
    if ((name === undefined) === !opts.default) throw new BatonError('INVALID_INPUT', name === undefined ? 'baton cluster use: say which cluster.' : `baton cluster use ${name} --default: give a name or --default, not both.`, {}, "baton cluster use NAME (see baton cluster ls), or baton cluster use --default for Baton's own.");
    const chosen = name === undefined || OWN_CLUSTER_NAMES.has(name) ? LOCAL_CLUSTER : name;
    const current = await withClient((c) => c.call('cluster.use', { name: chosen }));
    print(opts.json, current, () => (current.kind === 'baton' ? "The current cluster is Baton's own: commands without --cluster act on its hosts." : `The current cluster is ${current.name} (a Swarm): commands without --cluster act on it. Back to Baton's own with: baton cluster use --default`));
  });
cluster
  .command('rm <name>')
  .alias('remove')
  .description('forget a Swarm cluster (its services keep running on the swarm)')
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean }) => {
    const removed = await withClient((c) => c.call('cluster.remove', { name }));
    print(opts.json, removed, () => `Removed cluster ${removed.name}; its services keep running on the swarm.`);
  });

program
  .command('apply')
  .description('deploy a Compose file: validate, show the plan, then make it so')
  .option('-f, --file <file>', 'the Compose file (repeat to merge files over the first); default: compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml here', collect, [])
  .option('--profile <name>', 'activate a Compose profile (repeatable; COMPOSE_PROFILES adds to them)', collect, [])
  .option('-p, --project-name <name>', 'the stack name (default: name: in the file, else its folder)')
  .option('--dry-run', 'validate and print the plan, change nothing', false)
  .option('--wait', 'wait until every service runs its desired replicas of its desired revision, available', false)
  .option('--timeout <seconds>', 'with --wait: how long', (v) => Number(v), 120)
  .option('--cluster <name>', `deploy to this cluster (a Swarm cluster: as a Swarm stack): ${CLUSTER_FLAG_HELP}`)
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { file: string[]; profile: string[]; projectName?: string; dryRun: boolean; wait: boolean; timeout: number; cluster?: string; json: boolean }) => {
    // the parser is loaded by the commands that read a stack file, not by every command
    const [{ readStackInput }, { readBuildContexts }] = await Promise.all([import('./stack-files.ts'), import('./build-contexts.ts')]);
    const { source, file, env, files, overrides, profiles } = readStackInput(opts.file, opts.profile);
    const loaded = { ...(overrides.length > 0 ? { overrides } : {}), ...(profiles.length > 0 ? { profiles } : {}) };
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      if (opts.wait) throw new BatonError('INVALID_INPUT', '--wait is not done on a Swarm cluster yet.', {}, `Follow the tasks with: baton ps --cluster ${swarm}`);
      const plan = await withClient((c) => c.call('swarm.apply', { cluster: swarm, source, file, env, files, ...loaded, dryRun: opts.dryRun, ...(opts.projectName ? { stack: opts.projectName } : {}) }));
      return print(opts.json, plan, () => swarmPlanText(plan));
    }
    const builds = readBuildContexts(source, file, env, files, opts.dryRun, loaded);
    await withClient(async (client) => {
      // a build's output, as it comes (on stderr: standard output stays the plan, or its JSON)
      const unsubscribe = Object.keys(builds).length > 0 && !opts.dryRun ? client.subscribe((e) => { const line = buildEventText(e); if (line !== null) process.stderr.write(`${line}\n`); }) : () => {};
      let plan: StackPlan;
      try {
        plan = await client.call('stack.apply', {
          source,
          file,
          env,
          files,
          ...(overrides.length > 0 ? { overrides } : {}),
          ...(profiles.length > 0 ? { profiles } : {}),
          dryRun: opts.dryRun,
          ...(Object.keys(builds).length > 0 ? { builds } : {}),
          ...(opts.projectName ? { stack: opts.projectName } : {}),
        });
      } finally {
        unsubscribe();
      }
      if (!opts.wait || opts.dryRun) return print(opts.json, plan, () => planText(plan));
      if (!opts.json) process.stdout.write(planText(plan) + '\n\nwaiting for the services…\n');
      const services = await waitConverged(client, plan.stack, opts.timeout * 1000);
      print(opts.json, { plan, services }, () => servicesTable(services));
    });
  });

program
  .command('ls')
  .description('services: available of desired replicas, their health (healthy, running without a health check, unknown on an unreachable host)')
  .option('--stack <name>', 'only this stack')
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { stack?: string; cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const rows = await withClient((c) => c.call('swarm.services', { cluster: swarm, ...(opts.stack ? { stack: opts.stack } : {}) }));
      return print(opts.json, rows, () => swarmServicesTable(rows));
    }
    const services = await withClient((c) => c.call('service.list', opts.stack ? { stack: opts.stack } : {}));
    print(opts.json, services, () => (services.length ? servicesTable(services) : 'No services. Deploy a Compose file with: baton apply -f compose.yaml'));
  });

program
  .command('ps [service]')
  .description('replicas: host, state, health, revision, age')
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (service: string | undefined, opts: { cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const rows = await withClient((c) => c.call('swarm.tasks', { cluster: swarm }));
      const shown = service === undefined ? rows : rows.filter((t) => t.service === service || t.service.endsWith(`_${service}`) || t.service === service.replace('/', '_'));
      return print(opts.json, shown, () => swarmTasksTable(shown));
    }
    const [replicas, services] = await withClient((c) => Promise.all([c.call('replica.list', service ? { service } : {}), c.call('service.list', {})]));
    print(opts.json, replicas, () => replicasTable(replicas, services));
  });

program
  .command('scale <service=replicas...>')
  .description('set the replica count of services: baton scale web=5 shop/api=2')
  .option('--wait', 'wait until they run the new count, available', false)
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (pairs: string[], opts: { wait: boolean; cluster?: string; json: boolean }) => {
    const targets = pairs.map((pair) => {
      const m = /^([^=]+)=(\d+)$/.exec(pair);
      if (!m) throw new BatonError('INVALID_INPUT', `"${pair}": write SERVICE=N, e.g. web=3.`);
      return { service: m[1]!, replicas: Number(m[2]) };
    });
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const scaled = await withClient((c) => c.call('swarm.scale', { cluster: swarm, targets }));
      return print(opts.json, scaled, () => swarmServicesTable(scaled));
    }
    await withClient(async (client) => {
      const scaled = await client.call('service.scale', { targets });
      // said first, on stderr: the count is not the one asked for, or the cluster cannot hold it
      for (const s of scaled) if (s.note) process.stderr.write(`${s.note}\n`);
      const services = opts.wait ? (await waitConverged(client, undefined, 120_000)).filter((s) => scaled.some((x) => x.stack === s.stack && x.name === s.name)) : scaled;
      print(opts.json, services, () => servicesTable(services));
    });
  });

const rollout = program.command('rollout').description("a service's rolling updates: status, history, pause, resume, undo");
rollout
  .command('status <service>')
  .description('old / new / healthy replicas, the phase, what it waits for')
  .option('--wait [seconds]', 'wait until the rollout completes, rolls back, pauses or fails (exit 1 unless it completed)')
  .option('--cluster <name>', `${CLUSTER_FLAG_HELP}; on a Swarm: its UpdateStatus`)
  .option('--json', 'machine-readable output', false)
  .action(async (service: string, opts: { wait?: string | boolean; cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      return withClient(async (client) => {
        let status = await client.call('swarm.rolloutStatus', { cluster: swarm, service });
        if (opts.wait !== undefined) {
          const deadline = Date.now() + (typeof opts.wait === 'string' ? Number(opts.wait) : 900) * 1000;
          while (['updating', 'rolling-back'].includes(status.phase) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
            status = await client.call('swarm.rolloutStatus', { cluster: swarm, service });
          }
          if (!['completed', 'none'].includes(status.phase)) process.exitCode = 1;
        }
        print(opts.json, status, () => swarmRolloutText(status));
      });
    }
    await withClient(async (client) => {
      let status = await client.call('rollout.status', { service });
      if (opts.wait !== undefined) {
        const deadline = Date.now() + (typeof opts.wait === 'string' ? Number(opts.wait) : 900) * 1000;
        while (['rolling', 'rolling-back'].includes(status.phase) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          status = await client.call('rollout.status', { service });
        }
        if (status.phase !== 'completed' && status.phase !== 'none') process.exitCode = 1;
      }
      print(opts.json, status, () => rolloutStatusText(status));
    });
  });
rollout
  .command('history <service>')
  .description('the kept revisions, with what changed between them (on a Swarm: its current and previous specs)')
  .option('--cluster <name>', CLUSTER_FLAG_HELP)
  .option('--json', 'machine-readable output', false)
  .action(async (service: string, opts: { cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      const entries = await withClient((c) => c.call('swarm.rolloutHistory', { cluster: swarm, service }));
      return print(opts.json, entries, () => swarmHistoryText(entries));
    }
    await withClient(async (client) => {
      const entries = await client.call('rollout.history', { service });
      print(opts.json, entries, () => rolloutHistoryText(entries));
    });
  });
for (const [verb, what] of [
  ['pause', 'stop replacing replicas (those that run keep serving); refused on a Swarm, which pauses an update only itself, when a task fails and failure_action is pause'],
  ['resume', 'go on with a paused rollout (on a Swarm: one Swarm paused)'],
] as const) {
  rollout
    .command(`${verb} <service>`)
    .description(what)
    .option('--cluster <name>', CLUSTER_FLAG_HELP)
    .option('--json', 'machine-readable output', false)
    .action(async (service: string, opts: { cluster?: string; json: boolean }) => {
      const swarm = await swarmCluster(opts.cluster);
      if (swarm !== undefined) {
        const status = await withClient((c) => c.call(verb === 'pause' ? 'swarm.rolloutPause' : 'swarm.rolloutResume', { cluster: swarm, service }));
        return print(opts.json, status, () => swarmRolloutText(status));
      }
      await withClient(async (client) => {
        const status = await client.call(verb === 'pause' ? 'rollout.pause' : 'rollout.resume', { service });
        print(opts.json, status, () => rolloutStatusText(status));
      });
    });
}
rollout
  .command('undo <service>')
  .description('roll back to the revision before (or --to-revision N), under rollback_config')
  .option('--to-revision <n>', 'the revision to go back to (see baton rollout history)')
  .option('--cluster <name>', `${CLUSTER_FLAG_HELP}; on a Swarm: Swarm's rollback to the previous spec`)
  .option('--json', 'machine-readable output', false)
  .action(async (service: string, opts: { toRevision?: string; cluster?: string; json: boolean }) => {
    const swarm = await swarmCluster(opts.cluster);
    if (swarm !== undefined) {
      if (opts.toRevision !== undefined) throw new BatonError('INVALID_INPUT', '--to-revision is not done on a Swarm cluster: Swarm keeps only the spec before the current one.', {}, `Leave it out to go back to that spec (baton rollout history ${service} --cluster ${swarm} shows it), or apply an older stack file.`);
      const status = await withClient((c) => c.call('swarm.rolloutUndo', { cluster: swarm, service }));
      return print(opts.json, status, () => swarmRolloutText(status));
    }
    const toRevision = opts.toRevision === undefined ? undefined : Number(opts.toRevision);
    if (toRevision !== undefined && (!Number.isInteger(toRevision) || toRevision < 1)) throw new BatonError('INVALID_INPUT', `--to-revision ${opts.toRevision}: write a revision number, e.g. --to-revision 3 (see baton rollout history ${service}).`);
    await withClient(async (client) => {
      const status = await client.call('rollout.undo', { service, ...(toRevision !== undefined ? { toRevision } : {}) });
      print(opts.json, status, () => rolloutStatusText(status));
    });
  });

program
  .command('rebalance [service]')
  .description('move replicas toward an even spread over the hosts, one at a time, the new one healthy first')
  .option('--json', 'machine-readable output', false)
  .action(async (service: string | undefined, opts: { json: boolean }) => {
    await withClient(async (client) => {
      const done = await client.call('service.rebalance', service === undefined ? {} : { service });
      print(opts.json, done, () => `Rebalancing ${done.services.length ? done.services.join(', ') : 'nothing (no services)'}: replicas move one at a time where hosts differ by 2 or more. Follow it with: baton events -f`);
    });
  });

program
  .command('rm <stack>')
  .description('remove a stack: its services and all their replicas (its volumes stay, unless --volumes)')
  .option('--volumes', 'also remove the volumes the stack made, once its replicas are gone (external volumes stay)', false)
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean; volumes: boolean }) => {
    const removed = await withClient((c) => c.call('stack.remove', { name, ...(opts.volumes ? { volumes: true } : {}) }));
    print(opts.json, removed, () => {
      const head = `Removed stack ${removed.name} (${removed.services.join(', ') || 'no services'})`;
      if (!removed.volumesRemoved) return `${head}; its replicas are being stopped. Its volumes are kept (baton volume ls; baton rm ${removed.name} --volumes removes them with the stack).`;
      const vols = removed.volumesRemoved.map((v) => `${v.name} on ${v.host}`);
      return `${head} and its replicas; removed ${vols.length === 0 ? 'no volumes (it had none on any host)' : `volumes ${vols.join(', ')}`}.`;
    });
  });

program
  .command('stacks')
  .description('list stacks')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const stacks = await withClient((c) => c.call('stack.list', {}));
    print(opts.json, stacks, () => table(['STACK', 'SERVICES', 'FILE', 'UPDATED'], stacks.map((s) => [s.name, s.services.join(','), s.file ?? '-', s.updatedAt])));
  });

// ---------------------------------------------------------------- logs

program
  .command('logs <replica-or-service>')
  .description("a replica's log, or every replica's of a service merged, each line prefixed with its replica")
  .option('-f, --follow', 'keep printing new lines (and replicas that start later)', false)
  .option('--tail <n>', 'lines from the end of each log to start with', '200')
  .option('-t, --timestamps', 'show when each line was written', false)
  .option('--cluster <name>', `${CLUSTER_FLAG_HELP}; on a Swarm: a service's log, every task's, each line prefixed with its task`)
  .option('--json', 'one JSON object per line', false)
  .action(async (target: string, opts: { follow: boolean; tail: string; timestamps: boolean; cluster?: string; json: boolean }) => {
    const tail = Number(opts.tail);
    if (!/^\d+$/.test(opts.tail) || tail > 10_000) throw new BatonError('INVALID_INPUT', `--tail ${opts.tail}: give a number of lines from 0 to 10000, e.g. --tail 50.`);
    const swarm = await swarmCluster(opts.cluster);
    const client = await connectSocket(socketPathFor(home()));
    try {
      let isService = swarm !== undefined;
      let width = 0;
      if (swarm !== undefined) {
        const tasks = await client.call('swarm.tasks', { cluster: swarm });
        width = Math.max(0, ...tasks.filter((t) => t.service === target || t.service.endsWith(`_${target}`) || t.service === target.replace('/', '_')).map((t) => t.name.length));
      } else {
        const services = await client.call('service.list', {});
        isService = services.some((s) => s.name === target || `${s.stack}/${s.name}` === target);
        width = isService ? Math.max(0, ...(await client.call('replica.list', { service: target })).map((r) => r.name.length)) : 0;
      }
      await new Promise<void>((resolvePromise, reject) => {
        const handlers = {
          chunk(lines: LogLine[]) {
            for (const line of lines) {
              if (opts.json) {
                process.stdout.write(JSON.stringify(line) + '\n');
                continue;
              }
              const prefix = isService ? `${line.replica.padEnd(width)} | ` : '';
              const time = opts.timestamps ? `${line.time} ` : '';
              (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${prefix}${time}${line.text}\n`);
            }
          },
          end: (error: Error | null) => (error ? reject(error) : resolvePromise()),
        };
        const cancel = swarm !== undefined
          ? client.stream('swarm.logs', { cluster: swarm, service: target, tail, follow: opts.follow }, handlers)
          : client.stream('logs', { ...(isService ? { service: target } : { replica: target }), tail, follow: opts.follow }, handlers);
        const stop = () => {
          cancel();
          resolvePromise();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.stdout.once('error', stop); // e.g. piped into head, which has seen enough
      });
    } finally {
      client.close();
    }
  });

// ---------------------------------------------------------------- top

program
  .command('top [service]')
  .description('live CPU, memory, requests/s and response time per replica, and per host against its capacity')
  .option('--json', 'print one sample (a frame of the metrics stream) as JSON and exit', false)
  .action(async (service: string | undefined, opts: { json: boolean }) => {
    const client = await connectSocket(socketPathFor(home()));
    const tty = process.stdout.isTTY === true && !opts.json;
    try {
      await new Promise<void>((resolvePromise, reject) => {
        let frames = 0;
        const cancel = client.stream('metrics', service ? { service } : {}, {
          chunk(frame: MetricsFrame) {
            frames++;
            // the first frame may be the one measured before this asked: wait for a fresh one when it has nothing fresh yet
            if (opts.json) {
              const fresh = frame.replicas.some((r) => !r.stale) || frame.replicas.length === 0 || frames >= 3;
              if (!fresh) return;
              process.stdout.write(JSON.stringify(frame, null, 2) + '\n');
              cancel();
              resolvePromise();
              return;
            }
            // in place on a terminal (home, clear below); one table after another when piped
            process.stdout.write(tty ? `\x1b[H\x1b[2J${topText(frame)}\n` : `${topText(frame)}\n\n`);
          },
          end: (error) => (error ? reject(error) : resolvePromise()),
        });
        const stop = () => {
          cancel();
          resolvePromise();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.stdout.once('error', stop);
      });
    } finally {
      client.close();
    }
  });

// ---------------------------------------------------------------- autoscale

const autoscale = program.command('autoscale').description("a service's autoscaling (x-baton.autoscale): its policy, metrics and decisions");
autoscale
  .command('status <service>')
  .description('the policy, the metrics now against the targets, and the last decisions with their reasons')
  .option('--json', 'machine-readable output', false)
  .action(async (service: string, opts: { json: boolean }) => {
    await withClient(async (client) => {
      const status = await client.call('autoscale.status', { service });
      print(opts.json, status, () => autoscaleStatusText(status));
    });
  });

// ---------------------------------------------------------------- secrets

/** A secret's value from a file (-f FILE) or standard input (-): never from the command line, where ps and the shell history would show it. */
async function readSecretValue(name: string, source: string | undefined, opts: { file?: string }): Promise<string> {
  if (source !== undefined && source !== '-') {
    throw new BatonError('INVALID_INPUT', `baton secret takes no value on the command line, where ps and the shell history would show it; nothing was stored.`, undefined, `Read it from a file: baton secret create ${name} -f FILE, or pipe it in: … | baton secret create ${name} -`);
  }
  if ((source === '-') === (opts.file !== undefined)) {
    throw new BatonError('INVALID_INPUT', `Give the value of secret ${name} either from a file (-f FILE) or from standard input (-), one of them.`, undefined, `e.g. baton secret create ${name} -f ./db_password.txt, or printf %s "$PW" | baton secret create ${name} -`);
  }
  let value: Buffer;
  if (opts.file !== undefined) {
    try {
      value = readFileSync(opts.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new BatonError('INVALID_INPUT', `Cannot read ${opts.file} for secret ${name}: ${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message}. Nothing was stored.`, { file: opts.file }, code === 'EACCES' ? `Let this user read ${opts.file}.` : 'Check the path.');
    }
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    value = Buffer.concat(chunks);
  }
  if (value.length > SECRET_MAX_BYTES) {
    throw new BatonError('INVALID_INPUT', `${opts.file ?? 'standard input'} holds ${Math.ceil(value.length / 1024)} KB: a secret is at most ${SECRET_MAX_BYTES / 1024} KB. Nothing was stored.`, undefined, 'Keep large files in an image or a volume; a secret is a password, a key, a certificate.');
  }
  return value.toString('base64');
}

function secretsTable(list: SecretInfo[]): string {
  if (list.length === 0) return 'No secrets. Create one with: baton secret create NAME -f FILE (or - for standard input)';
  return table(
    ['NAME', 'STACK', 'SIZE', 'VERSION', 'UPDATED', 'USED BY'],
    list.map((s) => [s.name, s.stack ?? '-', `${s.size} B`, String(s.version), s.updatedAt, s.services.join(', ') || '-']),
  );
}

const replica = program.command('replica').description('one replica: restart it in place, or stop it (the reconciler replaces it)');
replica
  .command('restart <replica>')
  .description('restart the same container on its host: drained out of the ingress, stopped within its stop_grace_period, started again')
  .option('--json', 'machine-readable output', false)
  .action(async (ref: string, opts: { json: boolean }) => {
    const done = await withClient((c) => c.call('replica.restart', { replica: ref }));
    print(opts.json, done, () => `${done.name} restarted in place on ${done.host}: ${done.state}${done.health !== 'none' ? `, ${done.health}` : ''}. It serves again once it passes its health check.`);
  });
replica
  .command('stop <replica>')
  .description('stop a replica gracefully (drained first); its service keeps its count, so a new replica takes its place')
  .option('--json', 'machine-readable output', false)
  .action(async (ref: string, opts: { json: boolean }) => {
    const done = await withClient((c) => c.call('replica.stop', { replica: ref }));
    print(opts.json, done, () => `${done.name} stopped on ${done.host}; a new replica of ${done.stack}/${done.service} takes its place (fewer replicas: baton scale ${done.stack}/${done.service}=N).`);
  });

const secret = program.command('secret').description("secrets: create, set (rotate), ls, rm; values are never shown");
for (const verb of ['create', 'set'] as const) {
  secret
    .command(`${verb} <name> [source]`)
    .description(verb === 'create' ? 'store a new secret for stacks that declare it `external: true`: -f FILE, or - for standard input' : 'give a secret a new value (-f FILE or -): the services that use it roll out')
    .option('-f, --file <file>', 'read the value from this file')
    .option('--json', 'machine-readable output', false)
    .action(async (name: string, source: string | undefined, opts: { file?: string; json: boolean }) => {
      const value = await readSecretValue(name, source, opts);
      const info = await withClient((c) => c.call(verb === 'create' ? 'secret.create' : 'secret.set', { name, value }));
      const rolling = 'rolling' in info ? (info.rolling as string[]) : [];
      print(opts.json, info, () => `${verb === 'create' ? 'Created' : 'Set'} secret ${info.name} (${info.size} bytes, version ${info.version}).${rolling.length ? ` Rolling out: ${rolling.join(', ')} (baton rollout status SERVICE).` : ''}`);
    });
}
secret
  .command('ls')
  .alias('list')
  .description('secrets: name, stack (for a stack\'s own), size, version, when set, which services use them')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const list = await withClient((c) => c.call('secret.list', {}));
    print(opts.json, list, () => secretsTable(list));
  });
secret
  .command('rm <name>')
  .alias('remove')
  .description('remove a secret no service uses')
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean }) => {
    const removed = await withClient((c) => c.call('secret.remove', { name }));
    print(opts.json, removed, () => `Removed secret ${removed.name}.`);
  });

// ---------------------------------------------------------------- configs

// `baton config [-f FILE]` checks a stack file (config-command.ts); its subcommands list the
// configs of applied stacks (configs are no secrets: their content is shown)
const config = addConfigCommand(program);
config
  .command('ls')
  .alias('list')
  .description('configs: stack, name, size, version, which services mount them')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const list = await withClient((c) => c.call('config.list', {}));
    // `config` takes --json too (for a checked file), and commander gives it to the parent: either says it
    const json = opts.json || config.opts<{ json?: boolean }>().json === true;
    print(json, list, () =>
      list.length === 0
        ? "No configs. A stack's top-level configs: are stored when it is applied."
        : table(['STACK', 'NAME', 'SIZE', 'VERSION', 'USED BY'], list.map((c) => [c.stack, c.name, bytes(c.size), String(c.version), c.services.join(', ') || '-'])),
    );
  });
config
  .command('show <stack/name>')
  .description("a config's content (when it is text of 64 KiB at most)")
  .action(async (ref: string) => {
    const [stack, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [undefined, ref];
    const list = await withClient((c) => c.call('config.list', {}));
    const found = list.filter((c) => c.name === name && (stack === undefined || c.stack === stack));
    if (found.length !== 1) {
      const why = found.length === 0 ? `There is no config ${ref}.` : `${found.length} stacks have a config ${name}: name it as STACK/NAME.`;
      throw new BatonError('NOT_FOUND', why, { config: ref }, 'See the configs with: baton config ls');
    }
    const c = found[0]!;
    if (c.content === null) throw new BatonError('INVALID_INPUT', `${c.stack}/${c.name} is not text, or is larger than 64 KiB: it is not shown.`, { config: ref }, 'Read it in a replica that mounts it (the app\'s terminal).');
    process.stdout.write(c.content);
  });

// ---------------------------------------------------------------- volumes

function volumesTable(list: VolumeInfo[]): string {
  if (list.length === 0) return 'No volumes. A stack\'s named volumes are made on the host of the replica that mounts them.';
  return table(
    ['HOST', 'NAME', 'DRIVER', 'SIZE', 'STACK', 'USED BY'],
    list.map((v) => [
      v.hostReachable ? v.host : `${v.host} (unreachable)`,
      v.name,
      `${v.driver}${v.type ? ` (${v.type})` : ''}${v.external ? ', external' : ''}`,
      v.size === null ? '-' : bytes(v.size),
      v.stack ?? '-',
      v.services.join(', ') || '-',
    ]),
  );
}

const volume = program.command('volume').description("volumes of Baton's stacks, per host: ls, rm");
volume
  .command('ls')
  .alias('list')
  .description('volumes per host: name, driver, size (where the engine measures it), stack, which services use them')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const list = await withClient((c) => c.call('volume.list', {}));
    print(opts.json, list, () => volumesTable(list));
  });
volume
  .command('rm <name>')
  .alias('remove')
  .description('remove a volume no service uses, and its data, from every host that has it (or --host)')
  .option('--host <host>', 'only on this host')
  .option('--json', 'machine-readable output', false)
  .action(async (name: string, opts: { json: boolean; host?: string }) => {
    const removed = await withClient((c) => c.call('volume.remove', { name, ...(opts.host ? { host: opts.host } : {}) }));
    print(opts.json, removed, () => `Removed volume ${removed.name} from ${removed.hosts.join(', ')}.`);
  });

// ---------------------------------------------------------------- images

const image = program.command('image').description('images on the hosts, and copying them there without a registry');
image
  .command('ls')
  .alias('list')
  .description('which host has which image: reference, id, size, hosts (and this machine\'s engine)')
  .option('--json', 'machine-readable output', false)
  .action(async (opts: { json: boolean }) => {
    const list = await withClient((c) => c.call('image.list', {}));
    print(opts.json, list, () => imagesTable(list));
  });
image
  .command('push <image>')
  .description('copy an image over the SSH links from where it is (this machine\'s engine, or a host) to hosts: only the layers each lacks')
  .option('--to <host>', 'a host to push to (repeat for more)', collect)
  .option('--all', 'every ready host', false)
  .option('--json', 'one JSON object per line (the plan, progress, the outcome)', false)
  .action(async (ref: string, opts: { to?: string[]; all: boolean; json: boolean }) => {
    if ((opts.to?.length ?? 0) > 0 && opts.all) throw new BatonError('INVALID_INPUT', 'Give --to HOST or --all, not both.');
    const client = await connectSocket(socketPathFor(home()));
    // a terminal gets bars redrawn in place; a pipe or a log gets a line per host at every quarter
    const tty = process.stdout.isTTY === true && !opts.json;
    let drawn = 0;
    const quarters = new Map<string, number>();
    const draw = (transfers: ImageTransfer[]) => {
      if (opts.json) return;
      if (tty) {
        if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
        const lines = barsText(transfers);
        process.stdout.write(lines.map((l) => `\x1b[2K${l}\n`).join(''));
        drawn = lines.length;
        return;
      }
      for (const [i, line] of barsText(transfers).entries()) {
        const t = transfers[i]!;
        const quarter = t.state === 'done' || t.state === 'failed' ? 5 : t.totalBytes > 0 ? Math.floor((4 * t.sentBytes) / t.totalBytes) : 0;
        if ((quarters.get(t.host) ?? -1) >= quarter) continue;
        quarters.set(t.host, quarter);
        process.stdout.write(line + '\n');
      }
    };
    try {
      await new Promise<void>((resolvePromise, reject) => {
        client.stream('image.push', { image: ref, ...(opts.to?.length ? { to: opts.to } : {}), all: opts.all }, {
          chunk(chunk: ImagePushChunk) {
            if (opts.json) return void process.stdout.write(JSON.stringify(chunk) + '\n');
            if (chunk.kind === 'plan') process.stdout.write(pushPlanText(chunk) + '\n');
            if (chunk.kind === 'progress') draw(chunk.transfers);
            if (chunk.kind === 'done') {
              draw(chunk.transfers);
              process.stdout.write(pushDoneText(chunk) + '\n');
            }
          },
          end: (error) => (error ? reject(error) : resolvePromise()),
        });
      });
    } finally {
      client.close();
    }
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
    const params = { limit: opts.limit, ...(opts.host ? { host: opts.host } : {}) };
    checkFlags('events.list', params, { limit: '--limit', host: '--host' });
    const client = await connectSocket(socketPathFor(home()));
    const past = await client.call('events.list', params);
    // a host with no events at all may be a slip: a removed host's events stay, so ask only then
    if (opts.host && past.length === 0 && !(await client.call('host.list', {})).some((h) => h.name === opts.host)) {
      client.close();
      throw new BatonError('NOT_FOUND', `There is no host named ${opts.host}, and no event names one.`, { host: opts.host }, 'See the hosts with: baton host ls');
    }
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
  else process.stderr.write(errorText(body));
  process.exit(1);
});
