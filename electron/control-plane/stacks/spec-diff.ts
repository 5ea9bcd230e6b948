// What changes in a service between its current revision and a new spec, field by field, in the
// words the plan shows before anything is done. Pure: no store, no host.
//
// Environment values may be passwords: an environment change names the variables and never says
// a value, so a plan can be printed, logged and sent anywhere. Replicas and autoscaling are not
// here: they are not part of a revision (spec-hash.ts), and the plan says them apart.
import type { SpecChange } from '../../../shared/api.ts';
import type { ContainerOptions, FileMount, HealthSpec, PortSpec, Resources, RestartPolicy, ServiceSpec, UpdatePolicy, VolumeMount } from '../../../shared/stack.ts';
import { formatCpus, formatMemory } from '../scheduler/format-resources.ts';
import { anyPlacement, DEFAULT_FILE_MODE, DEFAULT_STOP_GRACE_PERIOD_MS, defaultRestartPolicy, defaultUpdatePolicy, noResources, SECRETS_DIR } from './spec/defaults.ts';
import { canonicalJson } from './spec/spec-hash.ts';

/** "500ms", "10s", "1m30s", "2h": Compose's own notation, so a change reads like the file. */
export function durationText(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) parts.push(`${whole}${unit}`);
    rest -= whole * size;
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/** "8080:80/tcp ingress", "80/tcp host" (a random host port), "80/tcp internal" (expose). */
export function portText(p: PortSpec): string {
  const inside = `${p.target}/${p.protocol}`;
  const reach = p.exposeOnly ? 'internal' : p.mode;
  const speaks = p.appProtocol !== undefined ? ` (${p.appProtocol})` : '';
  const on = p.hostIp !== undefined ? `${p.hostIp === '::1' ? '[::1]' : p.hostIp}:` : '';
  return `${on}${p.published !== null ? `${p.published}:` : ''}${inside} ${reach}${speaks}`;
}

