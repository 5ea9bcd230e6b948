// The one contract between Baton's control plane and everything that drives it: the desktop
// renderer (over Electron IPC), the CLI (over a Unix socket) and remote apps and browser tests
// (over an authenticated WebSocket). Every request is validated against these schemas on the
// control-plane side; the types below are what both sides compile against.
import { z } from 'zod';
import { RevisionEntry, RolloutStatus } from './rollout.ts';
import type { BatonError, ErrorBody } from './errors.ts';
import { REPLICA_CONDITIONS } from './service-status.ts';
import { HOST_NAME_PATTERN } from './host-name.ts';
import { Cluster, ClusterAddParams, ClusterName, ClusterRef, CurrentCluster, NodeAvailability, SwarmHistoryEntry, SwarmNodeRow, SwarmRolloutStatus, SwarmPlan, SwarmServiceRow, SwarmTaskRow } from './cluster.ts';
import { WS_CLOSE_UNAUTHORIZED } from './wire-close.ts';
import { EXEC_INPUT_MAX_CHARS, TERMINAL_MAX_SIZE } from './terminal-limits.ts';
import { ImageInfo, ImageNeed, ImagePushChunk, ImagePushParams } from './images.ts';
import { BuildContexts, PlanBuild } from './builds.ts';
import { MetricSeries, MetricsFrame } from './metrics.ts';
import { AutoscaleStatus } from './autoscale.ts';
import { EVENT_KINDS, type OtherEventKind } from './events.ts';
import { MAX_REPLICAS } from './stack.ts';
import type { ServiceSpec } from './stack.ts';

// The renderer imports only types from here (and zod-free modules such as ./host-name.ts): zod's
// `new Function` probe would be refused and reported by the app's Content-Security-Policy.

// ---------------------------------------------------------------- hosts

export { HOST_NAME_PATTERN };

export const HostName = z
  .string()
  .regex(HOST_NAME_PATTERN, 'a host name is 1-63 letters, digits, "-", "_" or ".", starting with a letter or digit');

export const Labels = z.record(z.string(), z.string());

export const HostState = z.enum(['connecting', 'ready', 'unreachable', 'draining']);
export type HostState = z.infer<typeof HostState>;

export const HostInventory = z.object({
  hostname: z.string(), // what the engine reports as its Name
  os: z.string(), // e.g. "Debian GNU/Linux 12 (bookworm)"
  osType: z.string(), // "linux"
  kernel: z.string(),
  architecture: z.string(), // "x86_64", "aarch64"
  cpus: z.number().int().nonnegative(),
  memoryBytes: z.number().int().nonnegative(),
  dockerVersion: z.string(),
  apiVersion: z.string(),
  engineLabels: z.array(z.string()),
});
export type HostInventory = z.infer<typeof HostInventory>;

export const SshEndpoint = z.object({
  user: z.string(),
  address: z.string(), // DNS name or IP as dialled
  port: z.number().int().min(1).max(65535),
});
export type SshEndpoint = z.infer<typeof SshEndpoint>;

export const Host = z.object({
  name: HostName,
  kind: z.enum(['ssh', 'local']),
  ssh: SshEndpoint.nullable(), // null for a local socket
  socketPath: z.string().nullable(), // the engine's socket (on the host, for ssh hosts)
  auth: z.enum(['key', 'agent', 'none']),
  identityFile: z.string().nullable(),
  hostKeyFingerprint: z.string().nullable(),
  labels: Labels,
  state: HostState,
  stateReason: z.string().nullable(), // why it is not ready, in words a person can act on
  /** 'drain': a person drained it (baton host drain); it takes no new replicas. */
  availability: z.enum(['active', 'drain']).optional(),
  inventory: HostInventory.nullable(),
  addedAt: z.string(),
  lastSeenAt: z.string().nullable(),
});
export type Host = z.infer<typeof Host>;

export const HostAddParams = z
  .object({
    /** `user@address[:port]`, an alias from ~/.ssh/config, or `unix:///path/to/docker.sock`. */
    target: z.string().min(1),
    name: HostName.optional(),
    /** Private key file; default: the alias's IdentityFile, else the agent, else ~/.ssh/id_ed25519 / id_rsa. */
    identityFile: z.string().optional(),
    /** Passphrase of an encrypted key. Stored encrypted; never logged or returned. */
    passphrase: z.string().optional(),
    /** Use this SSH agent socket (the CLI passes its own SSH_AUTH_SOCK). */
    agentSocket: z.string().optional(),
    /** Pin the host key: the connection is accepted only if the key has this SHA256 fingerprint. */
    hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: followed by 43 base64 characters').optional(),
    /** Accept and remember a key never seen before (trust on first use). */
    trustNewHostKey: z.boolean().optional(),
    labels: Labels.optional(),
  })
  .strict();
export type HostAddParams = z.input<typeof HostAddParams>;

export const HostRef = z.object({ name: HostName }).strict();

export const HostDetail = z.object({
  host: Host,
  events: z.array(z.lazy(() => BatonEvent)),
});
export type HostDetail = z.infer<typeof HostDetail>;

export const LocalEngineOffer = z.object({
  socketPath: z.string(),
  hostname: z.string(),
  dockerVersion: z.string(),
  alreadyAdded: z.boolean(),
});
export type LocalEngineOffer = z.infer<typeof LocalEngineOffer>;

