// Reading a host's container counters in one command: the shell text sent over the host's link,
// and the parse of what it prints. Pure.
//
// Why a command and not `docker stats`: one stats stream per replica is one SSH channel and one
// JSON document a second per replica, decoded in the control plane; this is one channel per host
// a second and a few short lines per replica (bench/metrics.ts measures both). The engine adds
// nothing here anyway: its stats are these same cgroup files.
//
// The script uses shell builtins only (`read`, `echo`, `case`), so a host forks nothing per
// replica. It finds each container's cgroup from /proc/<pid>/cgroup (the path differs by cgroup
// driver, parent and version: `/docker/<id>`, `/system.slice/docker-<id>.scope`, `/<parent>/<id>`)
// and prints labelled lines; a pid that is gone, or that now belongs to another cgroup (the pid was
// reused after the container stopped), is said so and the caller looks the container up again.

/** What to read: a container and the host pid of its first process (inspect's State.Pid). */
export interface CounterTarget {
  id: string;
  pid: number;
}

export interface ContainerCounters {
  /** CPU time used since the container started, in ns. */
  cpuNs: number;
  /** The cgroup's memory usage (page cache included), bytes. */
  memoryBytes: number;
  /** Inactive page cache, which `docker stats` leaves out of "used". */
  inactiveFileBytes: number;
  /** The cgroup's memory limit, null for none ("max", or v1's page-rounded huge number). */
  memoryLimitBytes: number | null;
  /** Bytes in and out of the container's network namespace, every interface but lo. */
  rxBytes: number;
  txBytes: number;
}

export type CounterReading = { kind: 'counters'; counters: ContainerCounters } | { kind: 'gone'; why: string };

export interface HostCounters {
  /** The host's /proc/uptime when it read them, in ms: rates use the host's own clock, not the link's delay. */
  uptimeMs: number | null;
  containers: Map<string, CounterReading>;
}

const ID = /^[0-9a-f]{12,64}$/;

/** v1 reports "no limit" as the largest page-aligned signed 64-bit number; anything above 2^62 is that. */
const NO_LIMIT_ABOVE = 2 ** 62;

export function counterCommand(targets: CounterTarget[]): string {
  for (const t of targets) {
    // the words go into a shell line: only what they can be
    if (!ID.test(t.id) || !Number.isInteger(t.pid) || t.pid <= 0) throw new Error(`not a container to read counters of: ${JSON.stringify(t)}`);
  }
  const words = targets.map((t) => `${t.id}:${t.pid}`).join(' ');
  return [
    'V=1; [ -f /sys/fs/cgroup/cgroup.controllers ] && V=2',
    'read -r up _ < /proc/uptime && echo "t $up"',
    `for x in ${words}; do`,
    '  i=${x%%:*}; p=${x#*:}; echo "@ $i"',
    '  [ -r /proc/$p/cgroup ] || { echo "gone no-process"; continue; }',
    '  c=; m=',
    '  while IFS=: read -r n k q; do',
    '    case "$V,$n,$k" in 2,0,) c=$q; m=$q;; 1,*) case ",$k," in *,cpuacct,*) c=$q;; esac; case ",$k," in *,memory,*) m=$q;; esac;; esac',
    '  done < /proc/$p/cgroup',
    '  echo "path $c"',
    '  if [ $V = 2 ]; then d=/sys/fs/cgroup$c',
    '    while read -r k v; do [ "$k" = usage_usec ] && echo "cpu_us $v"; done < $d/cpu.stat',
    '    read -r v < $d/memory.current && echo "mem $v"',
    '    read -r v < $d/memory.max && echo "max $v"',
    '    while read -r k v; do [ "$k" = inactive_file ] && echo "inactive $v"; done < $d/memory.stat',
    '  else',
    '    read -r v < /sys/fs/cgroup/cpuacct$c/cpuacct.usage && echo "cpu_ns $v"',
    '    d=/sys/fs/cgroup/memory$m',
    '    read -r v < $d/memory.usage_in_bytes && echo "mem $v"',
    '    read -r v < $d/memory.limit_in_bytes && echo "max $v"',
    '    while read -r k v; do [ "$k" = total_inactive_file ] && echo "inactive $v"; done < $d/memory.stat',
    '  fi',
    '  while read -r l; do echo "net $l"; done < /proc/$p/net/dev',
    'done',
  ].join('\n');
}

interface Partial {
  path: string | null;
  gone: string | null;
  cpuNs: number | null;
  mem: number | null;
  max: number | null;
  inactive: number;
  rx: number;
  tx: number;
  net: boolean;
}

function num(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  return Number(text);
}

/** What the command printed → counters per container id (only ids it was asked for are trusted). */
export function parseCounters(stdout: string): HostCounters {
  let uptimeMs: number | null = null;
  const parts = new Map<string, Partial>();
  let cur: Partial | null = null;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const key = sp === -1 ? line : line.slice(0, sp);
    const rest = sp === -1 ? '' : line.slice(sp + 1).trim();
    if (key === 't') {
      const seconds = Number(rest);
      uptimeMs = Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
      continue;
    }
    if (key === '@') {
      cur = { path: null, gone: null, cpuNs: null, mem: null, max: null, inactive: 0, rx: 0, tx: 0, net: false };
      parts.set(rest, cur);
      continue;
    }
    if (cur === null) continue;
    switch (key) {
      case 'gone':
        cur.gone = rest || 'gone';
        break;
      case 'path':
        cur.path = rest;
        break;
      case 'cpu_ns':
        cur.cpuNs = num(rest);
        break;
      case 'cpu_us': {
        const us = num(rest);
        cur.cpuNs = us === null ? null : us * 1000;
        break;
      }
      case 'mem':
        cur.mem = num(rest);
        break;
      case 'max':
        // v2 writes "max" for none; v1 a huge number
        cur.max = rest === 'max' ? null : num(rest);
        if (cur.max !== null && cur.max > NO_LIMIT_ABOVE) cur.max = null;
        break;
      case 'inactive':
        cur.inactive = num(rest) ?? 0;
        break;
      case 'net': {
        // "eth0: 200 2 0 0 0 0 0 0 180 2 …": receive bytes first, transmit bytes ninth
        const m = /^([^:|\s]+):\s*(.*)$/.exec(rest);
        if (!m || m[1] === 'lo') break;
        const fields = m[2]!.split(/\s+/);
        const rx = num(fields[0] ?? '');
        const tx = num(fields[8] ?? '');
        if (rx === null || tx === null) break;
        cur.rx += rx;
        cur.tx += tx;
        cur.net = true;
        break;
      }
    }
  }
  const containers = new Map<string, CounterReading>();
  for (const [id, p] of parts) {
    if (p.gone !== null) containers.set(id, { kind: 'gone', why: p.gone });
    else if (p.path === null || !p.path.includes(id)) containers.set(id, { kind: 'gone', why: `pid now in cgroup ${p.path ?? '(none)'}` });
    else if (p.cpuNs === null || p.mem === null) containers.set(id, { kind: 'gone', why: 'cgroup files unreadable' });
    else {
      containers.set(id, {
        kind: 'counters',
        counters: { cpuNs: p.cpuNs, memoryBytes: p.mem, inactiveFileBytes: p.inactive, memoryLimitBytes: p.max, rxBytes: p.rx, txBytes: p.tx },
      });
    }
  }
  return { uptimeMs, containers };
}
