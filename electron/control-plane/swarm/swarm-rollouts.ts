// Rollout verbs and logs on a Swarm cluster, through a manager's API: status and history read the
// service's UpdateStatus and its two specs; undo is Swarm's rollback; resume updates the service
// again; pause is refused (rollout-status.ts says why); logs come from the service logs endpoint.
import type { LogLine } from '../../../shared/api.ts';
import type { SwarmHistoryEntry, SwarmRolloutStatus } from '../../../shared/cluster.ts';
import { toErrorBody, type ErrorBody } from '../../../shared/errors.ts';
import type { EventLog } from '../events/event-log.ts';
import { DockerLogDecoder } from '../logs/docker-log-decoder.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import { checkResume, checkUndo, historyOf, pauseRefusal, rolloutStatus } from './rollout-status.ts';
import { serviceLogLine } from './service-log-lines.ts';
import type { SwarmEngine, SwarmServiceAnswer } from './swarm-engine.ts';
import { resolveService } from './swarm-stacks.ts';
import { STACK_NAMESPACE_LABEL } from './translate.ts';

export class SwarmRollouts {
  constructor(private readonly deps: { clusters: ClusterRegistry; events: EventLog }) {}

  status(cluster: string, service: string): Promise<SwarmRolloutStatus> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const s = await this.find(engine, cluster, service);
      return rolloutStatus(cluster, s, await engine.tasks([s.ID]));
    });
  }

  history(cluster: string, service: string): Promise<SwarmHistoryEntry[]> {
    return this.deps.clusters.withManager(cluster, async (engine) => historyOf(await this.find(engine, cluster, service)));
  }

  /** Swarm's rollback to the previous spec, under the service's rollback_config. */
  undo(cluster: string, service: string): Promise<SwarmRolloutStatus> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const s = await this.find(engine, cluster, service);
      checkUndo(cluster, s);
      await engine.rollback(s.ID, s.Version.Index, s.Spec);
      this.deps.events.append({ kind: 'cluster.rolled-back', stack: s.Spec.Labels[STACK_NAMESPACE_LABEL] ?? null, message: `${s.Spec.Name} on Swarm cluster ${cluster} rolled back to its previous spec (${s.PreviousSpec?.TaskTemplate.ContainerSpec.Image ?? '?'})`, data: { cluster } });
      const after = await this.find(engine, cluster, service);
      return rolloutStatus(cluster, after, await engine.tasks([after.ID]));
    });
  }

  /** Refused: Swarm takes no request to pause an update. */
  pause(cluster: string, service: string): Promise<SwarmRolloutStatus> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      throw pauseRefusal(cluster, await this.find(engine, cluster, service));
    });
  }

  /** A paused update goes on: the service is updated again with its own spec, as docker service update SERVICE does. */
  resume(cluster: string, service: string): Promise<SwarmRolloutStatus> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const s = await this.find(engine, cluster, service);
      checkResume(cluster, s);
      await engine.update(s.ID, s.Version.Index, s.Spec);
      this.deps.events.append({ kind: 'cluster.resumed', stack: s.Spec.Labels[STACK_NAMESPACE_LABEL] ?? null, message: `The paused update of ${s.Spec.Name} on Swarm cluster ${cluster} goes on (Swarm now keeps this same spec as the previous one)`, data: { cluster } });
      const after = await this.find(engine, cluster, service);
      return rolloutStatus(cluster, after, await engine.tasks([after.ID]));
    });
  }

  /**
   * Streams the service's log (every task's) into `sink` until it ends, fails or is cancelled.
   * The manager's connection stays open for the stream and closes with it.
   */
  logs(params: { cluster: string; service: string; tail?: number | undefined; follow?: boolean | undefined }, sink: { chunk(lines: LogLine[]): void; end(error: ErrorBody | null): void }): () => void {
    const abort = new AbortController();
    let close = () => {};
    const run = async () => {
      const opened = await this.deps.clusters.openManager(params.cluster);
      close = opened.close;
      if (abort.signal.aborted) return;
      const { engine } = opened;
      const s = await this.find(engine, params.cluster, params.service);
      const [tasks, nodes] = await Promise.all([engine.tasks([s.ID]), engine.nodes()]);
      const names = {
        tasks: new Map(tasks.map((t) => [t.ID, `${s.Spec.Name}.${t.Slot ?? 0}`])),
        nodes: new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID])),
        service: s.Spec.Name,
      };
      const response = await engine.serviceLogs(s.ID, { follow: params.follow ?? true, tail: params.tail ?? 200 }, abort.signal);
      const decoder = new DockerLogDecoder({ tty: (s.Spec.TaskTemplate.ContainerSpec as { TTY?: boolean }).TTY === true, timestamps: true });
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          response.destroy();
          resolve();
        };
        abort.signal.addEventListener('abort', onAbort, { once: true });
        response.on('data', (chunk: Buffer) => {
          const lines = decoder.push(chunk);
          if (lines.length > 0) sink.chunk(lines.map((l) => serviceLogLine(l, names)));
        });
        response.on('end', () => {
          const rest = decoder.end();
          if (rest.length > 0) sink.chunk(rest.map((l) => serviceLogLine(l, names)));
          if (decoder.engineError) reject(new Error(`the Docker engine said: ${decoder.engineError}`));
          else resolve();
        });
        response.on('error', (err) => (abort.signal.aborted ? resolve() : reject(err)));
      });
    };
    run().then(
      () => {
        close();
        if (!abort.signal.aborted) sink.end(null);
      },
      (err: unknown) => {
        close();
        if (!abort.signal.aborted) sink.end(toErrorBody(err));
      },
    );
    return () => {
      abort.abort();
      close();
    };
  }

  private async find(engine: SwarmEngine, cluster: string, ref: string): Promise<SwarmServiceAnswer> {
    return resolveService(await engine.services(), ref, cluster);
  }
}
