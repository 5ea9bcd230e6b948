// What service.inspect and replica.inspect show a client, pure: a revision's spec with nothing
// sensitive in it, and a replica's live Docker inspect reduced to what the contract names.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { BatonEvent, ReplicaDetail, ReplicaStatus } from '../../../shared/api.ts';
import { replicaCondition } from '../../../shared/service-status.ts';
import type { ServiceSpec } from '../../../shared/stack.ts';
import type { ObservedReplica } from '../reconcile/replica.ts';

/** What environment values are shown as: they may hold passwords (from env_file, ${VAR}, …). */
export const HIDDEN_VALUE = '[hidden]';

/**
 * A revision's spec as clients may see it. Secrets and configs are already references by name;
 * environment values are hidden (names kept), since Compose files carry passwords there too, and
 * so are a logging driver's option values.
 */
export function specForClients(spec: ServiceSpec): ServiceSpec {
  const environment = Object.fromEntries(Object.keys(spec.environment).map((name) => [name, HIDDEN_VALUE]));
  return { ...spec, environment, ...hiddenLogging(spec, () => HIDDEN_VALUE) };
}

/**
 * A logging driver's options with each value replaced: some drivers take a credential there
 * (splunk-token, a Loki URL with a password). Nothing when the spec has no logging options.
 */
function hiddenLogging(spec: ServiceSpec, hide: (name: string, value: string) => string): Pick<ServiceSpec, 'container'> {
  const logging = spec.container?.logging;
  if (!logging || Object.keys(logging.options).length === 0) return {};
  const options = Object.fromEntries(Object.entries(logging.options).map(([name, value]) => [name, hide(name, value)]));
  return { container: { ...spec.container, logging: { ...logging, options } } };
}

/**
 * A revision's spec as text for the history's line diff: the spec for clients as YAML, each
 * environment value replaced by a short digest of it, so a change shows without the value.
 */
export function revisionText(spec: ServiceSpec): string {
  const environment = Object.fromEntries(
    Object.entries(spec.environment).map(([name, value]) => [name, `${HIDDEN_VALUE} ${createHash('sha256').update(`${name}=${value}`).digest('hex').slice(0, 8)}`]),
  );
  const digest = (name: string, value: string) => `${HIDDEN_VALUE} ${createHash('sha256').update(`${name}=${value}`).digest('hex').slice(0, 8)}`;
  return stringify({ ...spec, environment, ...hiddenLogging(spec, digest) }, { sortMapEntries: true, aliasDuplicateObjects: false });
}

export function replicaStatus(r: ObservedReplica, hostReady: boolean, current: boolean): ReplicaStatus {
  return {
    id: r.id,
    name: r.name,
    stack: r.stack,
    service: r.service,
    slot: r.slot,
    host: r.host,
    hostReady,
    state: r.state,
    health: r.health,
    status: replicaCondition({ state: r.state, health: r.health, hostReady }),
    revision: r.revision,
    current,
    createdAt: new Date(r.createdMs).toISOString(),
  };
}

// The part of `GET /containers/{id}/json` the detail relies on.
const Inspected = z.object({
  Config: z.object({
    Image: z.string(),
    Env: z.array(z.string()).nullable().optional(),
    Labels: z.record(z.string(), z.string()).nullable().optional(),
  }),
  State: z.object({
    Status: z.string(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
    ExitCode: z.number().int().optional(),
  }),
  RestartCount: z.number().int().optional(),
  NetworkSettings: z
    .object({ Ports: z.record(z.string(), z.array(z.object({ HostPort: z.string() })).nullable()).nullable().optional() })
    .nullable()
    .optional(),
});

/** Docker says "0001-01-01T00:00:00Z" for a time that never happened. */
function dockerTime(value: string | undefined): string | null {
  if (!value || value.startsWith('0001-')) return null;
  return value;
}

export function replicaDetail(raw: unknown, replica: ReplicaStatus, events: BatonEvent[]): ReplicaDetail {
  const parsed = Inspected.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`the Docker engine on ${replica.host} described ${replica.name} in a shape Baton does not know (${parsed.error.issues[0]?.message ?? 'unexpected'})`);
  }
  const c = parsed.data;
  const ports: string[] = [];
  for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) if (b.HostPort) ports.push(`${b.HostPort}->${key}`);
  }
  const running = c.State.Status === 'running';
  return {
    replica,
    image: c.Config.Image,
    labels: c.Config.Labels ?? {},
    // names only: the values may be secrets
    envNames: (c.Config.Env ?? []).map((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e)),
    ports: [...new Set(ports)],
    startedAt: dockerTime(c.State.StartedAt),
    finishedAt: running ? null : dockerTime(c.State.FinishedAt),
    exitCode: running ? null : (c.State.ExitCode ?? null),
    restartCount: c.RestartCount ?? 0,
    events,
  };
}
