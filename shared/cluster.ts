// The clusters a control plane knows: its own ("local", always there: the hosts Baton itself
// orchestrates) and Docker Swarms it drives through a manager's Docker API. The contract's types;
// the methods are in shared/api.ts.
import { z } from 'zod';
import { HOST_NAME_PATTERN } from './host-name.ts';

/** Baton's own cluster: always there, never added or removed. */
export const LOCAL_CLUSTER = 'local';

export const ClusterName = z
  .string()
  .regex(HOST_NAME_PATTERN, 'a cluster name is 1-63 letters, digits, "-", "_" or ".", starting with a letter or digit');

export const ClusterKind = z.enum(['baton', 'swarm']);
export type ClusterKind = z.infer<typeof ClusterKind>;

/** One manager of a Swarm cluster, as `GET /nodes` on a manager reports it. */
export const SwarmManager = z.object({
  hostname: z.string(),
  address: z.string(),
  /** 'reachable' or 'unreachable' (Swarm's ManagerStatus.Reachability), 'unknown' when not said. */
  reachability: z.enum(['reachable', 'unreachable', 'unknown']),
  leader: z.boolean(),
});
export type SwarmManager = z.infer<typeof SwarmManager>;

export const Cluster = z.object({
  name: ClusterName,
  kind: ClusterKind,
  /** A Swarm cluster's SSH target as added ("user@address:port"); null for Baton's own. */
  target: z.string().nullable(),
  /** For Baton's own cluster: its hosts' names. For a Swarm: its managers as the swarm lists them (empty when no manager answers). */
  managers: z.array(SwarmManager),
  /** Managers reachable / total; for Baton's own cluster, hosts ready / total. */
  quorum: z.object({ reachable: z.number().int(), total: z.number().int(), ok: z.boolean() }),
  /** Why the cluster could not be read right now, in words a person can act on; null when it was. */
  problem: z.string().nullable(),
  /** The Swarm's ID (`GET /info` Swarm.Cluster.ID); null for Baton's own. */
  swarmId: z.string().nullable(),
  addedAt: z.string().nullable(),
});
export type Cluster = z.infer<typeof Cluster>;

export const ClusterAddParams = z
  .object({
    name: ClusterName,
    /** The Swarm manager to reach, `user@address[:port]` or an alias from ~/.ssh/config. */
    swarm: z.string().min(1),
    identityFile: z.string().optional(),
    passphrase: z.string().optional(),
    agentSocket: z.string().optional(),
    hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: followed by 43 base64 characters').optional(),
    trustNewHostKey: z.boolean().optional(),
  })
  .strict();
export type ClusterAddParams = z.input<typeof ClusterAddParams>;

export const ClusterRef = z.object({ name: ClusterName }).strict();
