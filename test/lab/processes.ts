// Finding and killing the lab's processes, and cleaning what they leave behind
// (mounts, cgroups). Works from /proc only, so it also finds processes whose pid
// files or namespaces are gone.
import { readdir, readFile, readlink, rmdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { run, sleep } from './exec.ts';

const NSFS_MAGIC = 0x6e736673;

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  net: string;
  uts: string;
  cmdline: string;
  root: string;
}

// What marks a process as the lab's: its network or UTS namespace, or a lab path in
// its command line (dockerd, containerd, shims, sshd) or as its root (containers).
// Descendants of a match are matched too (container processes have their own namespaces).
export interface ProcMatch {
  namespaces: Set<string>; // 'net:[4026532281]', 'uts:[…]'
  pathPrefixes: string[]; // each ending in '/'
}

async function readProc(pid: number): Promise<Proc | undefined> {
  const base = `/proc/${pid}`;
  try {
    const statText = await readFile(`${base}/stat`, 'utf8');
    // comm may contain spaces and parentheses: the fields after the last ')' are fixed
    const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
    const [net, uts, cmdline, root] = await Promise.all([
      readlink(`${base}/ns/net`).catch(() => ''),
      readlink(`${base}/ns/uts`).catch(() => ''),
      readFile(`${base}/cmdline`, 'utf8').catch(() => ''),
      readlink(`${base}/root`).catch(() => ''),
    ]);
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]), net, uts, cmdline: cmdline.replace(/\0/g, ' '), root };
  } catch {
    return undefined; // exited while we looked
  }
}

async function listProcs(): Promise<Proc[]> {
  const entries = await readdir('/proc');
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const procs = await Promise.all(pids.map(readProc));
  return procs.filter((p): p is Proc => p !== undefined);
}

// Our own process and its ancestors are never the lab's, whatever their command line says.
function protectedPids(procs: Proc[]): Set<number> {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const keep = new Set<number>();
  for (let pid: number | undefined = process.pid; pid && !keep.has(pid); pid = byPid.get(pid)?.ppid) keep.add(pid);
  return keep;
}

function isMatch(p: Proc, match: ProcMatch): boolean {
  if (match.namespaces.has(p.net) || match.namespaces.has(p.uts)) return true;
  return match.pathPrefixes.some((prefix) => p.cmdline.includes(prefix) || `${p.root}/`.startsWith(prefix));
}

export async function findProcs(match: ProcMatch): Promise<number[]> {
  const procs = (await listProcs()).filter((p) => p.state !== 'Z');
  const keep = protectedPids(procs);
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const queue = procs.filter((p) => isMatch(p, match)).map((p) => p.pid);
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    if (found.has(pid) || keep.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...found];
}

// SIGKILLs every matching process, rescanning until none is left (a daemon may have
// spawned a child between the scan and the kill). Zombies count as gone.
export async function killProcs(match: ProcMatch, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let killed = 0;
  for (;;) {
    const pids = await findProcs(match);
    if (pids.length === 0) return killed;
    if (Date.now() > deadline) throw new Error(`processes survived SIGKILL for ${timeoutMs} ms: ${pids.join(', ')}`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await sleep(50);
  }
}

export async function isAlive(pid: number): Promise<boolean> {
  const p = await readProc(pid);
  return p !== undefined && p.state !== 'Z';
}

export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// SIGTERM, then SIGKILL after graceMs; resolves when the process is gone.
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  const deadline = Date.now() + graceMs;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  while (await isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
    }
    await sleep(25);
  }
}

// 'net:[4026532281]' for a namespace file (/var/run/netns/x or a uts bind mount),
// or undefined if the file is missing or not (any more) a namespace.
export async function namespaceId(file: string, kind: 'net' | 'uts'): Promise<string | undefined> {
  try {
    const [fsInfo, info] = await Promise.all([statfs(file), stat(file)]);
    return fsInfo.type === NSFS_MAGIC ? `${kind}:[${info.ino}]` : undefined;
  } catch {
    return undefined;
  }
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

async function mountsUnder(prefixes: string[]): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath);
  return points.filter((p) => prefixes.some((prefix) => p === prefix || p.startsWith(`${prefix}/`)));
}

// Lazily unmounts everything mounted at or under the given directories, deepest first.
export async function unmountUnder(prefixes: string[]): Promise<number> {
  let total = 0;
  for (let round = 0; round < 5; round++) {
    const points = [...new Set(await mountsUnder(prefixes))].sort((a, b) => b.length - a.length);
    if (points.length === 0) return total;
    for (let i = 0; i < points.length; i += 200) {
      // errors are fine here (a parent's lazy unmount may have taken a child along): rescan decides
      await run('umount', ['-l', ...points.slice(i, i + 200)]).catch(() => undefined);
    }
    total += points.length;
  }
  const left = await mountsUnder(prefixes);
  if (left.length > 0) throw new Error(`cannot unmount: ${left.join(', ')}`);
  return total;
}

// Removes the cgroups dockerd made for containers (--cgroup-parent /<host name>) whose
// name passes `which`, in every hierarchy (cgroup v1 controllers, or the v2 root).
// Only empty ones can go; the rest stay.
export async function removeCgroups(which: (name: string) => boolean): Promise<void> {
  const root = '/sys/fs/cgroup';
  const hierarchies = [root, ...(await readdir(root).catch(() => [])).map((d) => join(root, d))];
  for (const h of hierarchies) {
    const names = (await readdir(h).catch(() => [])).filter(which);
    await Promise.all(names.map((n) => removeTree(join(h, n))));
  }
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => removeTree(join(dir, e.name))));
  await rmdir(dir).catch(() => undefined);
}
