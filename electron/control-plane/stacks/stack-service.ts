// Stacks as a person drives them: apply a Compose file (validated, planned, then stored in one
// transaction: a rejected file changes nothing), scale, remove, and the status views `baton ls`
// and `baton ps` print. The reconciler does the work on the hosts.
import { EditError, editServiceSource } from './service-edit.ts';
import type { ClusterSnapshot, Host, ReplicaDetail, ReplicaStatus, ServiceDetail, ServicePlan, ServiceEditParams, ServiceStatus, StackApplyParams, StackPlan, StackSummary } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import { profilesKeeping } from './spec/profiles.ts';
import { parse as parseYamlData } from 'yaml';
import type { EventKind } from '../../../shared/events.ts';
import type { PortSpec, ServiceSpec, StackSpec } from '../../../shared/stack.ts';
import type { AutoscaleDecision } from '../../../shared/autoscale.ts';
import { withinRange } from '../autoscale/decide-scale.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import type { Engine } from '../hosts/engine.ts';
import { imageNowhere, type ImageService } from '../images/image-service.ts';
import type { ImageBuilder } from '../builds/image-builder.ts';
import { buildDigest, builtImageRef } from '../builds/decide-builds.ts';
import type { PlanBuild } from '../../../shared/builds.ts';
import { pullErrorText } from '../hosts/pull-image.ts';
import type { Logger } from '../log.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import { replicaFromInspect, serviceKey, type ObservedReplica } from '../reconcile/replica.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import type { HostCandidate } from '../scheduler/types.ts';
import type { DesiredService } from '../store/stacks-repo.ts';
import type { Store } from '../store/store.ts';
import { replicaDetail, replicaStatus, specForClients } from './inspect.ts';
import { countReplicas } from './status.ts';
import { NO_REACH, planPort, planReach } from './plan-reach.ts';
import { volumePlacementProblems } from './volume-placement.ts';
import { parseApplied } from './applied-stack.ts';
import { withVersions, type FileRef } from '../secrets/file-refs.ts';
import { GLOBAL } from '../store/files-repo.ts';
import { diffSpecs } from './spec-diff.ts';
import { containerSpecHash, serviceSpecHash } from './spec/spec-hash.ts';

const INSPECT_TIMEOUT_MS = 10_000;

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The event apply writes per action (nothing for an unchanged service). */
const APPLY_EVENT = { create: 'created', update: 'updated', scale: 'scaled', remove: 'removed', unchanged: 'unchanged' } as const satisfies Record<ServicePlan['action'], string>;

/** The events after which a service's desired count is what they say. */
const REPLICA_COUNT_EVENTS = ['service.created', 'service.updated', 'service.scaled'] as const satisfies readonly EventKind[];

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);


export class StackService {
  constructor(
    private readonly deps: {
      store: Store;
      hosts: HostManager;
      reconciler: Reconciler;
      events: EventLog;
      log: Logger;
      /** Published ports something else holds on a host, by port (the ingress knows). */
      blockedOn?: (port: number) => { host: string; holder: string }[];
      /** Where a replica stands with the ingress. */
      poolState?: (replicaId: string) => 'serving' | 'draining' | 'out';
      /** Where images are, and what copying them to hosts would take. */
      images?: ImageService;
      /** Builds the images of services with `build:`. */
      builder?: ImageBuilder;
    },
  ) {}

  /** "; blocked on h2 by container squatter" for an ingress port something else holds on some host. */
  private blockedText(p: PortSpec): string {
    if (p.mode !== 'ingress' || p.published === null || p.protocol !== 'tcp' || !this.deps.blockedOn) return '';
    const blocked = this.deps.blockedOn(p.published);
    return blocked.map((b) => `; blocked on ${b.host} by ${b.holder}`).join('');
  }