export const SshConfigHost = z.object({
  alias: z.string(),
  hostName: z.string().nullable(),
  user: z.string().nullable(),
  port: z.number().int().nullable(),
  identityFile: z.string().nullable(),
});
export type SshConfigHost = z.infer<typeof SshConfigHost>;

// ---------------------------------------------------------------- events

export const EventSeverity = z.enum(['info', 'warning', 'error']);

/**
 * What happened, dotted ("host.ready"): one of EVENT_KINDS (shared/events.ts). The events table
 * keeps what older versions wrote, and a newer control plane may send kinds this one doesn't know,
 * so another string is accepted too, and typed apart (OtherEventKind) from the kinds written now.
 */
export const EventKindSchema = z.enum(EVENT_KINDS).or(z.custom<OtherEventKind>((kind) => typeof kind === 'string', 'an event kind is a string'));

export const BatonEvent = z.object({
  id: z.number().int(),
  time: z.string(), // ISO 8601
  kind: EventKindSchema,
  severity: EventSeverity,
  host: z.string().nullable(),
  stack: z.string().nullable(),
  service: z.string().nullable(),
  replica: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type BatonEvent = z.infer<typeof BatonEvent>;

export const EventsListParams = z
  .object({
    /** Only events with an id greater than this. */
    after: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    host: HostName.optional(),
  })
  .strict();

// ---------------------------------------------------------------- stacks, services, replicas

export const SpecProblemSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

/** The files a client may send with a stack: how many, and how large (in characters) each and all. */
export const STACK_FILES_LIMITS = { count: 64, each: 1024 * 1024, total: 4 * 1024 * 1024 } as const;

/**
 * The files a stack names (env_file), read by the client that sends the stack: the path as the
 * stack file writes it (relative to its folder, or absolute) → the file's content. The control
 * plane reads no file a stack names; one that is not here is "not sent".
 */
export const StackFiles = z
  .record(z.string().min(1).max(4096), z.string().max(STACK_FILES_LIMITS.each, `a file sent with a stack is at most ${STACK_FILES_LIMITS.each} characters`))
  .superRefine((files, ctx) => {
    const contents = Object.values(files);
    if (contents.length > STACK_FILES_LIMITS.count) ctx.addIssue({ code: 'custom', message: `at most ${STACK_FILES_LIMITS.count} files can be sent with a stack (got ${contents.length})` });
    const total = contents.reduce((sum, c) => sum + c.length, 0);
    if (total > STACK_FILES_LIMITS.total) ctx.addIssue({ code: 'custom', message: `the files sent with a stack are at most ${STACK_FILES_LIMITS.total} characters in all (got ${total})` });
  });

export const StackApplyParams = z
  .object({
    /** The Compose file's text. */
    source: z.string(),
    /**
     * Its path as the client knows it: for messages, the stack's default name (its folder), and
     * bind mounts written relative to it. Files it names are sent in `files`, never read from here.
     */
    file: z.string().min(1),
    /** The files the stack loads (include, extends, -f overrides) and names (env_file, …), as the client read them; see StackFiles. */
    files: StackFiles.optional(),
    /** Files merged over the stack file in order (`-f compose.yaml -f prod.yaml`), by their key in `files`. */
    overrides: z.array(z.string().min(1).max(4096)).max(STACK_FILES_LIMITS.count).optional(),
    /** The active Compose profiles (`--profile`, COMPOSE_PROFILES): a service with `profiles:` is deployed under one of them. */
    profiles: z.array(z.string().min(1).max(256)).max(64).optional(),
    /** The stack's name; default: `name:` in the file, else the file's folder name. */
    stack: z.string().optional(),
    /** Variables for ${VAR} interpolation (the CLI sends those the file mentions). */
    env: z.record(z.string(), z.string()).optional(),
    /** Plan only: validate and say what would change, change nothing. */
    dryRun: z.boolean().optional(),
    /** The build contexts of the services with `build:`, read by the client (see shared/builds.ts). */
    builds: BuildContexts.optional(),
  })
  .strict();
export type StackApplyParams = z.input<typeof StackApplyParams>;

/** A host folder or file a service's replicas mount. */
export const PlanBindMount = z.object({
  source: z.string(), // the path on the host
  target: z.string(), // the path in the container
  readOnly: z.boolean(),
  /** Why it reaches into the host (the service consented with `x-baton: { host_access: true }`), else null. */
  hostAccess: z.string().nullable(),
});
export type PlanBindMount = z.infer<typeof PlanBindMount>;

/**
 * A port of a service and where it can be reached from: `ingress`, the published port on every
 * host; `host`, the published port on the host the replica runs on; `random`, a random port on
 * that host (a port without a published one, as Compose binds it); `internal`, Baton's network
 * only (`expose:`), bound on no host address.
 */
export const PlanPort = z.object({
  target: z.number().int(),
  protocol: z.enum(['tcp', 'udp']),
  published: z.number().int().nullable(),
  reach: z.enum(['ingress', 'host', 'random', 'internal']),
  /** Bound on each host's loopback alone (`127.0.0.1:5432:5432`); absent: on every address. */
  hostIp: z.enum(['127.0.0.1', '::1']).optional(),
});
export type PlanPort = z.infer<typeof PlanPort>;

/**
 * One field of a service that a plan changes, as text: "image", "app:v1" → "app:v2". `before` is
 * null when there was nothing to show before (a new service) or when `after` says the whole change
 * ("added DEBUG, changed DB_URL"). An environment change names variables, never their values.
 */
export const SpecChange = z.object({
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type SpecChange = z.infer<typeof SpecChange>;

export const ServicePlan = z.object({
  name: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'scale', 'remove']),
  replicas: z.number().int(),
  /** The desired count now (a `baton scale` may have changed it since the file); null when new. */
  replicasBefore: z.number().int().nullable(),
  /**
   * The desired count now was set by hand (`baton scale`, a replica removed from the topology)
   * after the last apply, so applying the file undoes it.
   */
  scaledByHand: z.boolean(),
  /** What differs from the service's current revision (every set field, for a new service); replicas apart. */
  changes: z.array(SpecChange),
  revision: z.number().int().nullable(), // the revision it will run; null when removed
  /** Where new replicas would go now (preview; the reconciler decides when it acts). */
  hosts: z.array(z.string()),
  /** Why some replicas can't be placed right now, if so. */
  pending: z.string().nullable(),
  /** Every bind mount of the service (none when removed). */
  binds: z.array(PlanBindMount),
  /** Every port of the service and where it is reachable from (none when removed). */
  ports: z.array(PlanPort),
  /**
   * Everything the service reaches into its host with (it consented): a bind mount ("/etc →
   * /host-etc (ro)", also in `binds`) or a key ("`privileged`"), and why it matters.
   */
  hostAccess: z.array(z.object({ kind: z.enum(['bind', 'key']), what: z.string(), why: z.string() })),
});
export type ServicePlan = z.infer<typeof ServicePlan>;

export const StackPlan = z.object({
  stack: z.string(),
  applied: z.boolean(),
  services: z.array(ServicePlan),
  warnings: z.array(SpecProblemSchema),
  /**
   * Images the planned hosts lack and that will be copied there over the SSH links (no registry):
   * from where, and per host how many bytes of layers it lacks. Said from inspect answers only.
   */
  images: z.array(z.object({ image: z.string(), source: z.string(), needs: z.array(ImageNeed) })).optional(),
  /** The services with `build:`: what is built where, or found built already. */
  builds: z.array(PlanBuild).optional(),
});
export type StackPlan = z.infer<typeof StackPlan>;

export const StackSummary = z.object({
  name: z.string(),
  file: z.string().nullable(),
  services: z.array(z.string()),
  updatedAt: z.string(),
});
export type StackSummary = z.infer<typeof StackSummary>;

export const ServiceStatus = z.object({
  stack: z.string(),
  name: z.string(),
  /** The image that serves: the newest revision's with an available replica, else the desired one's. */
  image: z.string(),
  /** The desired revision's image (differs from `image` while a rollout has not served yet). */
  desiredImage: z.string(),
  /** The desired revision. */
  revision: z.number().int(),
  desired: z.number().int(),
  // The counts below are of the replicas that make up the service now, of every revision; see
  // shared/service-status.ts for what each condition means.
  /** Running on a ready host, whatever its health check says. */
  running: z.number().int(),
  /** Running on a ready host and Docker says its health check passes (none without a health check). */
  healthy: z.number().int(),
  /** Can take traffic: running on a ready host, healthy or without a health check. */
  available: z.number().int(),
  /** On a host that is not ready: counted neither running nor healthy. */
  unknown: z.number().int(),
  /** Running, health check not passed yet. */
  starting: z.number().int(),
  /** Running, health check failing. */
  unhealthy: z.number().int(),
  /** Running without a health check. */
  noHealthCheck: z.number().int(),
  /** On a ready host, not running (exited, created, restarting, …). */
  stopped: z.number().int(),
  /** The hosts the unknown replicas are on. */
  unknownHosts: z.array(z.string()),
  /** Per revision, oldest first: the desired one always, others while they have replicas (during a rollout). */
  revisions: z.array(
    z.object({
      revision: z.number().int(),
      image: z.string(),
      running: z.number().int(),
      healthy: z.number().int(),
      available: z.number().int(),
      unknown: z.number().int(),
    }),
  ),
  pending: z.string().nullable(),
  ports: z.array(z.string()), // "8080->80/tcp (ingress)"
  /**
   * The same ports typed, from the desired revision's spec: each with its published port and where
   * it answers from (the topology shows them on the service). Absent from an older control plane.
   */
  portReach: z.array(PlanPort).optional(),
  /** Where a person asked new replicas to go (drag-to-scale onto a host); null when nowhere. */
  preferredHost: z.string().nullable(),
  /** What one replica reserves (deploy.resources.reservations); null when not set. */
  reservation: z.object({ nanoCpus: z.number().nullable(), memoryBytes: z.number().nullable() }),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const ReplicaStatus = z.object({
  id: z.string(),
  name: z.string(),
  stack: z.string(),
  service: z.string(),
  slot: z.number().int(),
  host: z.string(),
  hostReady: z.boolean(),
  state: z.string(),
  /** What Docker said last (even when the host is not ready now). */
  health: z.enum(['none', 'starting', 'healthy', 'unhealthy']),
  /** What is known now: 'unknown' when the host is not ready (see shared/service-status.ts). */
  status: z.enum(REPLICA_CONDITIONS),
  /**
   * Where it stands with the ingress: serving (in the pools, takes traffic), draining (leaving
   * them before it stops), out (in no pool: not ready, no port, or nothing routed). Absent where
   * no ingress runs (a client of an older control plane).
   */
  pool: z.enum(['serving', 'draining', 'out']).optional(),
  revision: z.number().int(),
  current: z.boolean(), // runs the desired revision
  createdAt: z.string(),
});
export type ReplicaStatus = z.infer<typeof ReplicaStatus>;

/** "web" (when only one stack has it) or "shop/web". */
export const ServiceRef = z.string().regex(/^([a-z0-9][a-z0-9_-]*\/)?[a-z0-9][a-z0-9_-]*$/, 'name a service as SERVICE or STACK/SERVICE');

/** An edit of one service from the app: what to change; the control plane makes the stack's next file of it. */
export const ServiceEdit = z
  .object({
    image: z.string().min(1).max(512).optional(),
    replicas: z.number().int().min(0).max(MAX_REPLICAS).optional(),
    /** Variables to set (name → value) and to remove (name → null). */
    environment: z.record(z.string().min(1).max(256), z.string().max(65_536).nullable()).optional(),
  })
  .strict();
export type ServiceEdit = z.infer<typeof ServiceEdit>;

export const ServiceEditParams = z
  .object({
    /** "stack/service". */
    service: ServiceRef,
    edit: ServiceEdit,
    /** Plan only: say what would change, change nothing. */
    dryRun: z.boolean(),
  })
  .strict();
export type ServiceEditParams = z.infer<typeof ServiceEditParams>;

export const ScaleParams = z
  .object({
    targets: z
      .array(
        z
          .object({
            service: ServiceRef,
            replicas: z.number().int().min(0).max(MAX_REPLICAS),
            /**
             * Drag-to-scale onto a host: new replicas go to this host while it can take them (a
             * preference, kept with the service; the scheduler still refuses an infeasible host).
             * null clears it; absent leaves it as it is.
             */
            preferHost: HostName.nullable().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const ReplicaRef = z
  .object({
    /** The replica's container name ("shop_web.3.2-a1b2c3") or id (full or at least 12 characters). */
    replica: z.string().min(1),
  })
  .strict();

export const ServiceDetail = z.object({
  status: ServiceStatus,
  /**
   * The desired revision's normalized spec. Secrets and configs are there by name only;
   * environment values are replaced by "[hidden]" (the names stay). Its shape is checked where it
   * is made (the parser, then the type); here only that it is an object.
   */
  spec: z.custom<ServiceSpec>((spec) => typeof spec === 'object' && spec !== null && !Array.isArray(spec), 'a service spec is an object'),
  file: z.string().nullable(),
  /** The revisions kept (the newest 10), oldest first. */
  revisions: z.array(z.object({ revision: z.number().int(), createdAt: z.string() })),
  /** The service's newest 50 events (its replicas' included), oldest first. */
  events: z.array(z.lazy(() => BatonEvent)),
});
export type ServiceDetail = z.infer<typeof ServiceDetail>;

/** A replica as its host shows it now (a live inspect); UNAVAILABLE when the host can't be reached. */
export const ReplicaDetail = z.object({
  replica: ReplicaStatus,
  image: z.string(),
  labels: Labels,
  /** Environment variable names only: values may hold secrets. */
  envNames: z.array(z.string()),
  ports: z.array(z.string()), // "32768->8080/tcp"
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  restartCount: z.number().int(),
  /** The replica's newest 50 events, oldest first. */
  events: z.array(z.lazy(() => BatonEvent)),
});
export type ReplicaDetail = z.infer<typeof ReplicaDetail>;

// ---------------------------------------------------------------- the whole cluster in one answer

/**
 * What the scheduler counts on a host: its replicas that hold their reservation (running or
 * restarting, not unhealthy), and the sum of those reservations. Capacity is in `Host.inventory`.
 */
export const HostUsage = z.object({
  host: HostName,
  replicas: z.number().int(),
  /** Sum of the reservations of the replicas on it (nano-CPUs, bytes). */
  nanoCpusReserved: z.number(),
  memoryBytesReserved: z.number(),
});
export type HostUsage = z.infer<typeof HostUsage>;

/**
 * Hosts, services and replicas as one consistent picture, for the topology. Clients fetch it
 * when they connect and again when an event says something changed (no polling): every change it
 * shows is followed by a `host.*`, `service.*` or `replica.*` event (replica.started, .exited,
 * .restarted, .removed, .healthy, .unhealthy, host.ready, .unreachable, .synced, service.scaled, …),
 * written after the change, so a client that fetches on an event with an id above `lastEventId`
 * sees it.
 */
export const ClusterSnapshot = z.object({
  /** The newest event this picture includes. */
  lastEventId: z.number().int(),
  hosts: z.array(Host),
  usage: z.array(HostUsage),
  services: z.array(ServiceStatus),
  replicas: z.array(ReplicaStatus),
});
export type ClusterSnapshot = z.infer<typeof ClusterSnapshot>;

// ---------------------------------------------------------------- logs (a stream, not a call)

export const LogsParams = z
  .object({
    /** One replica (container name or id)… */
    replica: z.string().min(1).optional(),
    /** …or every replica of a service. */
    service: ServiceRef.optional(),
    /** Lines from the end to start with (default 200). */
    tail: z.number().int().min(0).max(10_000).optional(),
    /**
     * Keep streaming new lines until cancelled (default true). A replica restarted in place is read
     * on where it stopped; for a service, replicas that start later join (from the moment the
     * stream opened).
     */
    follow: z.boolean().optional(),
  })
  .strict()
  .refine((p) => (p.replica === undefined) !== (p.service === undefined), 'name either a replica or a service');
export type LogsParams = z.input<typeof LogsParams>;

// ---------------------------------------------------------------- a terminal in a replica (a stream with input)

export { EXEC_INPUT_MAX_CHARS, TERMINAL_MAX_SIZE };

const TerminalSize = z
  .object({
    cols: z.number().int().min(1).max(TERMINAL_MAX_SIZE),
    rows: z.number().int().min(1).max(TERMINAL_MAX_SIZE),
  })
  .strict();

export const ExecParams = z
  .object({
    /** The replica's container name or id (12 characters or more). */
    replica: z.string().min(1).max(256),
    /** What to run (default: /bin/sh, interactive). */
    cmd: z.array(z.string().min(1).max(4096)).min(1).max(64).optional(),
    /** The terminal's size to start with (default 80×24). */
    cols: TerminalSize.shape.cols.optional(),
    rows: TerminalSize.shape.rows.optional(),
  })
  .strict();
export type ExecParams = z.input<typeof ExecParams>;

/**
 * What a terminal prints (UTF-8 text as the TTY wrote it), then, once, how it ended: the command
 * exited (with its code), or the replica stopped or went away, or its host's link dropped.
 */
export const ExecChunk = z.union([
  z.object({ output: z.string() }).strict(),
  z.object({ exit: z.object({ code: z.number().int().nullable(), reason: z.string() }).strict() }).strict(),
]);
export type ExecChunk = z.infer<typeof ExecChunk>;

/** What a client sends an open terminal: keystrokes or a paste, or its new size. */
export const ExecInput = z.union([z.object({ data: z.string().max(EXEC_INPUT_MAX_CHARS) }).strict(), z.object({ resize: TerminalSize }).strict()]);
export type ExecInput = z.infer<typeof ExecInput>;

/** A chunk is an array of these, at most 500, in time order (a service's replicas merged). */
export const LogLine = z.object({
  replica: z.string(), // container name
  host: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  time: z.string(), // ISO 8601 with nanoseconds, as Docker stamped it
  text: z.string(), // one line, without its newline
});
export type LogLine = z.infer<typeof LogLine>;

// ---------------------------------------------------------------- metrics (a stream, and the series behind it)

export const MetricsParams = z
  .object({
    /** Only this service's replicas (and the hosts they run on). */
    service: ServiceRef.optional(),
    /** Only the hosts' samples, no replica's: what a picture of the hosts needs (a frame of 5,000 replicas is megabytes). */
    hostsOnly: z.boolean().optional(),
  })
  .strict()
  .refine((p) => !(p.hostsOnly === true && p.service !== undefined), 'ask for one service or for the hosts only, not both');
export type MetricsParams = z.input<typeof MetricsParams>;

export const MetricsHistoryParams = z
  .object({
    /** A replica (container name or id)… */
    replica: z.string().min(1).optional(),
    /** …or a host. */
    host: z.string().min(1).optional(),
    /** hour: per second, from memory; day: per minute, from the state file. Default hour. */
    range: z.enum(['hour', 'day']).optional(),
  })
  .strict()
  .refine((p) => (p.replica === undefined) !== (p.host === undefined), 'name either a replica or a host');
export type MetricsHistoryParams = z.input<typeof MetricsHistoryParams>;

// ---------------------------------------------------------------- secrets

/** The largest secret value, in bytes (as Swarm). */
export const SECRET_MAX_BYTES = 500 * 1024;

export const SecretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a secret name is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');

/**
 * A secret's value, base64 (any bytes). Sent by the client that read it (a file, standard input),
 * never echoed back, logged or stored in clear.
 */
export const SecretValueParams = z
  .object({
    name: SecretName,
    value: z.string().max(Math.ceil((SECRET_MAX_BYTES + 1) / 3) * 4 + 8, `a secret is at most ${SECRET_MAX_BYTES / 1024} KB`).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the value is sent as base64'),
  })
  .strict();

/** A secret as it may be shown: never its value. */
export const SecretInfo = z.object({
  name: z.string(),
  /** The stack whose own secret it is (declared with `file:` or `environment:`); null for one made with `baton secret create`. */
  stack: z.string().nullable(),
  size: z.number().int(),
  /** One up at every new value. */
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The services whose desired revision uses it ("shop/web"). */
  services: z.array(z.string()),
});
export type SecretInfo = z.infer<typeof SecretInfo>;

// ---------------------------------------------------------------- configs

/** A config's content is shown up to this size (a larger one, or one that is not text, by name only). */
export const CONFIG_SHOWN_MAX_BYTES = 64 * 1024;

/** A stack's own config: configs are no secrets, so their content is shown when it is text. */
export const ConfigInfo = z.object({
  name: z.string(),
  stack: z.string(),
  size: z.number().int(),
  version: z.number().int(),
  updatedAt: z.string(),
  /** The services whose desired revision mounts it ("shop/web"). */
  services: z.array(z.string()),
  /** Its content as UTF-8 text; null when it is not text or is larger than CONFIG_SHOWN_MAX_BYTES. */
  content: z.string().nullable(),
});
export type ConfigInfo = z.infer<typeof ConfigInfo>;

// ---------------------------------------------------------------- volumes

/** A volume of Baton's on one host. */
export const VolumeInfo = z.object({
  host: z.string(),
  /** The engine's name (`<stack>_<volume>`, unless the stack names it). */
  name: z.string(),
  stack: z.string().nullable(),
  /** Its key under the stack's top-level `volumes:`. */
  volume: z.string().nullable(),
  driver: z.string(),
  /** The filesystem the local driver mounts for it (`driver_opts.type`: nfs, tmpfs, …), when one is given. */
  type: z.string().nullable(),
  /** Bytes on disk, when the engine measured it (null: it did not say, or the host is not reachable). */
  size: z.number().nullable(),
  /** The services whose desired revision mounts it ("shop/db"). */
  services: z.array(z.string()),
  external: z.boolean(),
  hostReachable: z.boolean(),
});
export type VolumeInfo = z.infer<typeof VolumeInfo>;

// ---------------------------------------------------------------- system

export const SystemInfo = z.object({
  version: z.string(),
  home: z.string(),
  startedAt: z.string(),
  hosts: z.number().int(),
  hostsReady: z.number().int(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

const Empty = z.object({}).strict();

// ---------------------------------------------------------------- the method table

export const methods = {
  'system.info': { params: Empty, result: SystemInfo },
  'host.add': { params: HostAddParams, result: Host },
  'host.list': { params: Empty, result: z.array(Host) },
  'host.inspect': { params: HostRef, result: HostDetail },
  'host.remove': { params: HostRef, result: z.object({ name: HostName }) },
  'host.localEngine': { params: Empty, result: LocalEngineOffer.nullable() },
  'host.sshConfig': { params: Empty, result: z.array(SshConfigHost) },
  'events.list': { params: EventsListParams, result: z.array(BatonEvent) },
  'stack.apply': { params: StackApplyParams, result: StackPlan },
  'stack.list': { params: Empty, result: z.array(StackSummary) },
  /** The Compose file as last applied (its ${VAR}s as written): what an edit in the app starts from. */
  'service.edit': { params: ServiceEditParams, result: StackPlan },
  /** `volumes`: also remove the volumes the stack made, once its replicas are gone (external ones are kept). */
  'stack.remove': {
    params: z.object({ name: z.string().min(1), volumes: z.boolean().optional() }).strict(),
    result: z.object({ name: z.string(), services: z.array(z.string()), volumesRemoved: z.array(z.object({ host: z.string(), name: z.string() })).optional() }),
  },
  'service.list': { params: z.object({ stack: z.string().optional() }).strict(), result: z.array(ServiceStatus) },
  /** `note`: why a count differs from the one asked for (an autoscaled service stays within its min and max). */
  'service.scale': { params: ScaleParams, result: z.array(ServiceStatus.extend({ note: z.string().optional() })) },
  /** An autoscaled service's policy, its newest evaluation and its recent decisions. */
  'autoscale.status': { params: z.object({ service: ServiceRef }).strict(), result: AutoscaleStatus },
  'replica.list': { params: z.object({ service: ServiceRef.optional() }).strict(), result: z.array(ReplicaStatus) },
  'service.inspect': { params: z.object({ service: ServiceRef }).strict(), result: ServiceDetail },
  'replica.inspect': { params: ReplicaRef, result: ReplicaDetail },
  /** Removes this one replica and lowers the service's desired count by one (drag a replica out). */
  'replica.remove': { params: ReplicaRef, result: ServiceStatus },
  /**
   * Restarts the same container in place on its host: drained out of the ingress, stopped within
   * its stop_grace_period, started again (the reconciler does not replace it meanwhile). Answers
   * once it runs again (it serves again once it passes its health check).
   */
  'replica.restart': { params: ReplicaRef, result: ReplicaStatus },
  /**
   * Stops the container gracefully: drained out of the ingress first, then stopped within its
   * stop_grace_period. The desired count stays, so the reconciler replaces it with a new replica
   * (where the scheduler puts it) and removes the stopped one. Answers once it is stopped.
   */
  'replica.stop': { params: ReplicaRef, result: ReplicaStatus },
  'cluster.snapshot': { params: Empty, result: ClusterSnapshot },
  'rollout.status': { params: z.object({ service: ServiceRef }).strict(), result: RolloutStatus },
  'rollout.history': { params: z.object({ service: ServiceRef }).strict(), result: z.array(RevisionEntry) },
  'rollout.pause': { params: z.object({ service: ServiceRef }).strict(), result: RolloutStatus },
  'rollout.resume': { params: z.object({ service: ServiceRef }).strict(), result: RolloutStatus },
  'rollout.undo': { params: z.object({ service: ServiceRef, toRevision: z.number().int().min(1).optional() }).strict(), result: RolloutStatus },
  /** Moves a host's replicas elsewhere (new ones healthy first) and keeps new ones off it. */
  'host.drain': { params: HostRef, result: z.object({ host: z.string(), availability: z.literal('drain'), moving: z.array(z.string()) }) },
  'host.activate': { params: HostRef, result: z.object({ host: z.string(), availability: z.literal('active') }) },
  /** Moves replicas toward an even spread now, one at a time (every service, or one). */
  'service.rebalance': { params: z.object({ service: ServiceRef.optional() }).strict(), result: z.object({ services: z.array(z.string()) }) },
  /** Stores a new secret in Baton's store (for stacks that declare it `external: true`). */
  'secret.create': { params: SecretValueParams, result: SecretInfo },
  /** Gives a secret of Baton's store a new value: the services that use it roll out. */
  'secret.set': { params: SecretValueParams, result: SecretInfo.extend({ rolling: z.array(z.string()) }) },
  'secret.list': { params: Empty, result: z.array(SecretInfo) },
  'volume.list': { params: Empty, result: z.array(VolumeInfo) },
  /** Every stack's own configs, with the services that mount them and their content when it is text. */
  'config.list': { params: Empty, result: z.array(ConfigInfo) },
  /** Refused while a service uses it; from every host that has it, or one. */
  'volume.remove': { params: z.object({ name: z.string().min(1), host: z.string().optional() }).strict(), result: z.object({ name: z.string(), hosts: z.array(z.string()) }) },
  /** A replica's or a host's series: the last hour per second, or the last day per minute. */
  'metrics.history': { params: MetricsHistoryParams, result: MetricSeries },
  /** Refused while a service uses it. */
  'secret.remove': { params: z.object({ name: SecretName }).strict(), result: z.object({ name: z.string() }) },
  /** Which host (and this machine's engine) has which image. */
  'image.list': { params: Empty, result: z.array(ImageInfo) },
  /** Adds a Docker Swarm as a cluster, by one of its managers (reached over SSH as a host is). */
  'cluster.add': { params: ClusterAddParams, result: Cluster },
  /** Baton's own cluster ("local") and every Swarm cluster, each read from its manager now. */
  'cluster.list': { params: Empty, result: z.array(Cluster) },
  /** Forgets a Swarm cluster; its services keep running on the swarm. */
  'cluster.remove': { params: ClusterRef, result: z.object({ name: z.string() }) },
  /** Makes a cluster the current one ("local": Baton's own), kept in the control plane's home: every client then acts on it without --cluster. */
  'cluster.use': { params: ClusterRef, result: CurrentCluster },
  /** The current cluster. */
  'cluster.current': { params: Empty, result: CurrentCluster },
  /** Deploys a stack file to a Swarm cluster as a Swarm stack (or, with dryRun, says what it would change). */
  'swarm.apply': { params: StackApplyParams.extend({ cluster: ClusterName }).strict(), result: SwarmPlan },
  'swarm.services': { params: z.object({ cluster: ClusterName, stack: z.string().optional() }).strict(), result: z.array(SwarmServiceRow) },
  'swarm.tasks': { params: z.object({ cluster: ClusterName, stack: z.string().optional() }).strict(), result: z.array(SwarmTaskRow) },
  /** A Swarm cluster's nodes, as hosts: role, manager status, availability, state, engine. */
  'swarm.nodes': { params: z.object({ cluster: ClusterName }).strict(), result: z.array(SwarmNodeRow) },
  /** Sets a node's availability (drain: its tasks move to other nodes; active: it takes tasks again), by hostname or ID. */
  'swarm.nodeAvailability': { params: z.object({ cluster: ClusterName, node: z.string().min(1), availability: NodeAvailability }).strict(), result: SwarmNodeRow },
  /** A Swarm service's rolling update: Swarm's UpdateStatus in rollout phases, its images, its tasks on the current one. */
  'swarm.rolloutStatus': { params: z.object({ cluster: ClusterName, service: z.string().min(1) }).strict(), result: SwarmRolloutStatus },
  /** The two specs Swarm keeps: the previous one and the current one. */
  'swarm.rolloutHistory': { params: z.object({ cluster: ClusterName, service: z.string().min(1) }).strict(), result: z.array(SwarmHistoryEntry) },
  /** Swarm's rollback (update with rollback=previous): back to the previous spec, under rollback_config. */
  'swarm.rolloutUndo': { params: z.object({ cluster: ClusterName, service: z.string().min(1) }).strict(), result: SwarmRolloutStatus },
  /** Refused, saying why: Swarm pauses an update only itself, on a failure with failure_action pause. */
  'swarm.rolloutPause': { params: z.object({ cluster: ClusterName, service: z.string().min(1) }).strict(), result: SwarmRolloutStatus },
  /** Goes on with an update Swarm paused (the service updated again with its spec). */
  'swarm.rolloutResume': { params: z.object({ cluster: ClusterName, service: z.string().min(1) }).strict(), result: SwarmRolloutStatus },
  'swarm.scale': {
    params: z.object({ cluster: ClusterName, targets: z.array(z.object({ service: z.string().min(1), replicas: z.number().int().min(0).max(MAX_REPLICAS) }).strict()).min(1) }).strict(),
    result: z.array(SwarmServiceRow),
  },
} as const;

/** Streams: a request answered by any number of chunks until it ends or is cancelled. */
export const streams = {
  logs: { params: LogsParams, chunk: z.array(LogLine) },
  /** A Swarm service's log, every task's, from the service logs endpoint; a line's replica is its task (<service>.<slot>), its host the node. */
  'swarm.logs': {
    params: z.object({ cluster: ClusterName, service: z.string().min(1), tail: z.number().int().min(0).max(10_000).optional(), follow: z.boolean().optional() }).strict(),
    chunk: z.array(LogLine),
  },
  /** Copies an image to hosts over the SSH links, only the layers each lacks: its plan, progress, outcome; ends with an error when a host could not get it. */
  'image.push': { params: ImagePushParams, chunk: ImagePushChunk },
  /** A frame now (the last one measured, if any), then one a second. */
  metrics: { params: MetricsParams, chunk: MetricsFrame },
  /**
   * A terminal in a running replica: a Docker exec with a TTY over the host's link. Takes input
   * (keystrokes, resize); its last chunk says how it ended (the command exited, the replica stopped).
   */
  exec: { params: ExecParams, chunk: ExecChunk, input: ExecInput },
} as const;

export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamParams<S extends StreamName> = z.input<Streams[S]['params']>;
export type StreamChunk<S extends StreamName> = z.output<Streams[S]['chunk']>;
/** The streams a client may send input to once open. */
export type InputStreamName = { [S in StreamName]: Streams[S] extends { input: z.core.$ZodType } ? S : never }[StreamName];
export type StreamInput<S extends StreamName> = Streams[S] extends { input: infer I extends z.core.$ZodType } ? z.input<I> : never;

/** What opening a stream gives back: call it to cancel; `send` hands an open stream input (streams that take none refuse it). */
export interface StreamControl<S extends StreamName> {
  (): void;
  send(input: StreamInput<S>): void;
}

export function isStreamName(value: unknown): value is StreamName {
  return typeof value === 'string' && Object.hasOwn(streams, value);
}

export interface StreamHandlers<S extends StreamName> {
  chunk(chunk: StreamChunk<S>): void;
  /**
   * Called once, never before `stream` returned: null when the stream ended by itself (not
   * following, or the one replica followed was removed), else why it stopped: UNAVAILABLE when
   * the connection dropped or a host it read from went away (the message names the host; open it
   * again to resume), NOT_FOUND, INVALID_INPUT, …
   */
  end(error: BatonError | null): void;
}

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value);
}

/** What every transport gives its user: typed calls and the live event stream. */
export interface BatonApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Events as they happen. `after` replays stored events with a greater id first. Returns unsubscribe. */
  subscribe(listener: (event: BatonEvent) => void, options?: { after?: number }): () => void;
  /** Opens a stream (e.g. logs). Returns cancel (with `send`, for input); after cancel no handler is called. */
  stream<S extends StreamName>(name: S, params: StreamParams<S>, handlers: StreamHandlers<S>): StreamControl<S>;
}

// ---------------------------------------------------------------- the wire (socket and WebSocket)
//
// Messages are JSON: one per line on the Unix socket, one per frame on the WebSocket.
// - WebSocket only: the first message must be `{ auth: TOKEN }`, within 5 s of opening; the answer
//   is `{ authed: true }`, or `{ id: -1, error: { code: 'UNAUTHORIZED' } }` and a close with code
//   WS_CLOSE_UNAUTHORIZED. Any other first message is answered the same way. After wrong tokens
//   the answer comes later (growing waits per client address and overall), so a client must wait
//   for it rather than time out quickly. Until the answer a client may send at most 4 KiB in all
//   (messages after the sign-in wait and are handled once it is accepted); a client that sends
//   more is cut off. At most 16 clients may be waiting for their answer; more are refused (503)
//   at the handshake. Handshakes whose Host is not the server's address (421) or whose Origin is a
//   page other than the server's own UI (403) are refused; programs send no Origin.
// - `{ id, method, params }` is answered by `{ id, result }` or `{ id, error }` (ids are the
//   client's; answers may come out of order).
// - One event subscription per connection: `{ id, subscribe: { after? } }` is answered by
//   `{ id, result: { subscribed: true, lastEventId } }`, then, when `after` is given, the stored events
//   with a greater id, then every new event as `{ event }`. A second subscribe replaces the first.
//   `{ id, unsubscribe: true }` ends it. `lastEventId` lets a client that saw nothing yet resume
//   without a gap after a reconnect.
// - Streams: `{ id, stream: NAME, params }` is answered by any number of `{ id, chunk }`, then
//   `{ id, end: true }` (it ended by itself) or `{ id, error }`. `{ id, cancel: true }` stops it;
//   no answer follows a cancel. Closing the connection cancels its streams.
// - Input to an open stream that takes some (`exec`): `{ id, input }`, checked against the stream's
//   `input` schema; no answer follows. Input that does not fit ends the stream with an INVALID_INPUT
//   error; input to a stream that is not open is dropped (it may have just ended).
// - `events.list` returns the newest `limit` events with an id greater than `after`, oldest first.

export { WS_CLOSE_UNAUTHORIZED };

export interface SubscribeResult {
  subscribed: boolean;
  lastEventId: number;
}

/** client → server */
export type WireRequest =
  | { id: number; method: MethodName; params: unknown }
  | { id: number; subscribe: { after?: number } }
  | { id: number; unsubscribe: true }
  | { id: number; stream: StreamName; params: unknown }
  | { id: number; cancel: true }
  | { id: number; input: unknown }
  | { auth: string };

/** server → client */
export type WireResponse =
  | { id: number; result: unknown }
  | { id: number; error: ErrorBody }
  | { event: BatonEvent }
  | { id: number; chunk: unknown }
  | { id: number; end: true }
  | { authed: true };
