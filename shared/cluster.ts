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
  /** The manager a Swarm cluster is reached by now ("user@address:port": the one that answered last); null for Baton's own. */
  target: z.string().nullable(),
  /** A Swarm cluster's managers Baton knows, in the order given; learned: found in the node list, not given when added. Empty for Baton's own. */
  knownManagers: z.array(z.object({ target: z.string(), learned: z.boolean() })),
  /** For Baton's own cluster: its hosts' names. For a Swarm: its managers as the swarm lists them (empty when no manager answers). */
  managers: z.array(SwarmManager),
  /** Managers reachable / total; for Baton's own cluster, hosts ready / total. */
  quorum: z.object({ reachable: z.number().int(), total: z.number().int(), ok: z.boolean() }),
  /** Why the cluster could not be read right now, in words a person can act on; null when it was. */
  problem: z.string().nullable(),
  /** The Swarm's ID (`GET /info` Swarm.Cluster.ID); null for Baton's own. */
  swarmId: z.string().nullable(),
  addedAt: z.string().nullable(),
  /** The current cluster: the one commands act on when they are given no --cluster (see cluster.use). */
  current: z.boolean(),
});
export type Cluster = z.infer<typeof Cluster>;

/** The cluster commands act on without --cluster: "local" (Baton's own) or a Swarm cluster's name. */
export const CurrentCluster = z.object({ name: z.string(), kind: ClusterKind });
export type CurrentCluster = z.infer<typeof CurrentCluster>;

export const ClusterAddParams = z
  .object({
    name: ClusterName,
    /** The Swarm manager to reach, `user@address[:port]` or an alias from ~/.ssh/config; several managers as a comma list. */
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

/** What applying a stack to a Swarm cluster does (or would do, with dryRun) per service. */
export const SwarmPlanEntry = z.object({
  service: z.string(),
  /** The Swarm service: `<stack>_<service>`. */
  swarmService: z.string(),
  action: z.enum(['create', 'update', 'unchanged']),
  /** The top-level ServiceSpec fields that change ("TaskTemplate", "Mode", …); empty for create and unchanged. */
  changes: z.array(z.string()),
  replicas: z.number().int(),
});
export type SwarmPlanEntry = z.infer<typeof SwarmPlanEntry>;

export const SwarmNoteRow = z.object({
  service: z.string(),
  path: z.string(),
  /** 1-based line in the stack file; 0 when the path has no place in it. */
  line: z.number().int(),
  severity: z.enum(['error', 'warning', 'onTop']),
  message: z.string(),
});

export const SwarmPlan = z.object({
  cluster: z.string(),
  stack: z.string(),
  dryRun: z.boolean(),
  services: z.array(SwarmPlanEntry),
  /** What Swarm does differently from Baton's own cluster, and what Baton keeps on top. */
  notes: z.array(SwarmNoteRow),
});
export type SwarmPlan = z.infer<typeof SwarmPlan>;

/** A Swarm service of a stack (labelled com.docker.stack.namespace), as `baton ls --cluster` shows it. */
export const SwarmServiceRow = z.object({
  stack: z.string(),
  service: z.string(),
  swarmService: z.string(),
  id: z.string(),
  image: z.string(),
  desired: z.number().int(),
  running: z.number().int(),
  /** Swarm's UpdateStatus.State ("updating", "completed", "rollback_completed", …), null when never updated. */
  update: z.string().nullable(),
  ports: z.array(z.string()),
});
export type SwarmServiceRow = z.infer<typeof SwarmServiceRow>;

export const SwarmTaskRow = z.object({
  id: z.string(),
  /** `<stack>_<service>.<slot>`, as docker service ps names a task. */
  name: z.string(),
  service: z.string(),
  slot: z.number().int(),
  node: z.string(),
  image: z.string(),
  desired: z.string(),
  state: z.string(),
  error: z.string().nullable(),
  since: z.string(),
});
export type SwarmTaskRow = z.infer<typeof SwarmTaskRow>;

/** A node of a Swarm cluster, as `baton host ls --cluster` shows it (GET /nodes). */
export const SwarmNodeRow = z.object({
  id: z.string(),
  hostname: z.string(),
  address: z.string(),
  role: z.enum(['manager', 'worker']),
  /** For a manager: whether it leads raft, and whether the others reach it; null for a worker. */
  manager: z.object({ leader: z.boolean(), reachability: z.enum(['reachable', 'unreachable', 'unknown']) }).nullable(),
  /** Whether the scheduler gives it tasks: active; pause (keeps its tasks, takes no new ones); drain (its tasks move away). */
  availability: z.enum(['active', 'pause', 'drain']),
  /** Swarm's Status.State: ready, down, disconnected, unknown. */
  state: z.string(),
  /** The node's Docker engine version. */
  engine: z.string(),
  /** Swarm's Status.Message when it says why the node is not ready ("heartbeat failure"), else null. */
  message: z.string().nullable(),
});
export type SwarmNodeRow = z.infer<typeof SwarmNodeRow>;

export const NodeAvailability = z.enum(['active', 'pause', 'drain']);
export type NodeAvailability = z.infer<typeof NodeAvailability>;

/**
 * Where a Swarm service's rolling update is, from its UpdateStatus: none (never updated), updating,
 * paused (Swarm paused it: a task failed with update_config failure_action pause), completed,
 * rolling-back, rollback-paused, rolled-back.
 */
export const SwarmRolloutPhase = z.enum(['none', 'updating', 'paused', 'completed', 'rolling-back', 'rollback-paused', 'rolled-back']);
export type SwarmRolloutPhase = z.infer<typeof SwarmRolloutPhase>;

/** `baton rollout status SERVICE --cluster X`: Swarm's update of one service, and its tasks now. */
export const SwarmRolloutStatus = z.object({
  cluster: z.string(),
  stack: z.string(),
  service: z.string(),
  swarmService: z.string(),
  phase: SwarmRolloutPhase,
  /** Swarm's UpdateStatus.State as it said it ("rollback_completed"), null when never updated. */
  state: z.string().nullable(),
  /** Swarm's UpdateStatus.Message ("update paused due to failure or early termination of task …"), null when none. */
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  image: z.string(),
  /** The image of the spec Swarm keeps as the previous one (what undo goes back to); null when there is none. */
  previousImage: z.string().nullable(),
  desired: z.number().int(),
  /** Tasks running now, and how many of them run the current spec's image. */
  running: z.number().int(),
  runningCurrent: z.number().int(),
  /** update_config's failure_action: what Swarm does when a new task fails (pause, continue, rollback). */
  failureAction: z.string(),
});
export type SwarmRolloutStatus = z.infer<typeof SwarmRolloutStatus>;

/** `baton rollout history SERVICE --cluster X`: Swarm keeps two specs, the current one and the one before. */
export const SwarmHistoryEntry = z.object({
  which: z.enum(['previous', 'current']),
  image: z.string(),
  replicas: z.number().int(),
  /** For the current spec: the top-level fields that differ from the previous one. */
  changes: z.array(z.string()),
});
export type SwarmHistoryEntry = z.infer<typeof SwarmHistoryEntry>;