  async apply(params: StackApplyParams): Promise<StackPlan> {
    const parsed = parseApplied(params);
    const warnings = parsed.problems.filter((p) => p.severity === 'warning');
    const strategy = parsed.baton.placementStrategy;
    const { stacks, files } = this.deps.store;

    // Problems only the cluster can reveal, all before anything is stored.
    const problems: string[] = [];
    // external secrets must be in Baton's store; every mount gets the version of its value now
    const values = parsed.values ?? { secrets: {}, configs: {} };
    const externalSecrets = new Set(Object.entries(parsed.stack.secrets).filter(([, d]) => d.external).map(([n]) => n));
    const missing = [...externalSecrets].filter((n) => files.get('secret', GLOBAL, n) === null);
    if (missing.length > 0) {
      throw new BatonError(
        'INVALID_INPUT',
        `The stack ${parsed.stack.name} declares ${missing.map((n) => `secret ${n}`).join(', ')} \`external: true\`, but Baton has no secret of that name; nothing was applied.`,
        { secrets: missing },
        `Create ${missing.length === 1 ? 'it' : 'them'} first: ${missing.map((n) => `baton secret create ${n} -f FILE`).join('; ')} (or - to read standard input).`,
      );
    }
    const versionOf = (ref: FileRef): number => {
      if (ref.stack === GLOBAL) return files.get('secret', GLOBAL, ref.name)?.version ?? 1;
      const value = (ref.kind === 'secret' ? values.secrets : values.configs)[ref.name];
      return value === undefined ? 1 : files.versionFor(ref.kind, ref.stack, ref.name, value);
    };
    const stack = { ...parsed.stack, services: parsed.stack.services.map((s) => this.withBuild(parsed.stack!.name, withVersions(s, externalSecrets, versionOf), params)) };
    const readyHosts = this.deps.hosts.list().filter((h) => h.state === 'ready');
    if (readyHosts.length === 0) {
      throw new BatonError('INVALID_INPUT', 'No host is ready to run this stack. Add a host (baton host add) or wait until one is ready (baton host ls).');
    }
    this.checkPortsAgainstOtherStacks(stack.name, stack.services, problems);
    const empty = this.emptyCandidates();
    // where volumes' data is, is judged below, volume by volume, with what it says
    const emptyNoVolumes = empty.map((h) => ({ ...h, volumes: [] }));
    for (const spec of stack.services) {
      if (spec.replicas === 0) continue;
      const alone = placeReplicas({ service: spec, count: 1, strategy }, emptyNoVolumes);
      if (alone.hosts.length === 0) problems.push(`service ${spec.name} can't run on any host, even an empty one: ${alone.verdicts.map((v) => `${v.host}: ${v.reason}`).join('; ')}. Change its constraints or reservations, or add a host that fits.`);
    }
    problems.push(...volumePlacementProblems(stack.services, empty, strategy), ...this.externalVolumeProblems(stack));
    await this.checkImages(stack.services, readyHosts.map((h) => h.name), problems, params.dryRun === true);
    if (problems.length > 0) {
      throw new BatonError('INVALID_INPUT', `The stack ${stack.name} can't run as written; nothing was applied:\n${problems.map((p) => `- ${p}`).join('\n')}`, { problems });
    }

    // The plan: per service, what changes against what it runs now (its current desired revision,
    // which a rollback may have made an older one) and where new replicas would go now.
    const existing = new Map(stacks.listServices(stack.name).map((s) => [s.name, s]));
    const candidates = this.deps.reconciler.candidates(stacks.desiredServices());
    const plan: StackPlan['services'] = [];
    /** Per service whose spec changes: the stored revision it matches, or null when it needs a new one. */
    const reuse = new Map<string, number | null>();
    for (const spec of stack.services) {
      const record = existing.get(spec.name);
      const current = record ? stacks.getRevision(stack.name, spec.name, record.revision) : null;
      const hash = serviceSpecHash(spec);
      const changed = !current || current.specHash !== hash;
      let revision = current?.revision ?? 0;
      if (changed) {
        // Re-applying a file after a rollback rolls forward to the revision it already made, not a copy of it.
        const same = record ? stacks.listRevisions(stack.name, spec.name).find((r) => r.specHash === hash) : undefined;
        reuse.set(spec.name, same?.revision ?? null);
        revision = same?.revision ?? (stacks.latestRevision(stack.name, spec.name)?.revision ?? 0) + 1;
      }
      // an autoscaled service keeps the count its autoscaler reached (within the new range): applying the file again must not undo a scale-up under load
      const a = spec.autoscale;
      const replicas = record && a && record.replicas > 0 ? withinRange(record.replicas, a) : spec.replicas;
      const running = record ? this.deps.reconciler.state.replicasOf(stack.name, spec.name).filter((r) => r.state === 'running').length : 0;
      const toPlace = changed ? replicas : Math.max(0, replicas - running);
      const preview = toPlace > 0 ? placeReplicas({ service: spec, count: toPlace, strategy }, candidates) : null;
      plan.push({
        name: spec.name,
        action: !record ? 'create' : changed ? 'update' : record.replicas !== replicas ? 'scale' : 'unchanged',
        replicas,
        replicasBefore: record?.replicas ?? null,
        scaledByHand: record ? this.scaledByHand(stack.name, spec.name, record.replicas) : false,
        changes: diffSpecs(current?.spec ?? null, spec),
        revision,
        hosts: preview?.hosts ?? [],
        pending: preview && preview.unplaced > 0 ? preview.summary : null,
        ...planReach(spec),
      });
    }
    for (const [name, record] of existing) {
      if (!stack.services.some((s) => s.name === name)) {
        plan.push({ name, action: 'remove', replicas: 0, replicasBefore: record.replicas, scaledByHand: false, changes: [], revision: null, hosts: [], pending: null, ...NO_REACH });
      }
    }
    const builds = await this.planBuilds(stack.services, plan);
    const images = await this.imageCopies(stack.services, plan);
    if (params.dryRun) return { stack: stack.name, applied: false, services: plan, warnings, images, ...(builds.length > 0 ? { builds } : {}) };
    await this.carryOutBuilds(stack.name, stack.services, plan, builds, params);

    const now = new Date().toISOString();
    this.deps.store.transaction(() => {
      const { name: _n, services: _s, ...declarations } = stack;
      stacks.upsertStack({ name: stack.name, file: params.file, source: params.source, declarations, placementStrategy: strategy, updatedAt: now }, now);
      for (const [name, value] of Object.entries(values.secrets)) files.put('secret', stack.name, name, value, now);
      for (const [name, value] of Object.entries(values.configs)) files.put('config', stack.name, name, value, now);
      files.removeStackFiles(stack.name, [...Object.keys(values.secrets).map((name) => ({ kind: 'secret' as const, name })), ...Object.keys(values.configs).map((name) => ({ kind: 'config' as const, name }))]);
      for (const spec of stack.services) {
        const step = plan.find((p) => p.name === spec.name)!;
        let revision = step.revision!;
        if (reuse.get(spec.name) === null) {
          revision = stacks.addRevision({ stack: stack.name, service: spec.name, spec, specHash: serviceSpecHash(spec), containerHash: containerSpecHash(spec), createdAt: now });
        }
        stacks.putService({ stack: stack.name, name: spec.name, replicas: step.replicas, revision, preferredHost: existing.get(spec.name)?.preferredHost ?? null });
      }
      for (const step of plan) if (step.action === 'remove') stacks.removeService(stack.name, step.name);
    });
    for (const step of plan) {
      if (step.action === 'unchanged') continue;
      // `applied` tells these apart from a scale by hand (scaledByHand); the changes hold no environment value.
      this.deps.events.append({
        kind: `service.${APPLY_EVENT[step.action]}`,
        stack: stack.name,
        service: step.name,
        message: `${stack.name}/${step.name}: ${step.action}${step.revision ? `, revision ${step.revision}` : ''}, ${step.replicas} replica(s)`,
        data: { applied: true, replicas: step.replicas, ...(step.changes.length > 0 ? { changes: step.changes } : {}) },
      });
      this.deps.reconciler.trigger(serviceKey(stack.name, step.name));
    }
    return { stack: stack.name, applied: true, services: plan, warnings, images, ...(builds.length > 0 ? { builds } : {}) };
  }

