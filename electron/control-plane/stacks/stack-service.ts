// Stacks as a person drives them: apply a Compose file (validated, planned, then stored in one
// transaction: a rejected file changes nothing), scale, remove, and the status views `baton ls`
// and `baton ps` print. The reconciler does the work on the hosts.
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { ReplicaStatus, ServiceStatus, StackApplyParams, StackPlan, StackSummary } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { ServiceSpec, SpecProblem } from '../../../shared/stack.ts';
import type { EventLog } from '../events/event-log.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import { pullErrorText, pullImage } from '../hosts/pull-image.ts';
import type { Logger } from '../log.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import { isAvailable, serviceKey } from '../reconcile/replica.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import type { HostCandidate } from '../scheduler/types.ts';
import type { Store } from '../store/store.ts';
import { parseStackFile } from './spec/parse-stack.ts';
import { containerSpecHash, serviceSpecHash } from './spec/spec-hash.ts';

export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${where}: ${p.severity}: ${p.message}`;
}

function describeProblems(problems: SpecProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  return `${errors.length} problem${errors.length === 1 ? '' : 's'} in the stack file; nothing was applied:\n${errors.map(formatProblem).join('\n')}`;
}

export class StackService {
  constructor(
    private readonly deps: { store: Store; hosts: HostManager; reconciler: Reconciler; events: EventLog; log: Logger },
  ) {}

  async apply(params: StackApplyParams): Promise<StackPlan> {
    const parsed = parseStackFile({
      text: params.source,
      file: params.file,
      ...(params.stack !== undefined ? { stackName: params.stack } : {}),
      env: params.env ?? {},
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    const warnings = parsed.problems.filter((p) => p.severity === 'warning');
    if (!parsed.stack || !parsed.baton) {
      throw new BatonError('INVALID_INPUT', describeProblems(parsed.problems), { problems: parsed.problems });
    }
    const stack = parsed.stack;
    const strategy = parsed.baton.placementStrategy;
    const { stacks } = this.deps.store;

    // Problems only the cluster can reveal, all before anything is stored.
    const problems: string[] = [];
    const readyHosts = this.deps.hosts.list().filter((h) => h.state === 'ready');
    if (readyHosts.length === 0) {
      throw new BatonError('INVALID_INPUT', 'No host is ready to run this stack. Add a host (baton host add) or wait until one is ready (baton host ls).');
    }
    this.checkPortsAgainstOtherStacks(stack.name, stack.services, problems);
    const empty = this.emptyCandidates();
    for (const spec of stack.services) {
      if (spec.replicas === 0) continue;
      const alone = placeReplicas({ service: spec, count: 1, strategy }, empty);
      if (alone.hosts.length === 0) problems.push(`service ${spec.name} can't run on any host, even an empty one: ${alone.verdicts.map((v) => `${v.host}: ${v.reason}`).join('; ')}. Change its constraints or reservations, or add a host that fits.`);
    }
    await this.checkImages(stack.services, readyHosts.map((h) => h.name), problems);
    if (problems.length > 0) {
      throw new BatonError('INVALID_INPUT', `The stack ${stack.name} can't run as written; nothing was applied:\n${problems.map((p) => `- ${p}`).join('\n')}`, { problems });
    }

    // The plan: per service, what changes and where new replicas would go now.
    const existing = new Map(stacks.listServices(stack.name).map((s) => [s.name, s]));
    const candidates = this.deps.reconciler.candidates(stacks.desiredServices());
    const plan: StackPlan['services'] = [];
    for (const spec of stack.services) {
      const before = existing.get(spec.name);
      const latest = before ? stacks.latestRevision(stack.name, spec.name) : null;
      const changed = !latest || latest.specHash !== serviceSpecHash(spec);
      const running = before ? this.deps.reconciler.state.replicasOf(stack.name, spec.name).filter((r) => r.state === 'running').length : 0;
      const toPlace = changed ? spec.replicas : Math.max(0, spec.replicas - running);
      const preview = toPlace > 0 ? placeReplicas({ service: spec, count: toPlace, strategy }, candidates) : null;
      plan.push({
        name: spec.name,
        action: !before ? 'create' : changed ? 'update' : before.replicas !== spec.replicas ? 'scale' : 'unchanged',
        replicas: spec.replicas,
        revision: changed ? (latest?.revision ?? 0) + 1 : latest!.revision,
        hosts: preview?.hosts ?? [],
        pending: preview && preview.unplaced > 0 ? preview.summary : null,
      });
    }
    for (const name of existing.keys()) {
      if (!stack.services.some((s) => s.name === name)) plan.push({ name, action: 'remove', replicas: 0, revision: null, hosts: [], pending: null });
    }
    if (params.dryRun) return { stack: stack.name, applied: false, services: plan, warnings };

    const now = new Date().toISOString();
    this.deps.store.transaction(() => {
      const { name: _n, services: _s, ...declarations } = stack;
      stacks.upsertStack({ name: stack.name, file: params.file, source: params.source, declarations, placementStrategy: strategy, updatedAt: now }, now);
      for (const spec of stack.services) {
        const step = plan.find((p) => p.name === spec.name)!;
        let revision = step.revision!;
        if (step.action === 'create' || step.action === 'update') {
          revision = stacks.addRevision({ stack: stack.name, service: spec.name, spec, specHash: serviceSpecHash(spec), containerHash: containerSpecHash(spec), createdAt: now });
        }
        stacks.putService({ stack: stack.name, name: spec.name, replicas: spec.replicas, revision, preferredHost: existing.get(spec.name)?.preferredHost ?? null });
      }
      for (const step of plan) if (step.action === 'remove') stacks.removeService(stack.name, step.name);
    });
    for (const step of plan) {
      if (step.action === 'unchanged') continue;
      this.deps.events.append({ kind: `service.${step.action === 'create' ? 'created' : step.action === 'remove' ? 'removed' : step.action === 'scale' ? 'scaled' : 'updated'}`, stack: stack.name, service: step.name, message: `${stack.name}/${step.name}: ${step.action}${step.revision ? `, revision ${step.revision}` : ''}, ${step.replicas} replica(s)` });
      this.deps.reconciler.trigger(serviceKey(stack.name, step.name));
    }
    return { stack: stack.name, applied: true, services: plan, warnings };
  }

  list(): StackSummary[] {
    const { stacks } = this.deps.store;
    return stacks.listStacks().map((s) => ({ name: s.name, file: s.file, services: stacks.listServices(s.name).map((x) => x.name), updatedAt: s.updatedAt }));
  }

  remove(name: string): { name: string; services: string[] } {
    const { stacks } = this.deps.store;
    if (!stacks.getStack(name)) throw new BatonError('NOT_FOUND', `There is no stack named ${name}. See the stacks with: baton stack ls`, { stack: name });
    const services = stacks.listServices(name).map((s) => s.name);
    this.deps.store.transaction(() => stacks.removeStack(name));
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

  scale(targets: { service: string; replicas: number }[]): ServiceStatus[] {
    const resolved = targets.map((t) => ({ ...this.resolve(t.service), replicas: t.replicas }));
    const { stacks } = this.deps.store;
    this.deps.store.transaction(() => {
      for (const t of resolved) stacks.setReplicas(t.stack, t.name, t.replicas);
    });
    for (const t of resolved) {
      this.deps.events.append({ kind: 'service.scaled', stack: t.stack, service: t.name, message: `${t.stack}/${t.name} scaled to ${t.replicas}` });
      this.deps.reconciler.trigger(serviceKey(t.stack, t.name));
    }
    return this.services().filter((s) => resolved.some((t) => t.stack === s.stack && t.name === s.name));
  }

  services(stackName?: string): ServiceStatus[] {
    const { stacks } = this.deps.store;
    return stacks.desiredServices().flatMap((d) => {
      if (stackName !== undefined && d.stack !== stackName) return [];
      const replicas = this.deps.reconciler.state.replicasOf(d.stack, d.name).filter((r) => r.slot <= d.replicas);
      return [
        {
          stack: d.stack,
          name: d.name,
          image: d.spec.image,
          revision: d.revision,
          desired: d.replicas,
          running: replicas.filter((r) => r.state === 'running').length,
          healthy: replicas.filter((r) => isAvailable(r) && r.containerHash === d.containerHash).length,
          pending: this.deps.reconciler.pendingReason(serviceKey(d.stack, d.name)),
          ports: d.spec.ports.map((p) => `${p.published ?? '-'}->${p.target}/${p.protocol} (${p.mode})`),
        },
      ];
    });
  }

  replicas(ref?: string): ReplicaStatus[] {
    const only = ref ? this.resolve(ref) : null;
    const desired = new Map(this.deps.store.stacks.desiredServices().map((d) => [serviceKey(d.stack, d.name), d]));
    const ready = new Set(this.deps.hosts.list().filter((h) => h.state === 'ready').map((h) => h.name));
    return this.deps.reconciler.state
      .all()
      .filter((r) => !only || (r.stack === only.stack && r.service === only.name))
      .sort((a, b) => a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service) || a.slot - b.slot || a.createdMs - b.createdMs)
      .map((r) => ({
        id: r.id,
        name: r.name,
        stack: r.stack,
        service: r.service,
        slot: r.slot,
        host: r.host,
        hostReady: ready.has(r.host),
        state: r.state,
        health: r.health,
        revision: r.revision,
        current: desired.get(serviceKey(r.stack, r.service))?.containerHash === r.containerHash,
        createdAt: new Date(r.createdMs).toISOString(),
      }));
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

  /** Every image must be on some ready host already, or pullable by one of them. */
  private async checkImages(services: ServiceSpec[], hosts: string[], problems: string[]): Promise<void> {
    const images = [...new Set(services.filter((s) => s.replicas > 0).map((s) => s.image))];
    await Promise.all(
      images.map(async (image) => {
        const present = await Promise.all(hosts.map((h) => this.hasImage(this.deps.hosts.link(h).docker(), image)));
        if (present.some(Boolean)) return;
        const pulled = await this.tryPull(this.deps.hosts.link(hosts[0]!).docker(), image);
        if (pulled !== null) {
          problems.push(`image ${image} is on no host, and ${hosts[0]} could not pull it (${pulled}). Load it on the hosts (docker save ${image} | ssh HOST docker load) or push it to a registry they reach.`);
        }
      }),
    );
  }

  private async hasImage(docker: Docker, image: string): Promise<boolean> {
    try {
      await docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** null when the pull worked, else why it did not. */
  private tryPull(docker: Docker, image: string): Promise<string | null> {
    return pullImage(docker, image, 60_000).then(
      () => null,
      (err: unknown) => pullErrorText(err),
    );
  }
}
