// What a service's replicas reach and are reached by, as the plan shows it before anything runs:
// each port with where it answers from, each bind mount, and what of it reaches into the host.
import type { PlanBindMount, PlanPort, ServicePlan } from '../../../shared/api.ts';
import type { PortSpec, ServiceSpec } from '../../../shared/stack.ts';
import { bindHostAccess, hostAccessOf } from './spec/host-access.ts';

export function portReach(p: PortSpec): PlanPort['reach'] {
  if (p.exposeOnly) return 'internal';
  if (p.published === null) return 'random';
  return p.mode === 'ingress' ? 'ingress' : 'host';
}

/** A port as the plan and the service's status show it. */
export function planPort(p: PortSpec): PlanPort {
  return { target: p.target, protocol: p.protocol, published: p.published, reach: portReach(p), ...(p.hostIp !== undefined ? { hostIp: p.hostIp } : {}) };
}

export function planReach(spec: ServiceSpec): Pick<ServicePlan, 'binds' | 'ports' | 'hostAccess'> {
  const ports = spec.ports.map(planPort);
  const binds = spec.volumes
    .filter((v) => v.type === 'bind' && v.source !== null)
    .map((v): PlanBindMount => ({ source: v.source!, target: v.target, readOnly: v.readOnly, hostAccess: bindHostAccess(v.source!) }));
  return { binds, ports, hostAccess: hostAccessOf(spec) };
}

export const NO_REACH: Pick<ServicePlan, 'binds' | 'ports' | 'hostAccess'> = { binds: [], ports: [], hostAccess: [] };
