// How a log line is shown: its time, which replica said it (short, and in a colour of its own).

/** "14:03:27.123" (local time, milliseconds); the text as given when it is no time. */
export function formatLogTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

const REPLICA_NAME = /^([a-z0-9][a-z0-9_-]*?)_([a-z0-9][a-z0-9_-]*)\.(\d+)\.(\d+)-([a-z0-9]+)$/;

/** Baton names replicas `<stack>_<service>.<slot>.<revision>-<short>`: "web.2" says enough in a line. */
export function replicaLabel(name: string): string {
  const match = REPLICA_NAME.exec(name);
  return match === null ? name : `${match[2]}.${match[3]}`;
}

/** A colour index: by slot for Baton's replicas (distinct within a service), else by a hash of the name. */
export function replicaColorIndex(name: string, colors: number): number {
  const match = REPLICA_NAME.exec(name);
  if (match !== null) return (Number(match[3]) - 1 + colors) % colors;
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % colors;
}