  /**
   * A service with `build:` gets its build digest (from the context its client sent) and the image
   * it runs. Applied without a context (an edit in the app, a client that sends none), it keeps
   * the digest of its current revision when that was built from the same `build:`.
   */
  private withBuild(stackName: string, spec: ServiceSpec, params: StackApplyParams): ServiceSpec {
    if (!spec.build) return spec;
    const sent = params.builds?.[spec.name];
    let digest: string;
    if (sent) digest = buildDigest(sent.digest, spec.build);
    else {
      const { stacks } = this.deps.store;
      const record = stacks.listServices(stackName).find((s) => s.name === spec.name);
      const current = record ? stacks.getRevision(stackName, spec.name, record.revision)?.spec : undefined;
      const { digest: before, ...was } = current?.build ?? { digest: undefined };
      if (before === undefined || JSON.stringify(was) !== JSON.stringify(spec.build)) {
        throw new BatonError(
          'INVALID_INPUT',
          `${stackName}/${spec.name} is built from ${spec.build.context}, but its build context was not sent with the stack: the control plane reads no folder a stack names. Nothing was applied.`,
          { service: spec.name, context: spec.build.context },
          'Apply it with baton apply -f FILE, which reads the context beside the file and sends it.',
        );
      }
      digest = before;
    }
    return { ...spec, image: builtImageRef(stackName, spec.name, spec.image, digest), build: { ...spec.build, digest } };
  }

  /** Per service with `build:`: built already somewhere, or to be built, and where. */
  private async planBuilds(services: ServiceSpec[], plan: StackPlan['services']): Promise<PlanBuild[]> {
    const asks = services.filter((s) => s.build?.digest !== undefined).map((s) => ({ service: s.name, image: s.image, digest: s.build!.digest!, hosts: plan.find((p) => p.name === s.name)?.hosts ?? [] }));
    if (asks.length === 0) return [];
    if (!this.deps.builder) throw new BatonError('INTERNAL', 'This control plane has no image builder: services with `build:` cannot be applied here.', undefined, 'Build the image yourself and write `image:` instead.');
    return this.deps.builder.plan(asks);
  }

