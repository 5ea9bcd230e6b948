// The one contract between Baton's control plane and everything that drives it: the desktop
// renderer (over Electron IPC), the CLI (over a Unix socket) and remote apps and browser tests
// (over an authenticated WebSocket). Every request is validated against these schemas on the
// control-plane side; the types below are what both sides compile against.
import { z } from 'zod';
import type { ErrorBody } from './errors.ts';

// ---------------------------------------------------------------- hosts

export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

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

export const BatonEvent = z.object({
  id: z.number().int(),
  time: z.string(), // ISO 8601
  kind: z.string(), // "host.ready", "host.unreachable", … : what happened, dotted
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

export const StackApplyParams = z
  .object({
    /** The Compose file's text. */
    source: z.string(),
    /** Its path (for messages, and to resolve env_file, secret and config files beside it). */
    file: z.string().min(1),
    /** The stack's name; default: `name:` in the file, else the file's folder name. */
    stack: z.string().optional(),
    /** Variables for ${VAR} interpolation (the CLI sends those the file mentions). */
    env: z.record(z.string(), z.string()).optional(),
    /** Plan only: validate and say what would change, change nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();
export type StackApplyParams = z.input<typeof StackApplyParams>;

export const ServicePlan = z.object({
  name: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'scale', 'remove']),
  replicas: z.number().int(),
  revision: z.number().int().nullable(), // the revision it will run; null when removed
  /** Where new replicas would go now (preview; the reconciler decides when it acts). */
  hosts: z.array(z.string()),
  /** Why some replicas can't be placed right now, if so. */
  pending: z.string().nullable(),
});

export const StackPlan = z.object({
  stack: z.string(),
  applied: z.boolean(),
  services: z.array(ServicePlan),
  warnings: z.array(SpecProblemSchema),
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
  image: z.string(),
  revision: z.number().int(),
  desired: z.number().int(),
  running: z.number().int(),
  healthy: z.number().int(), // available: running and healthy (or running without a health check)
  pending: z.string().nullable(),
  ports: z.array(z.string()), // "8080->80/tcp (ingress)"
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
  health: z.enum(['none', 'starting', 'healthy', 'unhealthy']),
  revision: z.number().int(),
  current: z.boolean(), // runs the desired revision
  createdAt: z.string(),
});
export type ReplicaStatus = z.infer<typeof ReplicaStatus>;

/** "web" (when only one stack has it) or "shop/web". */
export const ServiceRef = z.string().regex(/^([a-z0-9][a-z0-9_-]*\/)?[a-z0-9][a-z0-9_-]*$/, 'name a service as SERVICE or STACK/SERVICE');

export const ScaleParams = z
  .object({
    targets: z.array(z.object({ service: ServiceRef, replicas: z.number().int().min(0).max(1000) }).strict()).min(1),
  })
  .strict();

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
  'stack.remove': { params: z.object({ name: z.string().min(1) }).strict(), result: z.object({ name: z.string(), services: z.array(z.string()) }) },
  'service.list': { params: z.object({ stack: z.string().optional() }).strict(), result: z.array(ServiceStatus) },
  'service.scale': { params: ScaleParams, result: z.array(ServiceStatus) },
  'replica.list': { params: z.object({ service: ServiceRef.optional() }).strict(), result: z.array(ReplicaStatus) },
} as const;

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
}

// ---------------------------------------------------------------- the wire (socket and WebSocket)
//
// Messages are JSON: one per line on the Unix socket, one per frame on the WebSocket.
// - WebSocket only: the first message must be `{ auth: TOKEN }`; the answer is `{ authed: true }`,
//   or `{ id: -1, error: { code: 'UNAUTHORIZED' } }` and a close with code WS_CLOSE_UNAUTHORIZED.
// - `{ id, method, params }` is answered by `{ id, result }` or `{ id, error }` (ids are the
//   client's; answers may come out of order).
// - One event subscription per connection: `{ id, subscribe: { after? } }` is answered by
//   `{ id, result: { subscribed: true, lastEventId } }`, then, when `after` is given, the stored events
//   with a greater id, then every new event as `{ event }`. A second subscribe replaces the first.
//   `{ id, unsubscribe: true }` ends it. `lastEventId` lets a client that saw nothing yet resume
//   without a gap after a reconnect.
// - `events.list` returns the newest `limit` events with an id greater than `after`, oldest first.

export const WS_CLOSE_UNAUTHORIZED = 4401;

export interface SubscribeResult {
  subscribed: boolean;
  lastEventId: number;
}

/** client → server */
export type WireRequest =
  | { id: number; method: MethodName; params: unknown }
  | { id: number; subscribe: { after?: number } }
  | { id: number; unsubscribe: true }
  | { auth: string };

/** server → client */
export type WireResponse =
  | { id: number; result: unknown }
  | { id: number; error: ErrorBody }
  | { event: BatonEvent }
  | { authed: true };
