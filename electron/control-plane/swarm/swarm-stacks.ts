// Stacks on a Swarm cluster: apply (create or update each service, labelled as a docker stack),
// list services and tasks, scale. The decisions are swarm-plan.ts's and translate.ts's; this
// module reads the swarm, calls them and sends what they decided.
import { BatonError } from '../../../shared/errors.ts';
import type { StackApplyParams } from '../../../shared/api.ts';
import type { SwarmPlan, SwarmServiceRow, SwarmTaskRow } from '../../../shared/cluster.ts';
import type { EventLog } from '../events/event-log.ts';
import { parseApplied } from '../stacks/applied-stack.ts';
import { DocumentLocator, parseYaml } from '../stacks/spec/yaml-source.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import { planServices, updateBody, type CurrentService } from './swarm-plan.ts';
import type { SwarmEngine, SwarmServiceAnswer } from './swarm-engine.ts';
import { STACK_NAMESPACE_LABEL, swarmServiceName, translateStack } from './translate.ts';

export class SwarmStacks {
  constructor(private readonly deps: { clusters: ClusterRegistry; events: EventLog }) {}

  async apply(cluster: string, params: StackApplyParams): Promise<SwarmPlan> {
    const parsed = parseApplied(params);
    const stack = parsed.stack;
    const { services, notes } = translateStack(stack);
    const locator = new DocumentLocator(parseYaml(params.source, params.file).source);
    const noteRows = notes.map((n) => ({ ...n, line: locator.place(n.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), 'key').line }));
    const refused = noteRows.filter((n) => n.severity === 'error');
    if (refused.length > 0) {
      throw new BatonError(
        'INVALID_INPUT',
        `The stack ${stack.name} cannot run on the Swarm cluster ${cluster} as written; nothing was applied:\n${refused.map((n) => `${params.file}:${n.line}: ${n.path}: ${n.message}`).join('\n')}`,
        { notes: noteRows },
        'Change those keys, or apply the stack to Baton\'s own cluster (leave --cluster out).',
      );
    }
    const pairs = stack.services.map((s, i) => ({ service: s.name, spec: services[i]! }));
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const current = await this.current(engine, stack.name);
      const plan = planServices(pairs, current);
      if (params.dryRun !== true) {
        for (const entry of plan) {
          const want = pairs.find((p) => p.service === entry.service)!.spec;
          const have = current.get(entry.swarmService);
          if (entry.action === 'create') await engine.create(want);
          else if (entry.action === 'update' && have) await engine.update(have.id, have.version, updateBody(want, have.spec));
        }
        const changed = plan.filter((e) => e.action !== 'unchanged');
        this.deps.events.append({
          kind: 'cluster.applied',
          stack: stack.name,
          message: `Stack ${stack.name} applied to Swarm cluster ${cluster}: ${changed.length === 0 ? 'nothing changed' : changed.map((e) => `${e.service} ${e.action === 'create' ? 'created' : 'updated'}`).join(', ')}`,
          data: { cluster, plan },
        });
      }
      return { cluster, stack: stack.name, dryRun: params.dryRun === true, services: plan, notes: noteRows };
    });
  }

  async services(cluster: string, stack?: string): Promise<SwarmServiceRow[]> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const answers = await engine.services(stack);
      const tasks = await engine.tasks(answers.map((s) => s.ID));
      return answers.map((s) => rowOf(s, tasks.filter((t) => t.ServiceID === s.ID && t.Status.State === 'running' && t.DesiredState === 'running').length)).sort((a, b) => a.swarmService.localeCompare(b.swarmService));
    });
  }

  async tasks(cluster: string, stack?: string): Promise<SwarmTaskRow[]> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const answers = await engine.services(stack);
      const [tasks, nodes] = await Promise.all([engine.tasks(answers.map((s) => s.ID)), engine.nodes()]);
      const nodeName = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
      const serviceName = new Map(answers.map((s) => [s.ID, s.Spec.Name]));
      return tasks
        .map((t) => ({
          id: t.ID,
          name: `${serviceName.get(t.ServiceID) ?? t.ServiceID}.${t.Slot ?? 0}`,
          service: serviceName.get(t.ServiceID) ?? t.ServiceID,
          slot: t.Slot ?? 0,
          node: nodeName.get(t.NodeID) ?? t.NodeID ?? '', // a task not assigned yet has no node
          image: t.Spec.ContainerSpec.Image,
          desired: t.DesiredState,
          state: t.Status.State,
          error: t.Status.Err ?? null,
          since: t.Status.Timestamp,
        }))
        .sort((a, b) => a.service.localeCompare(b.service) || a.slot - b.slot || b.since.localeCompare(a.since));
    });
  }

  /** `targets`: "stack/service" or a service name found in one stack of the swarm. */
  async scale(cluster: string, targets: { service: string; replicas: number }[]): Promise<SwarmServiceRow[]> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const all = await engine.services();
      const scaled: SwarmServiceAnswer[] = [];
      for (const target of targets) {
        const service = resolveService(all, target.service, cluster);
        await engine.update(service.ID, service.Version.Index, { ...service.Spec, Mode: { Replicated: { Replicas: target.replicas } } });
        scaled.push(service);
        this.deps.events.append({ kind: 'cluster.scaled', stack: service.Spec.Labels[STACK_NAMESPACE_LABEL] ?? null, message: `${service.Spec.Name} on Swarm cluster ${cluster} scaled to ${target.replicas}`, data: { cluster, replicas: target.replicas } });
      }
      const after = await engine.services();
      return after.filter((s) => scaled.some((x) => x.ID === s.ID)).map((s) => rowOf(s, 0));
    });
  }

  private async current(engine: SwarmEngine, stack: string): Promise<Map<string, CurrentService>> {
    const answers = await engine.services(stack);
    return new Map(answers.map((s) => [s.Spec.Name, { id: s.ID, version: s.Version.Index, spec: s.Spec }]));
  }
}