  /** Builds what is not up to date (one at a time, the file's order), then delivers each image to its replicas' hosts. */
  private async carryOutBuilds(stackName: string, services: ServiceSpec[], plan: StackPlan['services'], builds: PlanBuild[], params: StackApplyParams): Promise<void> {
    const builder = this.deps.builder;
    if (!builder || builds.length === 0) return;
    for (const decision of builds) {
      const spec = services.find((s) => s.name === decision.service)!;
      if (decision.action === 'up-to-date') {
        builder.upToDate(stackName, decision);
        continue;
      }
      const tar = params.builds?.[decision.service]?.tar;
      if (tar === undefined) {
        throw new BatonError('INVALID_INPUT', `${stackName}/${decision.service} must be built (${decision.image} built from this context is on no host), but its build context was not sent. Nothing was applied.`, { service: decision.service }, 'Apply it with baton apply -f FILE, which reads the context beside the file and sends it.');
      }
      await builder.build(stackName, decision, spec.build!, Buffer.from(tar, 'base64'));
    }
    for (const decision of builds) {
      const hosts = (plan.find((p) => p.name === decision.service)?.hosts ?? []).filter((h) => h !== decision.on);
      await builder.deliver(decision.image, [...new Set(hosts)]);
    }
  }

  /** Per image, the hosts its new replicas would go to that lack it, and the bytes a copy would send. */
  private async imageCopies(services: ServiceSpec[], plan: StackPlan['services']): Promise<NonNullable<StackPlan['images']>> {
    if (!this.deps.images) return [];
    const hostsOf = new Map<string, Set<string>>();
    for (const spec of services) {
      const step = plan.find((p) => p.name === spec.name);
      if (!step || step.hosts.length === 0) continue;
      const set = hostsOf.get(spec.image) ?? new Set<string>();
      for (const h of step.hosts) set.add(h);
      hostsOf.set(spec.image, set);
    }
    const out: NonNullable<StackPlan['images']> = [];
    for (const [image, hosts] of hostsOf) {
      const found = await this.deps.images.needs(image, [...hosts]).catch(() => null);
      if (!found) continue; // nowhere: the hosts pull it (checkImages said so already)
      const needs = found.needs.filter((n) => n.action !== 'present');
      if (needs.length > 0) out.push({ image, source: found.source, needs });
    }
    return out;
  }

  /**
   * Whether the service's desired count was last set by hand (`baton scale`, a replica removed
   * from the topology) rather than by a stack file: the newest event that set it says which.
   */
  private scaledByHand(stack: string, service: string, replicas: number): boolean {
    const [last] = this.deps.events.list({ stack, service, kinds: REPLICA_COUNT_EVENTS, limit: 1 });
    return last !== undefined && last.kind === 'service.scaled' && last.data?.applied !== true && last.data?.autoscale === undefined && last.data?.replicas === replicas;
  }

  list(): StackSummary[] {
    const { stacks } = this.deps.store;
    return stacks.listStacks().map((s) => ({ name: s.name, file: s.file, services: stacks.listServices(s.name).map((x) => x.name), updatedAt: s.updatedAt }));
  }

  /** The Compose file as last applied, for a client that edits it into the next revision. */
  /**
   * An edit of one service made into the stack's next file on the control plane (the file never
   * goes to the client: it may hold values the client must not see), then planned or applied like
   * any file. A stack whose file takes ${VAR}s or names env_files is refused here as at any apply
   * without them: those come from the client that applied it.
   */
  async edit(params: ServiceEditParams): Promise<StackPlan> {
    const { stacks } = this.deps.store;
    const [stackName, serviceName] = params.service.includes('/') ? (params.service.split('/') as [string, string]) : [null, params.service];
    const candidates = stacks.listServices().filter((s) => s.name === serviceName && (stackName === null || s.stack === stackName));
    if (candidates.length !== 1) {
      throw new BatonError('NOT_FOUND', candidates.length === 0 ? `There is no service ${params.service}.` : `Several stacks have a service ${serviceName}: name it STACK/${serviceName}.`, { service: params.service }, 'See the services with: baton ls');
    }
    const stack = stacks.getStack(candidates[0]!.stack);
    const source = stack === null ? null : stacks.getSource(stack.name);
    if (stack === null || source === null) throw new BatonError('NOT_FOUND', `There is no stack ${candidates[0]!.stack}.`, { stack: candidates[0]!.stack });
    if (params.edit.image === undefined && params.edit.replicas === undefined && params.edit.environment === undefined) {
      throw new BatonError('INVALID_INPUT', 'Nothing is changed: give an image, an environment change or a replica count.', { service: params.service });
    }
    let next: string;
    try {
      next = editServiceSource(source, serviceName, params.edit);
    } catch (err) {
      if (err instanceof EditError) throw new BatonError('INVALID_INPUT', err.message, { service: params.service });
      throw err;
    }
    // the profiles that brought in the services deployed now, so the edit removes none of them
    const deployed = new Set(stacks.listServices().filter((s) => s.stack === stack.name).map((s) => s.name));
    let written: unknown = null;
    try {
      written = (parseYamlData(source) as { services?: unknown } | null)?.services;
    } catch {
      // a file that no longer reads as YAML is refused by apply below, at its line
    }
    const profiles = profilesKeeping(written, deployed);
    return this.apply({ source: next, file: stack.file ?? `${stack.name}.yaml`, stack: stack.name, dryRun: params.dryRun, ...(profiles.length > 0 ? { profiles } : {}) });
  }

