// npm run lab -- up [--hosts N] [--fresh] | down | status | kill-host NAME [--link]
//                 | revive-host NAME | rotate-host-key NAME
import { parseArgs } from 'node:util';
import { killHost, labDown, labStatus, labUp, readLab, reviveHost, rotateHostKey, type HostStatus, type LabInfo } from './lab.ts';

const USAGE = `usage: npm run lab -- <command>
  up [--hosts N] [--fresh]   bring the lab up (N hosts with Docker, default 3, plus a bare host);
                             reuses a healthy lab of that size unless --fresh
  down                       tear everything down
  status                     hosts, addresses, and whether sshd / dockerd answer
  kill-host NAME [--link]    SIGKILL all of the host's processes (--link: take its link down instead)
  revive-host NAME           undo kill-host
  rotate-host-key NAME       new sshd host key on that host; prints the new fingerprint`;

function log(line: string): void {
  console.log(`[lab ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function printInfo(info: LabInfo): void {
  for (const h of info.hosts) console.log(`  ${h.name}  ${h.address}  docker ${h.dockerSocket}  ${h.hostKeyFingerprint}`);
  const b = info.bareHost;
  console.log(`  ${b.name}  ${b.address}  (no Docker)  ${b.hostKeyFingerprint}`);
  console.log(`keys: root ${info.keys.root}, encrypted ${info.keys.encrypted} (passphrase "${info.keys.encryptedPassphrase}"), unauthorized ${info.keys.unauthorized}`);
  console.log(`users: root, ${info.users.noDocker} (no Docker permission)`);
  console.log(`images: ${Object.values(info.images).join(' ')}`);
  const first = info.hosts[0];
  if (first) console.log(`try: ssh -i ${info.keys.root} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@${first.address} docker info --format '{{.Name}}'`);
}

function yesNo(v: boolean | undefined): string {
  return v === undefined ? '-' : v ? 'yes' : 'NO';
}

function printStatus(hosts: HostStatus[]): void {
  const rows = [['HOST', 'ADDRESS', 'HOSTNAME', 'LINK', 'SSHD', 'DOCKERD'], ...hosts.map((h) => [h.name, h.address, h.hostname, h.link ? 'up' : 'DOWN', yesNo(h.sshd), yesNo(h.dockerd)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

function requireName(name: string | undefined, command: string): string {
  if (!name) throw new Error(`${command} needs a host name (see: npm run lab -- status)`);
  return name;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { hosts: { type: 'string' }, fresh: { type: 'boolean' }, link: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, name] = positionals;
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  switch (command) {
    case 'up': {
      const hosts = values.hosts === undefined ? undefined : Number(values.hosts);
      const info = await labUp({ hosts, fresh: values.fresh, log });
      log(`lab is up (${took()}):`);
      printInfo(info);
      return;
    }
    case 'down':
      await labDown({ log });
      log(`lab is down (${took()})`);
      return;
    case 'status':
      try {
        readLab();
      } catch (e) {
        console.log((e as Error).message);
        process.exitCode = 1;
        return;
      }
      printStatus(await labStatus());
      if (process.getuid?.() !== 0) console.log('(not root: DOCKERD says whether this user may use the socket)');
      return;
    case 'kill-host': {
      const host = requireName(name, command);
      await killHost(host, values.link ? 'link' : 'process');
      log(values.link ? `${host}: link down (host still running, unreachable)` : `${host}: every process SIGKILLed (${took()})`);
      return;
    }
    case 'revive-host': {
      const host = requireName(name, command);
      await reviveHost(host);
      const daemons = readLab().bareHost.name === host ? 'sshd' : 'sshd and dockerd';
      log(`${host}: revived, ${daemons} answering (${took()})`);
      return;
    }
    case 'rotate-host-key': {
      const host = requireName(name, command);
      log(`${host}: new host key ${await rotateHostKey(host)}`);
      return;
    }
    default:
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
  }
}

// `npm run lab -- status | head` closes our stdout early: not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`lab: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
