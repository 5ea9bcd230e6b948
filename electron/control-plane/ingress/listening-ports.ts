// Which TCP ports something already listens on, on a host, and what holds one: read before the
// ingress binds a published port there, so a port taken by something else blocks that port on
// that host only (with an event naming the holder), not the whole ingress.
import type { Engine } from '../hosts/engine.ts';

const LISTEN = '0A';

/** Local ports of LISTEN sockets in /proc/net/tcp and /proc/net/tcp6 text. */
export function listeningPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st …; the header line has "local_address" there
    if (fields.length < 4 || fields[3] !== LISTEN) continue;
    const local = fields[1] ?? '';
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isInteger(port) && port > 0) ports.add(port);
  }
  return ports;
}

/** The process `ss -ltnp` names for a port ("users:(("nginx",pid=12,fd=6))" → "nginx (pid 12)"), or null. */
export function holderFromSs(ssOutput: string, port: number): string | null {
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[3] ?? '';
    if (!local.endsWith(`:${port}`)) continue;
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    return m ? `${m[1]} (pid ${m[2]})` : 'a process Baton can not name (run ss -ltnp as root there)';
  }
  return null;
}

export async function hostListeningPorts(engine: Engine): Promise<Set<number>> {
  const out = await engine.hostExec('cat /proc/net/tcp /proc/net/tcp6 2>/dev/null', 5000);
  return listeningPorts(out.stdout);
}

/** What holds a port on the host: a container publishing it, else the process ss names. */
export async function portHolder(engine: Engine, port: number): Promise<string> {
  try {
    const listed = (await engine.listContainers({ publish: [String(port)] }, false)) as { Names?: string[] }[];
    const name = listed[0]?.Names?.[0]?.replace(/^\//, '');
    if (name) return `container ${name}`;
  } catch {
    // fall through to ss
  }
  const ss = await engine.hostExec(`ss -Hltnp 'sport = :${port}' 2>/dev/null || ss -ltnp 2>/dev/null`, 5000).catch(() => null);
  return (ss && holderFromSs(ss.stdout, port)) ?? 'a process outside Docker';
}
