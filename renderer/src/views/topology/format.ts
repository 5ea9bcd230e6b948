// Words and numbers for the topology's details: a service's spec in a few lines, durations,
// resources. Pure.
import { formatBytes } from '../hosts/format.ts';

/** 1.5e9 → "1.5 CPUs", 2.5e8 → "0.25 CPU". */
export function formatNanoCpus(nanoCpus: number): string {
  const cpus = Math.round((nanoCpus / 1e9) * 100) / 100;
  return `${cpus} ${cpus === 1 || cpus < 1 ? 'CPU' : 'CPUs'}`;
}

/** 90_000 → "1 min 30 s", 500 → "500 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; the future and bad dates as written. */
export function formatAgo(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const s = Math.round((now - at) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export interface SpecRow {
  label: string;
  value: string;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function resources(value: unknown): string | null {
  const r = record(value);
  if (r === null) return null;
  const parts: string[] = [];
  const cpus = num(r['nanoCpus']);
  const memory = num(r['memoryBytes']);
  if (cpus !== null) parts.push(formatNanoCpus(cpus));
  if (memory !== null) parts.push(formatBytes(memory));
  return parts.length === 0 ? null : parts.join(', ');
}

/**
 * The parts of a service's normalized spec (shared/stack.ts ServiceSpec) a person checks first:
 * command, resources, placement, health check, restart and update policies. Missing or
 * unexpected fields are left out rather than guessed.
 */
export function specSummary(spec: Record<string, unknown>): SpecRow[] {
  const rows: SpecRow[] = [];
  const command = strings(spec['command']);
  const entrypoint = strings(spec['entrypoint']);
  if (entrypoint.length > 0) rows.push({ label: 'Entrypoint', value: entrypoint.join(' ') });
  if (command.length > 0) rows.push({ label: 'Command', value: command.join(' ') });

  const reservations = resources(spec['reservations']);
  const limits = resources(spec['limits']);
  rows.push({ label: 'Reserves', value: reservations ?? 'nothing (no reservation set)' });
  if (limits !== null) rows.push({ label: 'Limited to', value: limits });

  const placement = record(spec['placement']);
  if (placement !== null) {
    const constraints = Array.isArray(placement['constraints'])
      ? placement['constraints'].map((c) => (typeof record(c)?.['text'] === 'string' ? String(record(c)?.['text']) : '')).filter(Boolean)
      : [];
    const spread = strings(placement['spreadOver']);
    const maxPerHost = num(placement['maxReplicasPerHost']);
    const parts = [
      ...constraints,
      ...spread.map((label) => `spread over ${label}`),
      ...(maxPerHost !== null ? [`at most ${maxPerHost} per host`] : []),
    ];
    rows.push({ label: 'Placement', value: parts.length === 0 ? 'any host' : parts.join('; ') });
  }

  const health = record(spec['healthcheck']);
  if (health === null) rows.push({ label: 'Health check', value: 'none (running replicas count as available, not healthy)' });
  else {
    const test = strings(health['test']);
    const interval = num(health['intervalMs']);
    const retries = num(health['retries']);
    if (test[0] === 'NONE') rows.push({ label: 'Health check', value: 'disabled' });
    else {
      const command = test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : test.join(' ');
      const every = interval === null ? '' : `, every ${formatDuration(interval)}`;
      const tries = retries === null ? '' : `, ${retries} ${retries === 1 ? 'retry' : 'retries'}`;
      rows.push({ label: 'Health check', value: `${command}${every}${tries}` });
    }
  }

  const restart = record(spec['restart']);
  if (restart !== null && typeof restart['condition'] === 'string') {
    const max = num(restart['maxAttempts']);
    rows.push({ label: 'Restart', value: `${restart['condition']}${max === null ? '' : `, at most ${max} attempts`}` });
  }

  const update = record(spec['update']);
  if (update !== null && typeof update['order'] === 'string') {
    const parallelism = num(update['parallelism']);
    const batch = parallelism === null ? '' : parallelism === 0 ? 'all at once' : `${parallelism} at a time`;
    rows.push({ label: 'Updates', value: [batch, update['order'], typeof update['failureAction'] === 'string' ? `on failure: ${update['failureAction']}` : ''].filter(Boolean).join(', ') });
  }

  const networks = strings(spec['networks']);
  if (networks.length > 0) rows.push({ label: 'Networks', value: networks.join(', ') });
  const secrets = Array.isArray(spec['secrets']) ? spec['secrets'].map((s) => record(s)?.['source']).filter((s): s is string => typeof s === 'string') : [];
  if (secrets.length > 0) rows.push({ label: 'Secrets', value: secrets.join(', ') });
  return rows;
}

/** The service's labels from its spec (not the container labels Baton adds). */
export function specLabels(spec: Record<string, unknown>): Array<[string, string]> {
  const labels = record(spec['labels']);
  if (labels === null) return [];
  return Object.entries(labels)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => a.localeCompare(b));
}
