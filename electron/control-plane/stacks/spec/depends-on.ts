// `depends_on`, short form (a list of names) and long form (name → condition, required, restart):
// read into ServiceSpec.dependsOn and checked across the stack (each names a service of the stack,
// and no chain of them goes round in a circle).
import type { DependsOn } from '../../../../shared/stack.ts';
import type { Path, ProblemList } from './problems.ts';
import { didYouMean } from './suggest.ts';
import { isDict } from './values.ts';

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'] as const;

export interface DependencyEntry extends DependsOn {
  at: Path;
}

export function readDependsOn(path: Path, value: unknown): DependencyEntry[] {
  if (Array.isArray(value)) {
    return value.flatMap((name, i) => (typeof name === 'string' ? [{ service: name, condition: 'service_started' as const, required: true, restart: false, at: [...path, i] }] : []));
  }
  if (!isDict(value)) return [];
  const out: DependencyEntry[] = [];
  for (const [service, options] of Object.entries(value)) {
    const o = isDict(options) ? options : {};
    const condition = CONDITIONS.find((c) => c === o.condition) ?? 'service_started';
    out.push({ service, condition, required: o.required !== false, restart: o.restart === true, at: [...path, service] });
  }
  return out;
}

/** Every dependency names a service of the stack (or one a profile leaves out, said so), and none goes round. */
export function checkDependencies(problems: ProblemList, services: { name: string; dependsOn: DependencyEntry[] }[], leftOut: ReadonlyMap<string, string[]>): void {
  const names = new Set(services.map((s) => s.name));
  for (const s of services) {
    for (const d of s.dependsOn) {
      if (names.has(d.service) || !d.required) continue;
      const profiles = leftOut.get(d.service);
      if (profiles) {
        problems.error(d.at, `depends on \`${d.service}\`, which is left out: none of its profiles (${profiles.join(', ')}) is active; activate one (--profile ${profiles[0] ?? ''}), or mark the dependency \`required: false\``, { at: 'key' });
      } else {
        problems.error(d.at, `depends on \`${d.service}\`, which is not a service of this stack${didYouMean(d.service, names)}`, isArrayEntry(d.at) ? {} : { at: 'key' });
      }
    }
  }
  // a circle: depth-first from each service, in file order, each circle said once
  const edges = new Map(services.map((s) => [s.name, s.dependsOn.filter((d) => names.has(d.service))]));
  const done = new Set<string>();
  const visit = (name: string, stack: string[]): void => {
    if (done.has(name)) return;
    const at = stack.indexOf(name);
    if (at >= 0) {
      const circle = [...stack.slice(at), name];
      const from = stack[stack.length - 1]!;
      const entry = edges.get(from)!.find((d) => d.service === name)!;
      problems.error(entry.at, `\`depends_on\` goes round in a circle: ${circle.join(' → ')}; a service can't start after itself: remove one of these dependencies`, isArrayEntry(entry.at) ? {} : { at: 'key' });
      return;
    }
    for (const d of edges.get(name) ?? []) visit(d.service, [...stack, name]);
    done.add(name);
  };
  for (const s of services) visit(s.name, []);
}

function isArrayEntry(path: Path): boolean {
  return typeof path[path.length - 1] === 'number';
}

/** The spec's field: the dependencies on services of the stack, without where they were written. */
export function dependsOnSpec(entries: DependencyEntry[], known: ReadonlySet<string>): DependsOn[] {
  return entries.filter((d) => known.has(d.service)).map(({ service, condition, required, restart }) => ({ service, condition, required, restart }));
}