/** The service `ref` names: "stack/service", a service of one stack, or the Swarm service's own name. */
export function resolveService(all: SwarmServiceAnswer[], ref: string, cluster: string): SwarmServiceAnswer {
  const [stack, name] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
  const matches = all.filter((s) => {
    const ns = s.Spec.Labels[STACK_NAMESPACE_LABEL];
    return ns !== undefined && (stack === undefined ? s.Spec.Name === swarmServiceName(ns, name!) || s.Spec.Name === name : s.Spec.Name === swarmServiceName(stack, name!));
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new BatonError('NOT_FOUND', `There is no service ${ref} on the Swarm cluster ${cluster}.`, { service: ref }, `See its services with: baton ls --cluster ${cluster}`);
  throw new BatonError('INVALID_INPUT', `${ref} names a service of several stacks on the Swarm cluster ${cluster}.`, { service: ref }, 'Say which: STACK/SERVICE.');
}

function rowOf(s: SwarmServiceAnswer, running: number): SwarmServiceRow {
  const stack = s.Spec.Labels[STACK_NAMESPACE_LABEL] ?? '';
  const prefix = `${stack}_`;
  return {
    stack,
    service: s.Spec.Name.startsWith(prefix) ? s.Spec.Name.slice(prefix.length) : s.Spec.Name,
    swarmService: s.Spec.Name,
    id: s.ID,
    image: s.Spec.TaskTemplate.ContainerSpec.Image,
    desired: s.Spec.Mode.Replicated?.Replicas ?? 0,
    running,
    update: s.UpdateStatus?.State ?? null,
    ports: (s.Endpoint?.Ports ?? []).map((p) => `${p.PublishedPort ?? ''}:${p.TargetPort}/${p.Protocol}${p.PublishMode === 'host' ? ' (host)' : ''}`),
  };
}
