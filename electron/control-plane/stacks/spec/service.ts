// One service of the file → ServiceSpec: every key mapped, refused or ignored with a reason.
import { checkImageRef } from './image-ref.ts';
import type { Resources, ServiceSpec } from '../../../../shared/stack.ts';
import { DEFAULT_STOP_GRACE_PERIOD_MS, defaultRestartPolicy } from './defaults.ts';
import { readContainerOptions } from './container-options.ts';
import { readBuild } from './build.ts';
import { readDeploy, restartFromServiceKey } from './deploy.ts';
import { readDependsOn, type DependencyEntry } from './depends-on.ts';
import { readEnvFiles, readKeyValues, readLabels } from './environment.ts';
import { readFileMounts } from './file-mounts.ts';
import { readHealthcheck } from './healthcheck.ts';
import { readServiceNetworks } from './networks.ts';
import { bindHostAccess, checkHostAccess, keyHostAccess, type HostReach } from './host-access.ts';
import { readExpose, readPorts, type PortEntry } from './ports.ts';
import type { Path } from './problems.ts';
import { verdictFor } from './service-keys.ts';
import { splitShellWords } from './shell-words.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict, readBytes, readDuration, readNanoCpus } from './values.ts';
import { readTmpfs, readVolumes } from './volumes.ts';
import { readServiceExtensions, type RolloutTuning } from './x-baton.ts';
import { withinRange } from '../../autoscale/decide-scale.ts';

/** A stack name: Docker container-name safe, lowercase as Compose's project names are. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const NAME_RULE = `must match ${NAME_PATTERN.source}: lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters (it becomes part of Docker container names)`;

/**
 * A service name. Compose allows [a-zA-Z0-9._-]; Docker container names take capitals, so Baton
 * does too. A "." is refused: replica names (`<stack>_<service>.<slot>.<rev>-<short>`) and the
 * service's name on Baton's network (`<service>.<stack>`) use it as a separator.
 */
export const SERVICE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;
export const SERVICE_NAME_RULE = `must match ${SERVICE_NAME_PATTERN.source}: letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters (it becomes part of Docker container names; "." separates the parts of a replica's name and of the service's name on Baton's network)`;

export interface ServiceResult {
  spec: ServiceSpec;
  /** The ports with where each was written, for conflicts between services. */
  ports: PortEntry[];
  rollout: RolloutTuning | null;
  /** `depends_on` as written, for the checks across the stack (the spec's field is set from it). */
  dependsOn: DependencyEntry[];
}

