// How the stacks view words things: a service's state, a stack's age, a plan's action.
import type { ServiceStatus, StackPlan } from '../../../../shared/api.ts';
import { isConverged } from '../../../../shared/service-status.ts';

export type ServiceTone = 'stopped' | 'healthy' | 'converging' | 'pending' | 'failing';

/** Where a service stands against what was asked of it. */
export function serviceTone(service: Pick<ServiceStatus, 'revision' | 'desired' | 'running' | 'available' | 'unknown' | 'revisions' | 'pending'>): ServiceTone {
  if (service.desired === 0) return service.running === 0 && service.unknown === 0 ? 'stopped' : 'converging';
  if (isConverged(service)) return 'healthy';
  if (service.pending !== null) return 'pending';
  if (service.unknown > 0 || (service.running >= service.desired && service.available < service.desired)) return 'failing';
  return 'converging';
}

/** "3/3 healthy", "2/2 running (no health check)", "2/3 available, 1 unknown": the counts in a few words. */
export function countsText(service: Pick<ServiceStatus, 'desired' | 'healthy' | 'available' | 'noHealthCheck' | 'unknown'>): string {
  const unknown = service.unknown > 0 ? `, ${service.unknown} unknown` : '';
  if (service.desired > 0 && service.healthy === service.available) return `${service.healthy}/${service.desired} healthy${unknown}`;
  if (service.desired > 0 && service.noHealthCheck === service.available) return `${service.available}/${service.desired} running (no health check)${unknown}`;
  return `${service.available}/${service.desired} available${unknown}`;
}

export const TONE_LABEL: Record<ServiceTone, string> = {
  stopped: 'Scaled to 0',
  healthy: 'Healthy',
  converging: 'Starting',
  pending: 'Waiting for room',
  failing: 'Not available yet',
};

/** "just now", "4 min ago", "3 h ago", "2 d ago", then the date. */
export function formatAge(iso: string, now: Date = new Date()): string {
  const time = new Date(iso);
  const seconds = Math.round((now.getTime() - time.getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return time.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: time.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
}

/** "2 to create, 1 to update" — what a plan would change, or that it changes nothing. */
export function summarizePlan(plan: StackPlan): string {
  const counts = new Map<string, number>();
  for (const service of plan.services) counts.set(service.action, (counts.get(service.action) ?? 0) + 1);
  const parts = (['create', 'update', 'scale', 'remove'] as const)
    .filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} to ${action}`);
  return parts.length === 0 ? 'Nothing to change' : parts.join(', ');
}

/** Every service of the applied stack runs its desired replicas, available; removed ones are gone. */
export function hasConverged(plan: StackPlan, services: readonly ServiceStatus[]): boolean {
  return plan.services.every((step) => {
    const live = services.find((s) => s.stack === plan.stack && s.name === step.name);
    if (step.action === 'remove') return live === undefined;
    return live !== undefined && live.revision >= (step.revision ?? 0) && serviceTone(live) === (live.desired === 0 ? 'stopped' : 'healthy');
  });
}