  remove(name: string): { name: string; services: string[] } {
    const { stacks } = this.deps.store;
    if (!stacks.getStack(name)) throw new BatonError('NOT_FOUND', `There is no stack named ${name}. See the stacks with: baton stacks`, { stack: name });
    const services = stacks.listServices(name).map((s) => s.name);
    this.deps.store.transaction(() => {
      stacks.removeStack(name);
      this.deps.store.files.removeStackFiles(name);
    });
    this.deps.events.append({ kind: 'stack.removed', stack: name, message: `stack ${name} removed (${services.join(', ') || 'no services'}); its replicas are being stopped` });
    for (const s of services) this.deps.reconciler.trigger(serviceKey(name, s));
    return { name, services };
  }

  /** "web" or "shop/web" → the one service it names. */
  resolve(ref: string): { stack: string; name: string } {
    const services = this.deps.store.stacks.listServices();
    const [a, b] = ref.split('/');
    const matches = b === undefined ? services.filter((s) => s.name === a) : services.filter((s) => s.stack === a && s.name === b);
    if (matches.length === 0) throw new BatonError('NOT_FOUND', `There is no service ${ref}. See the services with: baton ls`, { service: ref });
    if (matches.length > 1) throw new BatonError('INVALID_INPUT', `${ref} is in several stacks (${matches.map((m) => m.stack).join(', ')}): write STACK/${ref}.`, { service: ref });
    return { stack: matches[0]!.stack, name: matches[0]!.name };
  }

  /**
   * Sets desired counts by hand (`baton scale`, the app's slider). A service with an autoscale
   * policy is kept within its min and max, and the result says so (`note`); its autoscaler goes on
   * from the new count.
   */
  scale(targets: { service: string; replicas: number; preferHost?: string | null | undefined }[]): (ServiceStatus & { note?: string })[] {
    const resolved = targets.map((t) => ({ ...this.resolve(t.service), asked: t.replicas, replicas: t.replicas, preferHost: t.preferHost, note: undefined as string | undefined }));
    const known = new Set(this.deps.hosts.list().map((h) => h.name));
    const desired = new Map(this.deps.store.stacks.desiredServices().map((d) => [serviceKey(d.stack, d.name), d]));
    for (const t of resolved) {
      if (typeof t.preferHost === 'string' && !known.has(t.preferHost)) {
        throw new BatonError('NOT_FOUND', `Can't prefer host ${t.preferHost} for ${t.stack}/${t.name}: there is no host named ${t.preferHost}. See the hosts with: baton host ls (add it first with baton host add). Nothing was scaled.`, { host: t.preferHost, service: `${t.stack}/${t.name}` });
      }
      const policy = desired.get(serviceKey(t.stack, t.name))?.spec.autoscale;
      // 0 stops an autoscaled service (its autoscaler rests until it is scaled up again)
      if (policy && t.replicas !== 0 && (t.replicas < policy.min || t.replicas > policy.max)) {
        t.replicas = withinRange(t.replicas, policy);
        t.note = `${t.stack}/${t.name} autoscales within [${policy.min}, ${policy.max}]: scaled to ${t.replicas}, not ${t.asked}. To go beyond, change x-baton.autoscale in its stack file and apply it.`;
      }
    }
    const { stacks } = this.deps.store;
    // what the cluster can hold, said now rather than found later as pending replicas
    const candidates = this.deps.reconciler.candidates(stacks.desiredServices());
    for (const t of resolved) {
      const spec = desired.get(serviceKey(t.stack, t.name))?.spec;
      const running = this.deps.reconciler.state.replicasOf(t.stack, t.name).filter((r) => r.state === 'running').length;
      if (!spec || t.replicas <= running) continue;
      const preview = placeReplicas({ service: spec, count: t.replicas - running, strategy: stacks.getStack(t.stack)?.placementStrategy ?? 'spread' }, candidates);
      if (preview.summary === null) continue;
      const capacity = `${preview.summary}. They wait as pending until hosts have room: add hosts, lower the reservations, or scale to ${running + preview.hosts.length}.`;
      t.note = t.note ? `${t.note} ${capacity}` : capacity;
    }
    this.deps.store.transaction(() => {
      for (const t of resolved) {
        stacks.setReplicas(t.stack, t.name, t.replicas);
        if (t.preferHost !== undefined) stacks.setPreferredHost(t.stack, t.name, t.preferHost);
      }
    });
    for (const t of resolved) {
      const where = t.preferHost === undefined ? '' : t.preferHost === null ? ', no preferred host' : `, new replicas preferably on ${t.preferHost}`;
      const message = `${t.stack}/${t.name} scaled to ${t.replicas}${where}${t.replicas !== t.asked ? ` (${t.asked} asked for; its autoscale range is the bound)` : ''}`;
      this.deps.events.append({ kind: 'service.scaled', stack: t.stack, service: t.name, message, data: { replicas: t.replicas, ...(t.preferHost !== undefined ? { preferHost: t.preferHost } : {}) } });
      this.deps.reconciler.trigger(serviceKey(t.stack, t.name));
    }
    return this.services()
      .filter((s) => resolved.some((t) => t.stack === s.stack && t.name === s.name))
      .map((s) => {
        const note = resolved.find((t) => t.stack === s.stack && t.name === s.name)?.note;
        return note ? { ...s, note } : s;
      });
  }

