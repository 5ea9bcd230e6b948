// A swarm's nodes as Baton shows hosts, pure: GET /nodes answers → rows; a node named by a person
// (hostname or ID, or an ID's prefix as docker node takes it) → the one node; the spec that sets a
// node's availability. Swarm updates a node only at the version it was read at, so the caller sends
// the answer's Version.Index with the spec made here.
import { BatonError } from '../../../shared/errors.ts';
import type { NodeAvailability, SwarmNodeRow } from '../../../shared/cluster.ts';

/** A node as GET /nodes answers, in the part Baton reads; Spec is sent back whole on an update. */
export interface SwarmNodeAnswer {
  ID: string;
  Version?: { Index?: number };
  Spec?: { Availability?: string; Role?: string; Labels?: Record<string, string>; Name?: string } & Record<string, unknown>;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Status?: { State?: string; Addr?: string; Message?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string } | null;
}

function availabilityOf(raw: string | undefined): NodeAvailability {
  return raw === 'pause' || raw === 'drain' ? raw : 'active';
}

export function nodeRow(n: SwarmNodeAnswer): SwarmNodeRow {
  const ms = n.ManagerStatus ?? null;
  const reach = ms?.Reachability;
  const state = n.Status?.State ?? 'unknown';
  // a manager's Status.Addr may be 0.0.0.0 (it listens on all addresses): its raft address says where it is
  const statusAddr = n.Status?.Addr && n.Status.Addr !== '0.0.0.0' ? n.Status.Addr : '';
  const address = statusAddr || (typeof ms?.Addr === 'string' ? ms.Addr.replace(/:\d+$/, '') : '');
  const message = n.Status?.Message?.trim() ?? '';
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    address,
    role: ms ? 'manager' : 'worker',
    manager: ms ? { leader: ms.Leader === true, reachability: reach === 'reachable' || reach === 'unreachable' ? reach : 'unknown' } : null,
    availability: availabilityOf(n.Spec?.Availability),
    state,
    engine: n.Description?.Engine?.EngineVersion ?? '',
    message: state === 'ready' || message === '' ? null : message,
  };
}

/** The rows in hostname order: managers and workers alike. */
export function nodeRows(nodes: SwarmNodeAnswer[]): SwarmNodeRow[] {
  return nodes.map(nodeRow).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

/**
 * The node `ref` names: its hostname, its ID, or a unique prefix of its ID. NOT_FOUND with the
 * nodes there are; INVALID_INPUT when a hostname or a prefix fits several.
 */
export function resolveNode(nodes: SwarmNodeAnswer[], ref: string, cluster: string): SwarmNodeAnswer {
  const exact = nodes.filter((n) => n.ID === ref || n.Description?.Hostname === ref);
  const found = exact.length > 0 ? exact : ref.length >= 3 ? nodes.filter((n) => n.ID.startsWith(ref)) : [];
  if (found.length === 1) return found[0]!;
  const names = nodes.map((n) => n.Description?.Hostname ?? n.ID).sort();
  if (found.length === 0) {
    throw new BatonError('NOT_FOUND', `The Swarm cluster ${cluster} has no node ${ref}.`, { cluster, node: ref, nodes: names }, `Its nodes are: ${names.join(', ') || '(none)'} (baton host ls --cluster ${cluster}).`);
  }
  throw new BatonError('INVALID_INPUT', `${ref} fits several nodes of the Swarm cluster ${cluster}: ${found.map((n) => `${n.Description?.Hostname ?? '?'} (${n.ID})`).join(', ')}.`, { cluster, node: ref }, 'Name the node by its ID (baton host ls --cluster NAME --json shows them).');
}

/** The node's spec with its availability set: everything else as the node has it, so nothing else changes. */
export function availabilitySpec(node: SwarmNodeAnswer, availability: NodeAvailability): Record<string, unknown> {
  return { ...(node.Spec ?? {}), Role: node.Spec?.Role ?? (node.ManagerStatus ? 'manager' : 'worker'), Availability: availability };
}
