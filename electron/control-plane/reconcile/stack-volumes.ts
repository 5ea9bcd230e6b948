// A replica's named volumes, made on its host before it is created: as the stack declares them
// (driver, driver_opts, labels), rather than the plain local volume the engine would make by
// itself. Labelled, so `baton volume ls` and `baton rm --volumes` know them for the stack's.
import type { VolumeMount } from '../../../shared/stack.ts';
import { volumeEngineName } from '../../../shared/volume.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Engine } from '../hosts/engine.ts';
import type { ClusterState } from './cluster-state.ts';

export const VOLUME_LABEL = { stack: 'baton.stack', volume: 'baton.volume' } as const;

export interface StackVolumeDeps {
  state: ClusterState;
  events: EventLog;
  clusterId: string;
}

/** Named volumes of a service as `{ mount, name }`: anonymous ones are the engine's to make. */
export function namedVolumes(stack: string, volumes: readonly VolumeMount[]): { mount: VolumeMount; name: string }[] {
  const seen = new Set<string>();
  const out: { mount: VolumeMount; name: string }[] = [];
  for (const mount of volumes) {
    if (mount.type !== 'volume' || mount.source === null) continue;
    const name = volumeEngineName(stack, mount);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ mount, name });
  }
  return out;
}

export async function ensureStackVolumes(deps: StackVolumeDeps, engine: Engine, stack: string, service: string, volumes: readonly VolumeMount[]): Promise<void> {
  for (const { mount, name } of namedVolumes(stack, volumes)) {
    const found = await engine.inspectVolume(name);
    if (found) {
      deps.state.upsertVolume(engine.host, found);
      continue;
    }
    if (mount.external) {
      throw new Error(`external volume ${name} is not on ${engine.host}: create it there (docker volume create ${name}), or drop \`external: true\` from volume \`${mount.source}\` to have Baton create it`);
    }
    const labels = { ...mount.labels, 'baton.cluster': deps.clusterId, [VOLUME_LABEL.stack]: stack, [VOLUME_LABEL.volume]: mount.source! };
    try {
      await engine.createVolume(name, mount.driverOpts ?? {}, labels, mount.driver ?? 'local');
    } catch (err) {
      throw new Error(`could not create volume ${name} on ${engine.host} (${(err as Error).message}): check the volume's driver and driver_opts in the stack file`, { cause: err });
    }
    const created = await engine.inspectVolume(name);
    if (created) deps.state.upsertVolume(engine.host, created);
    deps.events.append({
      kind: 'volume.created',
      host: engine.host,
      stack,
      service,
      message: `volume ${name} created on ${engine.host}${mount.driver ? ` (driver ${mount.driver})` : ''}${mount.driverOpts?.['type'] ? ` (${mount.driverOpts['type']})` : ''}`,
      data: { volume: name, driver: mount.driver ?? 'local' },
    });
  }
}
