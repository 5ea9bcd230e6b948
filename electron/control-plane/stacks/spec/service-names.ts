// Service names across a stack: Docker's DNS answers names whatever their case, so two services
// whose names differ only in case would answer to one name on Baton's network.
import type { ProblemList } from './problems.ts';

export function checkServiceNames(problems: ProblemList, names: readonly string[]): void {
  const byLower = new Map<string, string>();
  for (const name of names) {
    const other = byLower.get(name.toLowerCase());
    if (other !== undefined && other !== name) {
      problems.error(['services', name], `service names \`${other}\` and \`${name}\` differ only in case, and Docker's DNS answers names whatever their case: both would be reached as ${name.toLowerCase()}; rename one`, { at: 'key' });
    } else byLower.set(name.toLowerCase(), name);
  }
}
