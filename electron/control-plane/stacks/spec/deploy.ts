// deploy: replicas, mode, resources, restart_policy, placement, update_config, rollback_config.
import { MAX_REPLICAS } from '../../../../shared/stack.ts';
import type { Placement, Resources, RestartPolicy, UpdatePolicy } from '../../../../shared/stack.ts';
import { DEFAULT_REPLICAS, anyPlacement, defaultRestartPolicy, defaultUpdatePolicy, noResources } from './defaults.ts';
import { readPlacement } from './placement.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict, readBytes, readChoice, readDuration, readInt, readNanoCpus, readNumber } from './values.ts';


export interface Deploy {
  replicas: number;
  /** Whether the file says how many (an autoscaler's clamp warns only then). */
  replicasGiven: boolean;
  limits: Resources;
  reservations: Resources;
  placement: Placement;
  update: UpdatePolicy;
  rollback: UpdatePolicy;
  /** null when the file has no deploy.restart_policy (then `restart:` or the default applies). */
  restart: RestartPolicy | null;
}

export function readDeploy(ctx: SpecContext, path: Path, value: unknown): Deploy {
  const deploy: Deploy = {
    replicas: DEFAULT_REPLICAS,
    replicasGiven: false,
    limits: noResources(),
    reservations: noResources(),
    placement: anyPlacement(),
    update: defaultUpdatePolicy(),
    rollback: defaultUpdatePolicy(),
    restart: null,
  };
  if (!isDict(value)) return deploy;
  const { problems } = ctx;

  if (value.mode !== undefined && value.mode !== 'replicated') {
    const mode = String(value.mode);
    problems.error(
      [...path, 'mode'],
      mode === 'global'
        ? '`mode: global` is not supported yet: use `replicas` with `placement.max_replicas_per_node: 1` for one replica per host'
        : mode.endsWith('-job')
          ? `\`mode: ${mode}\` is not supported: Baton runs long-lived services, not jobs`
          : `must be "replicated" (got "${mode}")`,
    );
  }
  if (value.endpoint_mode !== undefined && value.endpoint_mode !== 'vip') {
    problems.error([...path, 'endpoint_mode'], `\`endpoint_mode: ${String(value.endpoint_mode)}\` is not supported: Baton always balances a service's traffic through its ingress (like vip)`);
  }
  if (value.replicas !== undefined) {
    const replicas = readInt(problems, [...path, 'replicas'], value.replicas, { min: 0, max: MAX_REPLICAS });
    if (replicas !== undefined) {
      deploy.replicas = replicas;
      deploy.replicasGiven = true;
    }
  }
  if (value.labels !== undefined) {
    problems.warn([...path, 'labels'], '`deploy.labels` label a Swarm service object, which Baton does not have, and are ignored: use the service\'s `labels` to label its replicas', { at: 'key' });
  }
  if (isDict(value.resources)) {
    const resources = value.resources;
    deploy.limits = readResources(ctx, [...path, 'resources', 'limits'], resources.limits);
    deploy.reservations = readResources(ctx, [...path, 'resources', 'reservations'], resources.reservations);
  }
  if (value.placement !== undefined) deploy.placement = readPlacement(ctx, [...path, 'placement'], value.placement);
  if (value.update_config !== undefined) deploy.update = readUpdatePolicy(ctx, [...path, 'update_config'], value.update_config, ['pause', 'continue', 'rollback']);
  if (value.rollback_config !== undefined) deploy.rollback = readUpdatePolicy(ctx, [...path, 'rollback_config'], value.rollback_config, ['pause', 'continue']);
  if (value.restart_policy !== undefined) deploy.restart = readRestartPolicy(ctx, [...path, 'restart_policy'], value.restart_policy);
  return deploy;
}

function readResources(ctx: SpecContext, path: Path, value: unknown): Resources {
  const resources = noResources();
  if (!isDict(value)) return resources;
  if (value.cpus !== undefined) resources.nanoCpus = zeroIsUnset(readNanoCpus(ctx.problems, [...path, 'cpus'], value.cpus));
  if (value.memory !== undefined) resources.memoryBytes = zeroIsUnset(readBytes(ctx.problems, [...path, 'memory'], value.memory));
  for (const key of ['pids', 'generic_resources', 'devices']) {
    if (value[key] !== undefined) ctx.problems.error([...path, key], `\`${key}\` is not supported yet: remove it to deploy this stack`, { at: 'key' });
  }
  return resources;
}

/** Docker reads 0 CPUs or 0 bytes as "no limit": one spelling for it, null. */
function zeroIsUnset(n: number | undefined): number | null {
  return n === undefined || n === 0 ? null : n;
}

function readUpdatePolicy(ctx: SpecContext, path: Path, value: unknown, failureActions: UpdatePolicy['failureAction'][]): UpdatePolicy {
  const policy = defaultUpdatePolicy();
  if (!isDict(value)) return policy;
  const { problems } = ctx;
  if (value.parallelism !== undefined) policy.parallelism = readInt(problems, [...path, 'parallelism'], value.parallelism, { min: 0 }) ?? policy.parallelism;
  if (value.delay !== undefined) policy.delayMs = readDuration(problems, [...path, 'delay'], value.delay) ?? policy.delayMs;
  if (value.monitor !== undefined) policy.monitorMs = readDuration(problems, [...path, 'monitor'], value.monitor) ?? policy.monitorMs;
  if (value.failure_action !== undefined) policy.failureAction = readChoice(problems, [...path, 'failure_action'], value.failure_action, failureActions) ?? policy.failureAction;
  if (value.max_failure_ratio !== undefined) {
    policy.maxFailureRatio = readNumber(problems, [...path, 'max_failure_ratio'], value.max_failure_ratio, { min: 0, max: 1 }) ?? policy.maxFailureRatio;
  }
  if (value.order !== undefined) policy.order = readChoice(problems, [...path, 'order'], value.order, ['start-first', 'stop-first'] as const) ?? policy.order;
  return policy;
}

function readRestartPolicy(ctx: SpecContext, path: Path, value: unknown): RestartPolicy {
  const policy = defaultRestartPolicy();
  if (!isDict(value)) return policy;
  const { problems } = ctx;
  if (value.condition !== undefined) policy.condition = readChoice(problems, [...path, 'condition'], value.condition, ['none', 'on-failure', 'any'] as const) ?? policy.condition;
  if (value.delay !== undefined) policy.delayMs = readDuration(problems, [...path, 'delay'], value.delay) ?? policy.delayMs;
  if (value.max_attempts !== undefined) policy.maxAttempts = readInt(problems, [...path, 'max_attempts'], value.max_attempts, { min: 0 }) ?? null;
  if (value.window !== undefined) policy.windowMs = readDuration(problems, [...path, 'window'], value.window) ?? policy.windowMs;
  return policy;
}

/** Service-level `restart:` ("no", "always", "unless-stopped", "on-failure[:N]") as a restart policy. */
export function restartFromServiceKey(ctx: SpecContext, path: Path, value: unknown): RestartPolicy | null {
  const text = typeof value === 'string' ? value.trim() : '';
  const policy = defaultRestartPolicy();
  if (text === 'no') return { ...policy, condition: 'none' };
  if (text === 'always' || text === 'unless-stopped') return policy;
  const m = /^on-failure(?::(\d+))?$/.exec(text);
  if (m) return { ...policy, condition: 'on-failure', maxAttempts: m[1] === undefined ? null : Number(m[1]) };
  ctx.problems.error(path, `must be "no", "always", "unless-stopped" or "on-failure[:max-retries]" (got ${JSON.stringify(value)})`);
  return null;
}
