import type { ServiceSpec } from '../../../shared/stack.ts';
export function diffSpecs(_a: ServiceSpec, _b: ServiceSpec): { field: string; before: string | null; after: string | null }[] {
  return [];
}
