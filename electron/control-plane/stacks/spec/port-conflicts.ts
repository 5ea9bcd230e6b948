// A published port belongs to one service: the ingress answers it on every host.
import type { PortEntry } from './ports.ts';
import { dotted, type ProblemList } from './problems.ts';

export function checkPortConflicts(problems: ProblemList, services: { name: string; ports: PortEntry[] }[]): void {
  const byPort = new Map<string, { service: string; entry: PortEntry }[]>();
  for (const { name, ports } of services) {
    for (const entry of ports) {
      if (entry.spec.published === null) continue;
      const key = `${entry.spec.published}/${entry.spec.protocol}`;
      byPort.set(key, [...(byPort.get(key) ?? []), { service: name, entry }]);
    }
  }
  for (const [port, users] of byPort) {
    if (users.length < 2) continue;
    users.forEach(({ service, entry }, i) => {
      const others = users.filter((u) => u.service !== service);
      if (others.length > 0) {
        const names = others.map((o) => `\`${o.service}\` (${dotted(o.entry.path)})`).join(', ');
        problems.error(entry.path, `published port ${port} is also published by service ${names}: a published port belongs to one service; change one of them`);
      } else {
        // Twice in one service: say it once, at the second place.
        const first = users.find((u) => u.service === service);
        if (first && first.entry !== entry && users.indexOf(first) < i) {
          problems.error(entry.path, `published port ${port} is published twice by this service (also at ${dotted(first.entry.path)}): publish it once`);
        }
      }
    });
  }
}
