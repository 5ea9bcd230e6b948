// Reading a host's container counters: the shell script that runs on the host for as long as the
// host is connected, the request line sent to it each second, and the parse of its answer. Pure.
//
// Why a script and not `docker stats`: one stats stream per replica is one SSH channel and one
// JSON document a second per replica, decoded in the control plane; this is one channel per host
// for the host's whole connection, and one short line per replica a second (bench/metrics.ts
// measures both). The engine adds nothing here anyway: its stats are these same cgroup files.
//
// The script reads a line "SEQ id:pid id:pid …" from its stdin ("SEQ =" for the same containers
// as the line before), answers "t SEQ uptime", one line per container in the order asked ("c N
// cpu_ns mem max inactive rx tx", or "g N why"), then "e SEQ", all in one write (so one SSH packet
// or a few, not one a line), and waits for the next line. It does its arithmetic and parsing in the shell, so the
// control plane decodes a few numbers per replica, and it uses builtins only (`read`, `echo`,
// `case`, `$((…))`), so a host forks nothing per replica. It finds each container's cgroup from
// /proc/<pid>/cgroup (the path differs by cgroup driver, parent and version: `/docker/<id>`,
// `/system.slice/docker-<id>.scope`, `/<parent>/<id>`); a pid that is gone, or that now belongs
// to another cgroup (the pid was reused after the container stopped), is said so and the caller
// looks the container up again.

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

/** The script the host runs; it takes its work from stdin, so it never changes. */
export const COUNTER_SCRIPT = [
  'V=1; [ -f /sys/fs/cgroup/cgroup.controllers ] && V=2; NL=\'',
  "'",
  'while read -r seq w; do',
  '  [ "$w" = = ] || words=$w',
  '  read -r up _ < /proc/uptime; o="t $seq $up"',
  '  n=0',
  '  for x in $words; do',
  '    n=$((n+1)); i=${x%%:*}; p=${x#*:}',
  '    [ -r /proc/$p/cgroup ] || { o="$o${NL}g $n no-process"; continue; }',
  '    c=; m=',
  '    while IFS=: read -r h k q; do',
  '      case "$V,$h,$k" in 2,0,) c=$q; m=$q;; 1,*) case ",$k," in *,cpuacct,*) c=$q;; esac; case ",$k," in *,memory,*) m=$q;; esac;; esac',
  '    done < /proc/$p/cgroup',
  '    case "$c" in *$i*) ;; *) o="$o${NL}g $n pid-now-in-cgroup:${c:-none}"; continue;; esac',
  '    cpu=-; mem=-; max=-; ina=0',
  '    if [ $V = 2 ]; then d=/sys/fs/cgroup$c',
  '      [ -r $d/cpu.stat ] || { o="$o${NL}g $n cgroup-files-unreadable"; continue; }',
  '      while read -r k v; do [ "$k" = usage_usec ] && cpu=$((v*1000)); done < $d/cpu.stat',
  '      read -r mem < $d/memory.current; read -r max < $d/memory.max',
  '      while read -r k v; do [ "$k" = inactive_file ] && ina=$v; done < $d/memory.stat',
  '    else d=/sys/fs/cgroup/memory$m',
  '      [ -r $d/memory.stat ] || { o="$o${NL}g $n cgroup-files-unreadable"; continue; }',
  '      read -r cpu < /sys/fs/cgroup/cpuacct$c/cpuacct.usage',
  '      read -r mem < $d/memory.usage_in_bytes; read -r max < $d/memory.limit_in_bytes',
  '      while read -r k v; do [ "$k" = total_inactive_file ] && ina=$v; done < $d/memory.stat',
  '    fi',
  '    rx=0; tx=0',
  // "  eth0: 486 5 0 0 0 0 0 0 120 2 …": receive bytes first, transmit bytes ninth; the two header
  // lines have no colon. A large first count can touch the colon ("eth0:123456789"), which the split
  // on ":" takes in its stride.
  '    while IFS=: read -r f v; do',
  '      [ -n "$v" ] || continue; f=${f##* }; [ "$f" = lo ] && continue',
  '      set -- $v; [ $# -ge 9 ] || continue; rx=$((rx+$1)); tx=$((tx+$9))',
  '    done < /proc/$p/net/dev',
  '    o="$o${NL}c $n $cpu $mem $max $ina $rx $tx"',
  '  done',
  "  printf '%s\\n' \"$o${NL}e $seq\"",
  'done',
].join('\n');

/** The words of a request: what the script is asked to read. */
export function counterWords(targets: readonly CounterTarget[]): string {
  for (const t of targets) {
    // the words go into the script's `for`: only what they can be
    if (!ID.test(t.id) || !Number.isInteger(t.pid) || t.pid <= 0) throw new Error(`not a container to read counters of: ${JSON.stringify(t)}`);
  }
  return targets.map((t) => `${t.id}:${t.pid}`).join(' ');
}

/** The line that asks for the counters; `=` asks for the same containers as the line before. */
export function counterRequest(seq: number, words: string, sameAsBefore: boolean): string {
  return `${seq} ${sameAsBefore ? '=' : words}\n`;
}

function num(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  return Number(text);
}

/**
 * The script's answer to one request (the lines from "t SEQ" to "e SEQ") → counters per container
 * id of that request. A container the answer leaves out is gone with "no answer".
 */
export function parseCounters(lines: readonly string[], targets: readonly CounterTarget[]): HostCounters {
  let uptimeMs: number | null = null;
  const containers = new Map<string, CounterReading>();
  for (const line of lines) {
    const f = line.trim().split(' ');
    if (f[0] === 't') {
      const seconds = Number(f[2]);
      uptimeMs = f[2] !== undefined && Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
      continue;
    }
    // only positions that were asked for are trusted
    const at = num(f[1]);
    const target = at === null ? undefined : targets[at - 1];
    if (!target) continue;
    if (f[0] === 'g') {
      containers.set(target.id, { kind: 'gone', why: f.slice(2).join(' ') || 'gone' });
      continue;
    }
    if (f[0] !== 'c') continue;
    const [cpuNs, memoryBytes, inactive, rx, tx] = [num(f[2]), num(f[3]), num(f[5]), num(f[6]), num(f[7])];
    // v2 writes "max" for none; v1 a huge number
    let max = num(f[4]);
    if (max !== null && max > NO_LIMIT_ABOVE) max = null;
    if (cpuNs === null || memoryBytes === null) {
      containers.set(target.id, { kind: 'gone', why: 'cgroup-files-unreadable' });
      continue;
    }
    containers.set(target.id, {
      kind: 'counters',
      counters: { cpuNs, memoryBytes, inactiveFileBytes: inactive ?? 0, memoryLimitBytes: max, rxBytes: rx ?? 0, txBytes: tx ?? 0 },
    });
  }
  for (const t of targets) if (!containers.has(t.id)) containers.set(t.id, { kind: 'gone', why: 'no answer' });
  return { uptimeMs, containers };
}