  /** The autoscaler's scale: stored, a `service.scaled` event with the decision and its inputs, the reconciler woken. */
  autoscaleTo(stack: string, name: string, replicas: number, decision: AutoscaleDecision): void {
    this.deps.store.stacks.setReplicas(stack, name, replicas);
    this.deps.events.append({ kind: 'service.scaled', stack, service: name, message: `${stack}/${name} scaled to ${replicas} by its autoscaler: ${decision.reason}`, data: { replicas, autoscale: decision } });
    this.deps.reconciler.trigger(serviceKey(stack, name));
  }

  services(stackName?: string): ServiceStatus[] {
    const desired = this.deps.store.stacks.desiredServices().filter((d) => stackName === undefined || d.stack === stackName);
    return this.statuses(desired, this.deps.reconciler.state.byService());
  }

  /**
   * Hosts whose replicas' picture is current: connected, and listed since they connected. On any
   * other host a replica is unknown.
   */
  private readyHosts(hosts: Host[] = this.deps.hosts.list()): Set<string> {
    const { state } = this.deps.reconciler;
    return new Set(hosts.filter((h) => h.state === 'ready' && state.isSynced(h.name)).map((h) => h.name));
  }

  private statuses(desired: DesiredService[], byService: Map<string, ObservedReplica[]>, readyHosts = this.readyHosts()): ServiceStatus[] {
    const { stacks } = this.deps.store;
    return desired.map((d) => {
      const key = serviceKey(d.stack, d.name);
      const replicas = this.deps.reconciler.servingReplicas(d, byService.get(key) ?? []);
      const { servingImage, desired: _d, ...counts } = countReplicas({
        desired: { revision: d.revision, replicas: d.replicas, image: d.spec.image },
        replicas,
        readyHosts,
        imageOf: (revision) => stacks.getRevision(d.stack, d.name, revision)?.spec.image,
      });
      return {
        stack: d.stack,
        name: d.name,
        image: servingImage,
        desiredImage: d.spec.image,
        revision: d.revision,
        desired: d.replicas,
        ...counts,
        pending: this.deps.reconciler.pendingReason(key),
        ports: d.spec.ports.map((p) => (p.exposeOnly ? `${p.target}/${p.protocol} (internal)` : `${p.hostIp !== undefined ? `${p.hostIp === '::1' ? '[::1]' : p.hostIp}:` : ''}${p.published ?? '-'}->${p.target}/${p.protocol} (${p.mode}${this.blockedText(p)})`)),
        portReach: d.spec.ports.map(planPort),
        preferredHost: d.preferredHost,
        reservation: { nanoCpus: d.spec.reservations.nanoCpus, memoryBytes: d.spec.reservations.memoryBytes },
      };
    });
  }

  replicas(ref?: string): ReplicaStatus[] {
    const only = ref ? this.resolve(ref) : null;
    const all = this.deps.reconciler.state.all().filter((r) => !only || (r.stack === only.stack && r.service === only.name));
    return this.replicaStatuses(all, this.deps.store.stacks.desiredServices(), this.deps.hosts.list());
  }

