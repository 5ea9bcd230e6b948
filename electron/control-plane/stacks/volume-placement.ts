// Before a stack is applied: can every host-local named volume stay on one host with all of its
// users? A volume's data is on one host, so the replicas of every service that mounts it must fit
// on that host together; a file that asks otherwise (two replicas at most one per host, users
// constrained to different hosts) is refused, saying which volume and why, rather than deployed
// with replicas that never start, or with an empty copy of the data on a second host.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { isHostLocal, volumeEngineName } from '../../../shared/volume.ts';
import { placeReplicas } from '../scheduler/place-replicas.ts';
import { withReplica } from '../scheduler/host-state.ts';
import type { HostCandidate } from '../scheduler/types.ts';

/**
 * `hosts`: every host as if empty (nothing reserved), with the volumes it has. Returns one problem
 * per volume whose users fit on no host together; [] when all do.
 */
export function volumePlacementProblems(services: readonly ServiceSpec[], hosts: readonly HostCandidate[], strategy: 'spread' | 'binpack'): string[] {
  const users = new Map<string, { source: string; services: ServiceSpec[] }>();
  for (const spec of services) {
    if (spec.replicas === 0) continue;
    for (const mount of spec.volumes.filter(isHostLocal)) {
      const name = volumeEngineName(spec.stack, mount);
      const entry = users.get(name) ?? { source: mount.source!, services: [] };
      if (!entry.services.includes(spec)) entry.services.push(spec);
      users.set(name, entry);
    }
  }
  const problems: string[] = [];
  for (const [name, { source, services: group }] of users) {
    const holders = hosts.filter((h) => h.volumes?.includes(name));
    // a holder that is down now still has the data: judged as if up, its replicas wait for it
    const where = (holders.length > 0 ? holders : hosts).map((h): HostCandidate => ({ ...h, ready: true, drained: false }));
    const why: string[] = [];
    const fits = where.some((host) => {
      let current: HostCandidate = host;
      for (const spec of group) {
        const placed = placeReplicas({ service: spec, count: spec.replicas, strategy }, [current]);
        if (placed.unplaced > 0) {
          why.push(`on ${host.name}, ${spec.name} ${placed.hosts.length === 0 ? 'can\'t run' : `can run ${placed.hosts.length} of its ${spec.replicas} replicas`}: ${placed.verdicts[0]?.reason ?? 'no room'}`);
          return false;
        }
        // the group's replicas share the host: the next service is judged with these counted in
        for (let i = 0; i < spec.replicas; i++) current = withReplica(current, spec);
      }
      return true;
    });
    if (fits) continue;
    const usedBy = group.map((s) => `${s.name} (${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'})`).join(', ');
    problems.push(
      `volume \`${source}\` (${name}) keeps its data on one host${holders.length > 0 ? `, ${holders.map((h) => h.name).join(' and ')}` : ''}, so all that use it must run there together: ${usedBy}; but ${why.join('; ')}. ` +
        'Put the volume on storage every host reaches (the local driver with driver_opts type: nfs), or let its users share one host (fewer replicas, no max_replicas_per_node, constraints that agree).',
    );
  }
  return problems;
}
