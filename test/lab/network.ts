// The lab's network: a bridge in the root namespace, one namespace per host joined to
// it by a veth pair, and the FORWARD rule that lets bridged traffic through.
import { access, readFile } from 'node:fs/promises';
import { run, tryRun } from './exec.ts';
import { BRIDGE, BRIDGE_ADDRESS, PREFIX, SUBNET, type HostLayout } from './layout.ts';

const PREFIX_LENGTH = SUBNET.split('/')[1] ?? '24';
// A Docker engine in the root namespace sets FORWARD's policy to DROP, and with
// br_netfilter bridged frames pass that chain: without this, hosts can't talk.
const FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT'];

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function linkExists(name: string): Promise<boolean> {
  return exists(`/sys/class/net/${name}`);
}

export async function linkIsUp(name: string): Promise<boolean> {
  const flags = await readFile(`/sys/class/net/${name}/flags`, 'utf8').catch(() => '0');
  return (parseInt(flags, 16) & 1) === 1; // IFF_UP
}

export async function ensureBridge(): Promise<void> {
  if (!(await linkExists(BRIDGE))) {
    await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
  }
  const addrs = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', BRIDGE]);
  if (!addrs.includes(` ${BRIDGE_ADDRESS}/`)) {
    await run('ip', ['addr', 'add', `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, 'dev', BRIDGE]);
  }
  await run('ip', ['link', 'set', BRIDGE, 'up']);
}

export async function forwardRuleExists(): Promise<boolean> {
  return (await tryRun('iptables', ['-w', '-C', ...FORWARD_RULE])).code === 0;
}

export async function ensureForwardRule(): Promise<void> {
  if (!(await forwardRuleExists())) await run('iptables', ['-w', '-I', ...FORWARD_RULE]);
}

export async function removeForwardRule(): Promise<void> {
  for (let i = 0; i < 10 && (await forwardRuleExists()); i++) await run('iptables', ['-w', '-D', ...FORWARD_RULE]);
}

// A namespace with eth0 at the host's address and no default route (offline host:
// image pulls fail at once instead of hanging on DNS).
export async function addHostNetwork(h: HostLayout): Promise<void> {
  await run('ip', ['netns', 'add', h.name]);
  await run('ip', ['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.name]);
  await run('ip', ['link', 'set', h.veth, 'master', BRIDGE, 'up']);
  const inNs = (args: string[]) => run('ip', ['-n', h.name, ...args]);
  await inNs(['addr', 'add', `${h.address}/${PREFIX_LENGTH}`, 'dev', 'eth0']);
  await inNs(['link', 'set', 'eth0', 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
}

export async function setLink(h: HostLayout, state: 'up' | 'down'): Promise<void> {
  await run('ip', ['link', 'set', h.veth, state]);
}

export async function labNetnsNames(): Promise<string[]> {
  const out = await tryRun('ip', ['netns', 'list']);
  return out.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

async function labLinkNames(): Promise<string[]> {
  const out = await tryRun('ip', ['-o', 'link', 'show']);
  return out.stdout
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

// Deletes every lab namespace, veth and the bridge; missing pieces are fine.
export async function removeNetwork(): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await labNetnsNames()) {
    if ((await tryRun('ip', ['netns', 'del', ns])).code === 0) removed.push(`netns ${ns}`);
  }
  for (const link of await labLinkNames()) {
    if ((await tryRun('ip', ['link', 'del', link])).code === 0) removed.push(`link ${link}`);
  }
  if (await forwardRuleExists()) {
    await removeForwardRule();
    removed.push('iptables FORWARD rule');
  }
  return removed;
}