export function readService(ctx: SpecContext, stack: string, name: string, service: Record<string, unknown>): ServiceResult {
  const path: Path = ['services', name];
  const at = (key: string): Path => [...path, key];
  const { problems } = ctx;

  if (!SERVICE_NAME_PATTERN.test(name)) problems.error(path, `service name \`${name}\` ${SERVICE_NAME_RULE}`, { at: 'key' });

  const reaches: HostReach[] = [];
  for (const [key, value] of Object.entries(service)) {
    if (key.startsWith('x-')) continue; // extensions; x-baton is read below
    const verdict = verdictFor(key, value);
    if (!verdict) {
      // accepted as written: if it reaches into the host, the service must consent to it
      const why = keyHostAccess(key, value);
      if (why !== null) reaches.push({ path: at(key), what: `\`${key}\``, why, at: 'key' });
      continue;
    }
    if (verdict.severity === 'error') problems.error(at(key), verdict.message, { at: 'key' });
    else problems.warn(at(key), verdict.message, { at: 'key' });
  }

  let image = '';
  if (typeof service.image === 'string' && service.image.trim() !== '') {
    image = service.image.trim();
    const bad = checkImageRef(image);
    // control characters are shown as "?" in the message: the character itself is named in it
    if (bad) problems.error(at('image'), `"${[...image.slice(0, 120)].map((c) => (c < ' ' || c === '\x7f' ? '?' : c)).join('')}" ${bad.message}`, { within: bad.at + (service.image.length - service.image.trimStart().length) });
  }
  else if (service.build === undefined) {
    problems.error(at('image'), '`image` is required: write the image to run, or `build:` for Baton to build it', service.image === undefined ? { placeAt: path, at: 'key' } : {});
  }

  const environment = { ...readEnvFiles(ctx, at('env_file'), service.env_file), ...readKeyValues(ctx, at('environment'), service.environment, true) };

  const ports = [...readPorts(ctx, at('ports'), service.ports), ...readExpose(ctx, at('expose'), service.expose)];
  const distinctPorts = ports.filter((p, i) => ports.findIndex((q) => samePort(p, q)) === i);

  const deploy = readDeploy(ctx, at('deploy'), service.deploy);
  mergeLegacyResources(ctx, path, service, deploy.limits, deploy.reservations);

  let restart = deploy.restart;
  if (service.restart !== undefined) {
    if (restart) problems.warn(at('restart'), '`restart` is ignored: `deploy.restart_policy` is set and takes precedence', { at: 'key' });
    else restart = restartFromServiceKey(ctx, at('restart'), service.restart);
  }

  const stopGracePeriodMs = service.stop_grace_period === undefined ? DEFAULT_STOP_GRACE_PERIOD_MS : (readDuration(problems, at('stop_grace_period'), service.stop_grace_period) ?? DEFAULT_STOP_GRACE_PERIOD_MS);

  const extensions = readServiceExtensions(problems, at('x-baton'), service['x-baton']);
  const volumes = [...readVolumes(ctx, at('volumes'), service.volumes), ...readTmpfs(ctx, at('tmpfs'), service.tmpfs)];
  for (const { mount, path: where } of volumes) {
    const why = mount.type === 'bind' && mount.source !== null ? bindHostAccess(mount.source) : null;
    if (why !== null) reaches.push({ path: where, what: `the bind mount of ${mount.source}`, why });
  }
  // an x-baton block with another mistake in it still says whether it consents
  const raw = service['x-baton'];
  const consent = extensions?.hostAccess ?? (isDict(raw) && raw.host_access === true);
  checkHostAccess(problems, [...at('x-baton'), 'host_access'], reaches, consent);
  let replicas = deploy.replicas;
  const autoscale = extensions?.autoscale ?? null;
  if (autoscale) {
    const clamped = withinRange(replicas, autoscale);
    // a fixed count the policy would never keep says two things at once: refuse it rather than guess
    if (clamped !== replicas && deploy.replicasGiven) {
      problems.error(
        [...path, 'deploy', 'replicas'],
        `${replicas} replicas contradicts x-baton.autoscale, whose range is [${autoscale.min}, ${autoscale.max}]: leave deploy.replicas out (it starts at ${autoscale.min}), or write a count within the range`,
      );
    }
    replicas = clamped;
    // requests per replica are counted by the ingress: a service with no port through it has none
    if (autoscale.requestsPerSecond !== null && !distinctPorts.some((p) => p.spec.published !== null && p.spec.mode === 'ingress')) {
      problems.error(
        [...path, 'x-baton', 'autoscale', 'rps'],
        'scales on requests per second, which Baton counts at its ingress, but the service publishes no port through it: publish one (ports: ["8080:80"]), or scale on cpu instead',
      );
    }
  }

  checkReservations(ctx, [...path, 'deploy', 'resources'], deploy.limits, deploy.reservations);
  const container = readContainerOptions(ctx, path, service);
  const build = readBuild(ctx, at('build'), service.build);

  const joined = readServiceNetworks(ctx, at('networks'), service.networks);
  const spec: ServiceSpec = {
    stack,
    name,
    image,
    command: readCommand(ctx, at('command'), service.command),
    entrypoint: readCommand(ctx, at('entrypoint'), service.entrypoint),
    environment,
    labels: readLabels(ctx, at('labels'), service.labels),
    ports: distinctPorts.map((p) => p.spec),
    healthcheck: readHealthcheck(ctx, at('healthcheck'), service.healthcheck),
    replicas,
    limits: deploy.limits,
    reservations: deploy.reservations,
    placement: deploy.placement,
    update: deploy.update,
    rollback: deploy.rollback,
    restart: restart ?? defaultRestartPolicy(),
    secrets: readFileMounts(ctx, at('secrets'), service.secrets, 'secret'),
    configs: readFileMounts(ctx, at('configs'), service.configs, 'config'),
    volumes: volumes.map((v) => v.mount),
    ...joined,
    stopGracePeriodMs,
    autoscale,
    ...(extensions?.rollout ? { rollout: extensions.rollout } : {}),
    ...(container ? { container } : {}),
    ...(build ? { build } : {}),
  };
  return { spec, ports: distinctPorts, rollout: extensions?.rollout ?? null, dependsOn: readDependsOn(at('depends_on'), service.depends_on) };
}

function samePort(a: PortEntry, b: PortEntry): boolean {
  const x = a.spec;
  const y = b.spec;
  return x.target === y.target && x.published === y.published && x.protocol === y.protocol && x.mode === y.mode;
}

/** A string is split like a shell would ("npm run start" → ["npm", "run", "start"]); a list is taken as is. */
function readCommand(ctx: SpecContext, path: Path, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return null;
  const split = splitShellWords(value);
  if ('error' in split) {
    ctx.problems.error(path, `can't be split into words: ${split.error}; fix the quoting or write it as a list`);
    return null;
  }
  return split.words;
}

/** The older service-level cpus / mem_limit / mem_reservation, where deploy.resources doesn't say. */
function mergeLegacyResources(ctx: SpecContext, path: Path, service: Record<string, unknown>, limits: Resources, reservations: Resources): void {
  const legacy = [
    ['cpus', limits, 'nanoCpus', 'limits.cpus'],
    ['mem_limit', limits, 'memoryBytes', 'limits.memory'],
    ['mem_reservation', reservations, 'memoryBytes', 'reservations.memory'],
  ] as const;
  for (const [key, target, field, deployKey] of legacy) {
    if (service[key] === undefined) continue;
    const read = field === 'nanoCpus' ? readNanoCpus : readBytes;
    const value = read(ctx.problems, [...path, key], service[key]);
    if (value === undefined) continue;
    if (target[field] !== null && target[field] !== value) {
      ctx.problems.error([...path, key], `\`${key}\` and \`deploy.resources.${deployKey}\` disagree: set it once`, { at: 'key' });
    } else target[field] = value === 0 ? null : value;
  }
}

function checkReservations(ctx: SpecContext, path: Path, limits: Resources, reservations: Resources): void {
  if (limits.nanoCpus !== null && reservations.nanoCpus !== null && reservations.nanoCpus > limits.nanoCpus) {
    ctx.problems.error([...path, 'reservations', 'cpus'], `reserves ${reservations.nanoCpus / 1e9} CPUs, more than the limit of ${limits.nanoCpus / 1e9}: a reservation can't exceed its limit`);
  }
  if (limits.memoryBytes !== null && reservations.memoryBytes !== null && reservations.memoryBytes > limits.memoryBytes) {
    ctx.problems.error([...path, 'reservations', 'memory'], `reserves ${reservations.memoryBytes} bytes, more than the limit of ${limits.memoryBytes}: a reservation can't exceed its limit`);
  }
}
