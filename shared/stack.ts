// The normalized model of a stack: what a Compose file says, after validation and defaults, in
// the one shape the scheduler, the reconciler and the renderer work with. The parser turns a
// Compose file into this; nothing downstream reads Compose YAML.

/** A service's replicas are at most this many, from a file, `baton scale` or the autoscaler: a count past it is a slip (1e9), and placing it would take long. */
export const MAX_REPLICAS = 1000;

export type Protocol = 'tcp' | 'udp';

export interface PortSpec {
  /** The port inside the container. */
  target: number;
  /** The cluster-wide published port (answered by the ingress on every host), or null. */
  published: number | null;
  protocol: Protocol;
  /** 'ingress': routing mesh through Baton's ingress; 'host': bound on the replica's own host. */
  mode: 'ingress' | 'host';
  /**
   * An `expose:` entry: reachable on Baton's network only, bound on no host address (a `ports:`
   * entry without a published port is bound on a random host port, as Compose does). Absent on
   * every other port, so the specs stored before it existed keep their hash.
   */
  exposeOnly?: true;
  /**
   * Compose's `app_protocol` (long form), lower-cased: what the port speaks. The ingress serves a
   * port as HTTP (per request: balancing, retries of idempotent requests) unless this names
   * another protocol (`tcp`, `postgresql`, …): then as plain TCP. Absent when not written.
   */
  appProtocol?: string;
  /**
   * A published port bound on each host's loopback only (Compose's `127.0.0.1:5432:5432` or
   * `host_ip`): reachable from the host itself (an SSH tunnel, a local agent), not the network.
   * Absent when it is bound on every address, as it is unless written.
   */
  hostIp?: LoopbackAddress;
}

/** The addresses a published port may be bound to on every host alike: each host's loopback. */
export type LoopbackAddress = '127.0.0.1' | '::1';

export interface HealthSpec {
  /** Docker's form: ["CMD", ...] or ["CMD-SHELL", "..."]; ["NONE"] disables the image's check. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export interface Resources {
  /** CPUs in nano-CPUs (1 CPU = 1e9), as Docker counts them; null = not set. */
  nanoCpus: number | null;
  memoryBytes: number | null;
}

export type ConstraintOp = '==' | '!=';

export interface PlacementConstraint {
  /** "node.hostname", "node.role", "node.labels.<key>", "engine.labels.<key>". */
  field: string;
  op: ConstraintOp;
  value: string;
  /** As written, for messages. */
  text: string;
}

export interface Placement {
  constraints: PlacementConstraint[];
  /** Spread replicas over the values of these labels ("node.labels.zone"), Swarm's preferences. */
  spreadOver: string[];
  maxReplicasPerHost: number | null;
}

export interface UpdatePolicy {
  parallelism: number; // 0 = all at once
  delayMs: number;
  failureAction: 'pause' | 'continue' | 'rollback';
  monitorMs: number;
  maxFailureRatio: number;
  order: 'start-first' | 'stop-first';
}

export interface RestartPolicy {
  condition: 'none' | 'on-failure' | 'any';
  delayMs: number;
  maxAttempts: number | null;
  windowMs: number;
}

export interface FileMount {
  /** The stack-level secret/config name. */
  source: string;
  /** Absolute path in the container (default /run/secrets/<source> or /<source>). */
  target: string;
  uid: string;
  gid: string;
  mode: number;
  /**
   * A secret made with `baton secret create` (Baton's store), not one of the stack's own. Absent
   * for the stack's own secrets and for every config.
   */
  external?: true;
  /**
   * The version of the value this revision delivers: a counter, one up each time the value
   * changes (a rotation, an applied file with a new value), so a new value is a new revision and
   * rolls out. A counter, not a digest: the revision's hash is in every replica's labels, and a
   * digest of a short value could be guessed from it. Absent in a spec as the parser reads it;
   * apply sets it.
   */
  version?: number;
}