/** A command as a person would type it; an argument with a space is quoted so the words stay apart. */
function words(argv: string[]): string {
  return argv.map((a) => (a === '' || /\s|"/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

function listText(items: string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/** "front (as api, v1.api), back": each network joined, with what the service sets there. */
function networksText(s: ServiceSpec): string {
  const options = s.networkOptions ?? {};
  const keys = [...s.networks, ...Object.keys(options).filter((k) => !s.networks.includes(k))];
  return listText(
    keys.map((key) => {
      const o = options[key];
      if (!o) return key;
      const said = [
        o.name !== undefined ? `named ${o.name}` : '',
        o.external ? 'external' : '',
        o.internal ? 'internal' : '',
        o.driverOpts ? `driver_opts ${Object.entries(o.driverOpts).map(([k, v]) => `${k}=${v}`).join(' ')}` : '',
        o.labels ? `labels ${Object.entries(o.labels).map(([k, v]) => `${k}=${v}`).join(' ')}` : '',
        o.aliases ? `as ${o.aliases.join(', ')}` : '',
        o.priority !== undefined ? `priority ${o.priority}` : '',
      ].filter(Boolean);
      return said.length > 0 ? `${key} (${said.join('; ')})` : key;
    }),
  );
}

function healthText(h: HealthSpec | null): string {
  if (h === null) return "the image's";
  if (h.test[0] === 'NONE') return 'disabled';
  const kind = h.test[0] === 'CMD-SHELL' ? h.test.slice(1).join(' ') : words(h.test.slice(1));
  return `${kind}, every ${durationText(h.intervalMs)}, timeout ${durationText(h.timeoutMs)}, ${h.retries} ${h.retries === 1 ? 'retry' : 'retries'}, start period ${durationText(h.startPeriodMs)}`;
}

function resourcesText(r: Resources): string {
  const parts = [r.nanoCpus !== null ? formatCpus(r.nanoCpus) : null, r.memoryBytes !== null ? formatMemory(r.memoryBytes) : null].filter((p): p is string => p !== null);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function policyText(u: UpdatePolicy): string {
  return `${u.order}, ${u.parallelism === 0 ? 'all at once' : `${u.parallelism} at a time`}, delay ${durationText(u.delayMs)}, monitor ${durationText(u.monitorMs)}, on failure ${u.failureAction}, max failure ratio ${u.maxFailureRatio}`;
}

function restartText(r: RestartPolicy): string {
  if (r.condition === 'none') return 'never';
  const attempts = r.maxAttempts === null ? 'no attempt limit' : `at most ${r.maxAttempts} ${r.maxAttempts === 1 ? 'attempt' : 'attempts'}`;
  return `${r.condition}, delay ${durationText(r.delayMs)}, ${attempts}${r.windowMs > 0 ? `, window ${durationText(r.windowMs)}` : ''}`;
}

function volumeText(v: VolumeMount): string {
  const mode = v.readOnly ? 'ro' : 'rw';
  if (v.type === 'tmpfs') return `tmpfs → ${v.target}`;
  return `${v.source ?? '(anonymous)'} → ${v.target} (${v.type === 'bind' ? `bind, ${mode}` : mode})`;
}

/** A secret or config by its name; one mounted elsewhere, or with other owners or mode, says so. */
/** A secret or config as a plan shows it: its name, where it goes when not the default, and its version (never the value). */
function fileMountText(m: FileMount, defaultDir: string): string {
  const usual = m.target === `${defaultDir}/${m.source}` && m.uid === '0' && m.gid === '0' && m.mode === DEFAULT_FILE_MODE;
  const version = m.version === undefined ? '' : ` v${m.version}`;
  return usual ? `${m.source}${version}` : `${m.source}${version} at ${m.target} (${m.uid}:${m.gid}, mode ${m.mode.toString(8).padStart(4, '0')})`;
}

/** Any settings object (x-baton rollout tuning): "autoRollback on, maxSurge 1, progressDeadlineMs 10m". */
function settingsText(value: unknown): string {
  if (value === undefined || value === null) return 'default';
  if (typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
  const item = (key: string, v: unknown): string => {
    if (typeof v === 'boolean') return v ? 'on' : 'off';
    if (typeof v === 'number' && key.endsWith('Ms')) return durationText(v);
    if (typeof v === 'object' && v !== null && 'count' in v && typeof v.count === 'number') return String(v.count);
    if (typeof v === 'object' && v !== null && 'percent' in v && typeof v.percent === 'number') return `${v.percent}%`;
    return typeof v === 'string' ? v : canonicalJson(v);
  };
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? 'default' : entries.map(([k, v]) => `${k} ${item(k, v)}`).join(', ');
}

/**
 * The container options by their Compose keys, in the spec's order: "init true, user 1000,
 * sysctls net.core.somaxconn=1024". A logging driver's options are named without their values:
 * some drivers take a token there (splunk-token, a URL with a password).
 */
export function containerOptionsText(o: ContainerOptions | undefined): string {
  if (!o) return 'none';
  const list = (items: string[]) => items.join(' ');
  const parts: [string, string | undefined][] = [
    ['init', o.init?.toString()],
    ['stop_signal', o.stopSignal],
    ['user', o.user],
    ['working_dir', o.workingDir],
    ['hostname', o.hostname],
    ['domainname', o.domainname],
    ['cap_add', o.capAdd && list(o.capAdd)],
    ['cap_drop', o.capDrop && list(o.capDrop)],
    ['sysctls', o.sysctls && list(Object.keys(o.sysctls).sort().map((k) => `${k}=${o.sysctls![k]}`))],
    ['ulimits', o.ulimits && list(o.ulimits.map((u) => (u.soft === u.hard ? `${u.name}=${u.soft}` : `${u.name}=${u.soft}:${u.hard}`)))],
    ['logging', o.logging && `${o.logging.driver}${Object.keys(o.logging.options).length > 0 ? ` (${Object.keys(o.logging.options).sort().join(' ')})` : ''}`],
    ['extra_hosts', o.extraHosts && list(o.extraHosts)],
    ['dns', o.dns && list(o.dns)],
    ['dns_search', o.dnsSearch && list(o.dnsSearch)],
    ['dns_opt', o.dnsOptions && list(o.dnsOptions)],
    ['read_only', o.readOnly?.toString()],
    ['shm_size', o.shmSizeBytes === undefined ? undefined : formatMemory(o.shmSizeBytes)],
    ['security_opt', o.securityOpt && list(o.securityOpt)],
    ['privileged', o.privileged?.toString()],
    ['devices', o.devices && list(o.devices.map((d) => `${d.source}:${d.target}:${d.permissions}`))],
    ['group_add', o.groupAdd && list(o.groupAdd)],
    ['pid', o.pid],
    ['ipc', o.ipc],
    ['platform', o.platform],
  ];
  const said = parts.filter((p): p is [string, string] => p[1] !== undefined).map(([k, v]) => `${k} ${v}`);
  return said.length === 0 ? 'none' : said.join(', ');
}

/** "added DEBUG, removed OLD, changed DB_URL", or null when the maps are equal. Says no value. */
function namesChanged(before: Record<string, string>, after: Record<string, string>): string | null {
  const names = (pick: (name: string) => boolean, from: Record<string, string>) => Object.keys(from).filter(pick).sort();
  const added = names((n) => !(n in before), after);
  const removed = names((n) => !(n in after), before);
  const changed = names((n) => n in before && before[n] !== after[n], after);
  const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : '', changed.length ? `changed ${changed.join(', ')}` : ''].filter(Boolean);
  return parts.length === 0 ? null : parts.join(', ');
}

/** A field of the spec as one line of text: two specs differ in it when their texts differ. */
interface TextField {
  field: string;
  /** The spec keys it covers, so that what is left over is compared as "other settings". */
  keys: string[];
  text: (spec: ServiceSpec) => string;
}

/** Where the rollout tuning of `x-baton` is, once ServiceSpec carries it. */
const rolloutOf = (spec: ServiceSpec): unknown => (spec as ServiceSpec & { rollout?: unknown }).rollout;

const TEXT_FIELDS: readonly TextField[] = [
  { field: 'image', keys: ['image'], text: (s) => s.image },
  { field: 'command', keys: ['command'], text: (s) => (s.command === null ? "the image's" : words(s.command)) },
  { field: 'entrypoint', keys: ['entrypoint'], text: (s) => (s.entrypoint === null ? "the image's" : words(s.entrypoint)) },
  { field: 'ports', keys: ['ports'], text: (s) => listText(s.ports.map(portText)) },
  { field: 'healthcheck', keys: ['healthcheck'], text: (s) => healthText(s.healthcheck) },
  { field: 'limits', keys: ['limits'], text: (s) => resourcesText(s.limits) },
  { field: 'reservations', keys: ['reservations'], text: (s) => resourcesText(s.reservations) },
  { field: 'placement constraints', keys: [], text: (s) => listText(s.placement.constraints.map((c) => c.text)) },
  { field: 'placement preferences', keys: [], text: (s) => listText(s.placement.spreadOver.map((label) => `spread over ${label}`)) },
  { field: 'max replicas per host', keys: [], text: (s) => (s.placement.maxReplicasPerHost === null ? 'no limit' : String(s.placement.maxReplicasPerHost)) },
  { field: 'update policy', keys: ['update'], text: (s) => policyText(s.update) },
  { field: 'rollback policy', keys: ['rollback'], text: (s) => policyText(s.rollback) },
  { field: 'restart policy', keys: ['restart'], text: (s) => restartText(s.restart) },
  { field: 'volumes', keys: ['volumes'], text: (s) => listText(s.volumes.map(volumeText)) },
  { field: 'networks', keys: ['networks', 'networkOptions'], text: networksText },
  { field: 'secrets', keys: ['secrets'], text: (s) => listText(s.secrets.map((m) => fileMountText(m, SECRETS_DIR))) },
  { field: 'configs', keys: ['configs'], text: (s) => listText(s.configs.map((m) => fileMountText(m, ''))) },
  { field: 'stop grace period', keys: ['stopGracePeriodMs'], text: (s) => durationText(s.stopGracePeriodMs) },
  { field: 'rollout', keys: ['rollout'], text: (s) => settingsText(rolloutOf(s)) },
  { field: 'container options', keys: ['container'], text: (s) => containerOptionsText(s.container) },
];

/** Keys compared field by field above, or deliberately not at all (identity, replicas, autoscale). */
const COVERED = new Set(['stack', 'name', 'replicas', 'autoscale', 'environment', 'labels', 'placement', ...TEXT_FIELDS.flatMap((f) => f.keys)]);

/** What a service starts from when it is new: Baton's defaults, so a created service shows what its file sets. */
function blankSpec(after: ServiceSpec): ServiceSpec {
  return {
    stack: after.stack,
    name: after.name,
    image: '',
    command: null,
    entrypoint: null,
    environment: {},
    labels: {},
    ports: [],
    healthcheck: null,
    replicas: 0,
    limits: noResources(),
    reservations: noResources(),
    placement: anyPlacement(),
    update: defaultUpdatePolicy(),
    rollback: defaultUpdatePolicy(),
    restart: defaultRestartPolicy(),
    secrets: [],
    configs: [],
    volumes: [],
    networks: [],
    stopGracePeriodMs: DEFAULT_STOP_GRACE_PERIOD_MS,
    autoscale: null,
  };
}

/** A map's entries as a change: names only for the environment (values may be secrets), `k=v` for labels. */
function mapChange(field: string, before: Record<string, string>, after: Record<string, string>, isNew: boolean, showValues: boolean): SpecChange | null {
  if (!showValues) {
    const said = namesChanged(before, after);
    return said === null ? null : { field, before: null, after: said };
  }
  if (canonicalJson(before) === canonicalJson(after)) return null;
  const text = (m: Record<string, string>) => listText(Object.keys(m).sort().map((k) => `${k}=${m[k]}`));
  return { field, before: isNew ? null : text(before), after: text(after) };
}

/**
 * The fields that differ between `before` (the service's current revision; null for a new
 * service) and `after`, in a fixed order. `before` null on a change: there was nothing to show
 * before (a new service), or the change is said whole in `after` ("added DEBUG, changed DB_URL").
 */
export function diffSpecs(before: ServiceSpec | null, after: ServiceSpec): SpecChange[] {
  const isNew = before === null;
  const from = before ?? blankSpec(after);
  const changes: SpecChange[] = [];
  for (const f of TEXT_FIELDS.slice(0, 3)) pushText(changes, f, from, after, isNew);
  const env = mapChange('environment', from.environment, after.environment, isNew, false);
  if (env) changes.push(env);
  const labels = mapChange('labels', from.labels, after.labels, isNew, true);
  if (labels) changes.push(labels);
  for (const f of TEXT_FIELDS.slice(3)) pushText(changes, f, from, after, isNew);

  // A field this module does not know yet (a newer spec, another part's addition) still shows:
  // by name, never by value, since it is not known what it holds.
  const record = (s: ServiceSpec) => s as unknown as Record<string, unknown>;
  const others = [...new Set([...Object.keys(record(from)), ...Object.keys(record(after))])]
    .filter((k) => !COVERED.has(k) && canonicalJson(record(from)[k] ?? null) !== canonicalJson(record(after)[k] ?? null))
    .sort();
  if (others.length > 0) changes.push({ field: 'other settings', before: null, after: `changed ${others.join(', ')}` });
  return changes;
}

function pushText(changes: SpecChange[], f: TextField, before: ServiceSpec, after: ServiceSpec, isNew: boolean): void {
  const [was, now] = [f.text(before), f.text(after)];
  if (was !== now) {
    changes.push({ field: f.field, before: isNew ? null : was, after: now });
    return;
  }
  // Texts are a summary: two values can differ in a detail the text leaves out (a port's
  // app_protocol written another way, a mode bit). Such a change must not go unsaid.
  const raw = (s: ServiceSpec) => canonicalJson(f.keys.map((k) => (s as unknown as Record<string, unknown>)[k] ?? null));
  if (f.keys.length > 0 && raw(before) !== raw(after)) changes.push({ field: f.field, before: isNew ? null : was, after: `${now} (details changed)` });
}