  private replicaStatuses(replicas: ObservedReplica[], desired: DesiredService[], hosts: Host[]): ReplicaStatus[] {
    const current = new Map(desired.map((d) => [serviceKey(d.stack, d.name), d.containerHash]));
    const ready = this.readyHosts(hosts);
    return [...replicas]
      .sort((a, b) => byText(a.stack, b.stack) || byText(a.service, b.service) || a.slot - b.slot || a.createdMs - b.createdMs)
      .map((r) => ({ ...replicaStatus(r, ready.has(r.host), current.get(serviceKey(r.stack, r.service)) === r.containerHash), ...(this.deps.poolState ? { pool: this.deps.poolState(r.id) } : {}) }));
  }

  /** A replica by container name or id (at least 12 characters), among those the hosts show. */
  resolveReplica(ref: string): ObservedReplica {
    const found = this.deps.reconciler.state.findByRef(ref);
    if (!found) {
      throw new BatonError('NOT_FOUND', `There is no replica ${ref}. Name one by its container name or id (12 characters or more); see the replicas with: baton ps`, { replica: ref });
    }
    return found;
  }

  /** Removes one replica and lowers its service's count by one (drag a replica off the topology). */
  async removeReplica(ref: string): Promise<ServiceStatus> {
    const done = await this.deps.reconciler.removeReplica(this.resolveReplica(ref));
    const status = this.services(done.stack).find((s) => s.name === done.service);
    if (!status) throw new BatonError('NOT_FOUND', `${done.stack}/${done.service} is no longer deployed.`);
    return status;
  }

  /** Restarts one replica in place on its host (see Reconciler.restartReplica); its status once started again. */
  async restartReplica(ref: string): Promise<ReplicaStatus> {
    return this.statusOf(await this.deps.reconciler.restartReplica(this.resolveReplica(ref)));
  }

  /** Stops one replica gracefully, drained first; the reconciler then replaces it (see Reconciler.stopReplica). */
  async stopReplica(ref: string): Promise<ReplicaStatus> {
    return this.statusOf(await this.deps.reconciler.stopReplica(this.resolveReplica(ref)));
  }

  private statusOf(replica: ObservedReplica): ReplicaStatus {
    const hosts = this.deps.hosts.list().filter((h) => h.name === replica.host);
    return this.replicaStatuses([replica], this.deps.store.stacks.desiredServices(), hosts)[0]!;
  }

  inspectService(ref: string): ServiceDetail {
    const { stack, name } = this.resolve(ref);
    const { stacks } = this.deps.store;
    const status = this.services(stack).find((s) => s.name === name);
    const record = stacks.getService(stack, name);
    const revision = record ? stacks.getRevision(stack, name, record.revision) : null;
    if (!status || !revision) throw new BatonError('NOT_FOUND', `There is no service ${ref}. See the services with: baton ls`, { service: ref });
    return {
      status,
      spec: specForClients(revision.spec),
      file: stacks.getStack(stack)?.file ?? null,
      revisions: stacks.listRevisions(stack, name).map((r) => ({ revision: r.revision, createdAt: r.createdAt })),
      events: this.deps.events.list({ stack, service: name, limit: 50 }),
    };
  }

  /** A replica as its host shows it right now (a live inspect over the host's link). */
  async inspectReplica(ref: string): Promise<ReplicaDetail> {
    const known = this.resolveReplica(ref);
    const host = this.deps.hosts.list().find((h) => h.name === known.host);
    const unavailable = (why: string) =>
      new BatonError('UNAVAILABLE', `Can't inspect ${known.name} on ${known.host} now: ${why}. Last known: ${known.state}${known.health !== 'none' ? `, ${known.health}` : ''}. Try again when the host is ready (baton host ls).`, { replica: known.name, host: known.host });
    const link = this.deps.hosts.allLinks().find((l) => l.name === known.host);
    const hostDown = () => unavailable(`host ${known.host} is ${host?.state ?? 'not in the cluster'}${host?.stateReason ? ` (${host.stateReason})` : ''}`);
    if (!link || link.state !== 'ready') throw hostDown();
    let raw: unknown;
    try {
      raw = await withDeadline(link.engine().inspectContainer(known.id), INSPECT_TIMEOUT_MS, `no answer from ${known.host} within ${INSPECT_TIMEOUT_MS / 1000} s`);
    } catch (err) {
      if (err instanceof BatonError && err.code === 'HOST_UNREACHABLE') throw hostDown();
      throw unavailable((err as Error).message);
    }
    if (raw === null) throw new BatonError('NOT_FOUND', `${known.name} is gone from ${known.host}. See the replicas with: baton ps`, { replica: known.name });
    const live = replicaFromInspect(known.host, raw, this.deps.reconciler.clusterId) ?? known;
    const desired = this.deps.store.stacks.desiredServices().find((d) => d.stack === known.stack && d.name === known.service);
    const status = replicaStatus(live, host !== undefined && this.readyHosts([host]).has(host.name), desired?.containerHash === live.containerHash);
    const names = [known.name, known.id.slice(0, 12)];
    return replicaDetail(raw, status, this.deps.events.list({ replica: names, limit: 50 }));
  }

