// A Swarm cluster's nodes as hosts: listed, drained and activated through a manager's API (node
// update at the version read). What the answers mean is nodes.ts's.
import type { NodeAvailability, SwarmNodeRow } from '../../../shared/cluster.ts';
import type { EventLog } from '../events/event-log.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import { availabilitySpec, nodeRow, nodeRows, resolveNode } from './nodes.ts';

export class SwarmNodes {
  constructor(private readonly deps: { clusters: ClusterRegistry; events: EventLog }) {}

  list(cluster: string): Promise<SwarmNodeRow[]> {
    return this.deps.clusters.withManager(cluster, async (engine) => nodeRows(await engine.nodes()));
  }

  /** Sets the node's availability (drain: Swarm moves its tasks to other nodes; active: it takes tasks again). */
  setAvailability(cluster: string, ref: string, availability: NodeAvailability): Promise<SwarmNodeRow> {
    return this.deps.clusters.withManager(cluster, async (engine) => {
      const node = resolveNode(await engine.nodes(), ref, cluster);
      const before = nodeRow(node);
      if (before.availability !== availability) {
        await engine.updateNode(node.ID, node.Version?.Index ?? 0, availabilitySpec(node, availability));
        this.deps.events.append({
          kind: 'cluster.node',
          message: `Node ${before.hostname} of Swarm cluster ${cluster}: availability ${before.availability} → ${availability}${availability === 'drain' ? ' (Swarm moves its tasks to other nodes)' : ''}`,
          data: { cluster, node: before.hostname, availability },
        });
      }
      const after = (await engine.nodes()).find((n) => n.ID === node.ID);
      return after ? nodeRow(after) : { ...before, availability };
    });
  }
}