export interface VolumeMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (stack-level, or anonymous: null), or host path for a bind. */
  source: string | null;
  target: string;
  readOnly: boolean;
  /**
   * A named volume's declaration, copied from the stack's top-level `volumes:` so a replica's
   * host can create it as declared. Each key is written only when it differs from the default
   * (a local volume named `<stack>_<source>`), so specs stored before these existed keep their hash.
   */
  name?: string; // the engine's name: `name:` or an external volume's own name
  external?: true;
  driver?: string; // not 'local'
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
  /** A tmpfs mount's size and mode, when written (`/run:size=64m,mode=1777`, or `tmpfs: { size, mode }`). */
  tmpfs?: { sizeBytes?: number; mode?: number };
}

/** A stack's top-level volume, as declared. */
export interface VolumeDeclaration {
  driver: string;
  external: boolean;
  /** `name:` as written (the engine's name; for an external volume, the volume that exists). */
  name?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface AutoscalePolicy {
  min: number;
  max: number;
  /** Target average CPU per replica, in percent of one CPU. */
  cpuPercent: number | null;
  /** Target requests per second per replica (from the ingress). */
  requestsPerSecond: number | null;
  tolerance: number; // e.g. 0.1: no change within ±10% of the target
  scaleUpWindowMs: number;
  scaleDownWindowMs: number;
}

/** A Linux resource limit of a replica's processes (Compose `ulimits`). */
export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

/** A host device given to a replica (Compose `devices`). */
export interface DeviceMapping {
  source: string;
  target: string;
  /** Of "r", "w" and "m" (mknod); "rwm" unless written. */
  permissions: string;
}

/**
 * The Compose service keys that shape each replica's container beyond image, command and mounts,
 * as Docker's create request takes them. Each key is present only when the file writes it, and
 * the object only when one is, so the specs stored before it existed keep their hash.
 */
export interface ContainerOptions {
  init?: boolean;
  /** As written, upper-cased ("SIGTERM", "SIGRTMIN+3", "15"). */
  stopSignal?: string;
  user?: string;
  workingDir?: string;
  hostname?: string;
  domainname?: string;
  /** Capability names upper-cased as written ("NET_ADMIN", "CAP_NET_ADMIN", "ALL"). */
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string>;
  ulimits?: Ulimit[];
  logging?: { driver: string; options: Record<string, string> };
  /** Docker's form, "name:address" ("db.local:10.0.0.5", "gw:host-gateway"). */
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  readOnly?: boolean;
  shmSizeBytes?: number;
  /** Docker's form, "key=value" ("no-new-privileges=true", "seccomp=unconfined"), or "no-new-privileges". */
  securityOpt?: string[];
  privileged?: boolean;
  devices?: DeviceMapping[];
  groupAdd?: string[];
  pid?: 'host';
  ipc?: 'host' | 'private' | 'shareable' | 'none';
  /** "linux/amd64", "linux/arm64/v8": replicas are placed only on hosts of that platform. */
  platform?: string;
}

/**
 * Compose's `build:`: the image is built by Baton from a context on the applying client's machine.
 * The parser fills what the file says; apply sets `digest`.
 */
export interface BuildSpec {
  /** The context folder as written (relative to the stack file's folder, or absolute), on the client's machine. */
  context: string;
  /** The Dockerfile's path inside the context (default "Dockerfile"). */
  dockerfile: string;
  /** Build arguments (a key written without a value takes the applying client's variable; unset: left out). */
  args: Record<string, string>;
  /** The stage to build, or null for the last one. */
  target: string | null;
  /** Labels of the built image. */
  labels: Record<string, string>;
  /**
   * "sha256:…" of the context after .dockerignore plus the dockerfile, args, target and labels:
   * the image built from it carries it as its `baton.build-digest` label, so an unchanged context
   * is not built again, and a changed one is a new revision. Absent as the parser reads it.
   */
  digest?: string;
}

export interface ServiceSpec {
  stack: string;
  name: string;
  /** The image its replicas run: as written, or for a service with `build:` and no `image:`, `<stack>-<service>:<tag from the build digest>` (set by apply). */
  image: string;
  command: string[] | null;
  entrypoint: string[] | null;
  environment: Record<string, string>;
  /** Container labels (Compose `labels`). */
  labels: Record<string, string>;
  ports: PortSpec[];
  healthcheck: HealthSpec | null;
  replicas: number;
  limits: Resources;
  reservations: Resources;
  placement: Placement;
  update: UpdatePolicy;
  rollback: UpdatePolicy;
  restart: RestartPolicy;
  secrets: FileMount[];
  configs: FileMount[];
  volumes: VolumeMount[];
  /**
   * Stack-level networks this service joins, by their key in the file (Baton's own `baton`
   * network and the stack's `<stack>_default` are always joined).
   */
  networks: string[];
  /**
   * How replicas join those networks, by key: the declaration copied from the top-level
   * `networks:` (so each host can make the network as declared) and the service's own options
   * there. Only networks with something other than the defaults are in it, and it is absent when
   * none has, so specs stored before it existed keep their hash.
   */
  networkOptions?: Record<string, NetworkJoin>;
  stopGracePeriodMs: number;
  autoscale: AutoscalePolicy | null;
  /**
   * `x-baton.rollout`, when written: the progress deadline (default 10 min) and whether replicas
   * move back toward an even spread by themselves (default yes). Absent otherwise, so the specs
   * stored before it existed keep their hash.
   */
  rollout?: { progressDeadlineMs: number; rebalance: boolean };
  /** The container options the file writes (init, user, sysctls, …); absent when it writes none. */
  container?: ContainerOptions;
  /** `build:`, when written; absent otherwise, so the specs stored before it existed keep their hash. */
  build?: BuildSpec;
  /**
   * Compose `depends_on`, when written: the services of the stack this one starts after. Absent
   * otherwise, so the specs stored before it existed keep their hash.
   */
  dependsOn?: DependsOn[];
}

/** One `depends_on` entry, in its long form. */
export interface DependsOn {
  service: string;
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** false: deployed without it when it is not in the stack. */
  required: boolean;
  /** Compose's `restart: true`: restart this service when that one is updated. */
  restart: boolean;
}

export interface StackSpec {
  name: string;
  services: ServiceSpec[];
  /** Stack-level declarations, by name. */
  /**
   * `file`: resolved from the stack's folder; `environment`: the name of the variable, in the
   * applying client's environment, that holds the value (absent when not written).
   */
  secrets: Record<string, { file: string | null; external: boolean; environment?: string }>;
  configs: Record<string, { file: string | null; content: string | null; external: boolean; environment?: string }>;
  volumes: Record<string, VolumeDeclaration>;
  networks: Record<string, NetworkDeclaration>;
}

/** A stack's top-level network, as declared: the keys that mean something on each host's own bridge. */
export interface NetworkDeclaration {
  external: boolean;
  /** `name:` as written: the engine's name on every host (else `<stack>_<key>`). */
  name?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
  internal?: true;
}

/**
 * One network a service's replicas join, beyond the defaults: its declaration (as
 * NetworkDeclaration, `external` only when true) and the service's options on it. Each key only
 * when written.
 */
export interface NetworkJoin {
  name?: string;
  external?: true;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
  internal?: true;
  /** Extra DNS names of the service on this network (its own name is always one). */
  aliases?: string[];
  /** Networks with a higher priority are joined first (Compose's `priority`). */
  priority?: number;
}

/** A problem in a stack file, said where it is and what to do. */
export interface SpecProblem {
  file: string;
  line: number; // 1-based; 0 when the problem has no place in the file
  column: number; // 1-based
  /** JSON path as dotted text: "services.web.deploy.replicas". */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}