  /** Hosts, their usage, services and replicas as one picture, and the newest event it includes. */
  snapshot(): ClusterSnapshot {
    // read first: anything that changes after this has a greater id, so a client never misses it
    const lastEventId = this.deps.events.lastId();
    const desired = this.deps.store.stacks.desiredServices();
    const hosts = this.deps.hosts.list();
    const replicas = this.deps.reconciler.state.all();
    const usage = this.deps.reconciler.candidates(desired).map((c) => ({
      host: c.name,
      replicas: Object.values(c.replicasByService).reduce((sum, n) => sum + n, 0),
      nanoCpusReserved: c.reservedNanoCpus,
      memoryBytesReserved: c.reservedMemoryBytes,
    }));
    return {
      lastEventId,
      hosts,
      usage,
      services: this.statuses(desired, this.deps.reconciler.state.byService(), this.readyHosts(hosts)),
      replicas: this.replicaStatuses(replicas, desired, hosts),
    };
  }

  /** An external volume is used as it is: some host must have it. */
  private externalVolumeProblems(stack: StackSpec): string[] {
    const out: string[] = [];
    const hosts = this.deps.hosts.list().map((h) => h.name);
    for (const [key, d] of Object.entries(stack.volumes)) {
      if (!d.external || !stack.services.some((s) => s.volumes.some((v) => v.type === 'volume' && v.source === key))) continue;
      const name = d.name ?? key;
      if (hosts.some((h) => this.deps.reconciler.state.hasVolume(h, name))) continue;
      out.push(`volume \`${key}\` is external, but no host has a volume ${name}: create it on the host that should hold its data (ssh HOST docker volume create ${name}), or drop \`external: true\` to have Baton create it`);
    }
    return out;
  }

  private emptyCandidates(): HostCandidate[] {
    return this.deps.reconciler.candidates([]).map((h) => ({ ...h, ready: h.ready || this.deps.hosts.list().some((x) => x.name === h.name && x.state === 'ready'), reservedNanoCpus: 0, reservedMemoryBytes: 0, usedHostPorts: [], replicasByService: {} }));
  }

  private checkPortsAgainstOtherStacks(stackName: string, services: ServiceSpec[], problems: string[]): void {
    const taken = new Map<string, string>();
    for (const d of this.deps.store.stacks.desiredServices()) {
      if (d.stack === stackName) continue;
      for (const p of d.spec.ports) if (p.published !== null) taken.set(`${p.protocol}/${p.published}`, `${d.stack}/${d.name}`);
    }
    for (const s of services) {
      for (const p of s.ports) {
        const owner = p.published !== null ? taken.get(`${p.protocol}/${p.published}`) : undefined;
        if (owner) problems.push(`service ${s.name} publishes ${p.published}/${p.protocol}, which ${owner} already publishes. Pick another published port, or remove that service first.`);
      }
    }
  }

  /**
   * Every image must be on some ready host or this machine's engine (Baton copies it from there),
   * or pullable. A dry run only looks (inspect): it pulls nothing, and says when only a pull can tell.
   */
  private async checkImages(services: ServiceSpec[], hosts: string[], problems: string[], dryRun: boolean): Promise<void> {
    // an image of a service with `build:` is built below, not looked for
    const images = [...new Set(services.filter((s) => s.replicas > 0 && s.build === undefined).map((s) => s.image))];
    await Promise.all(
      images.map(async (image) => {
        const present = await Promise.all(hosts.map((h) => this.hasImage(this.deps.hosts.link(h).engine(), image)));
        if (present.some(Boolean)) return;
        if (this.deps.images && (await this.deps.images.needs(image, []).catch(() => null)) !== null) return; // on this machine's engine: copied from there
        if (dryRun) return; // a pull would tell; a dry run does not pull (the hosts will try when they start it)
        const pulled = await this.tryPull(this.deps.hosts.link(hosts[0]!).engine(), image);
        if (pulled !== null) {
          const nowhere = imageNowhere(image, hosts, null);
          problems.push(`image ${image} is on no host and not on this machine's engine, and ${hosts[0]} could not pull it (${pulled}). ${nowhere.hint ?? ''}`);
        }
      }),
    );
  }

  /** A host that can't say counts as one without it. */
  private hasImage(engine: Engine, image: string): Promise<boolean> {
    return engine.inspectImage(image).then(
      (found) => found !== null,
      () => false,
    );
  }

  /** null when the pull worked, else why it did not. */
  private tryPull(engine: Engine, image: string): Promise<string | null> {
    return engine.pull(image, 60_000).then(
      () => null,
      (err: unknown) => pullErrorText(err),
    );
  }
}
