// A made-up cluster behind the real contract, for the UI benchmark: HOSTS hosts, services
// spread over them, and a stream of events that change replicas' health. Every answer is
// checked against shared/api.ts, so the renderer sees exactly what a real control plane sends.
import { methods, type BatonEvent, type ClusterSnapshot, type Host, type ReplicaStatus, type ServiceStatus } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';
import type { ControlPlaneLike, StreamCancel, StreamHandlersOnTheWire } from '../../electron/server/control-plane-like.ts';
import { AutoscaleStatus } from '../../shared/autoscale.ts';
import { MetricsFrame } from '../../shared/metrics.ts';
import type { ServiceSpec } from '../../shared/stack.ts';
import { autoscaleDecisions, metricsFrame, replicaHistory } from './synthetic-metrics.ts';

export interface SyntheticOptions {
  hosts: number;
  services: number;
  replicas: number; // in all
  /** Send a metrics frame a second on the `metrics` stream (else the stream is refused, as before). */
  metrics?: boolean;
}

const GIB = 1024 ** 3;
const STARTED = new Date('2026-11-01T09:00:00Z').toISOString();

function host(i: number): Host {
  const name = `node-${String(i + 1).padStart(2, '0')}`;
  return {
    name,
    kind: 'ssh',
    ssh: { user: 'root', address: `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 22 },
    socketPath: '/var/run/docker.sock',
    auth: 'key',
    identityFile: '/home/ops/.ssh/id_ed25519',
    hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
    labels: { zone: `zone-${(i % 3) + 1}` },
    state: 'ready',
    stateReason: null,
    inventory: {
      hostname: name,
      os: 'Debian GNU/Linux 12 (bookworm)',
      osType: 'linux',
      kernel: '6.1.0-26-amd64',
      architecture: 'x86_64',
      cpus: 8,
      memoryBytes: 32 * GIB,
      dockerVersion: '20.10.24',
      apiVersion: '1.41',
      engineLabels: [],
    },
    addedAt: STARTED,
    lastSeenAt: STARTED,
  };
}

export class SyntheticCluster implements ControlPlaneLike {
  readonly hosts: Host[];
  readonly services: ServiceStatus[];
  readonly replicas: ReplicaStatus[];
  private eventId = 0;
  private readonly listeners = new Set<(event: BatonEvent) => void>();
  /** Requests the page made, by method (the benchmark checks the page did not poll). */
  readonly calls = new Map<string, number>();

  /** Metrics frames sent, over every open stream. */
  framesSent = 0;
  private readonly metrics: boolean;

  constructor(options: SyntheticOptions) {
    this.metrics = options.metrics ?? false;
    this.hosts = Array.from({ length: options.hosts }, (_, i) => host(i));
    this.services = [];
    this.replicas = [];
    const perService = Math.floor(options.replicas / options.services);
    for (let s = 0; s < options.services; s++) {
      const stack = `stack-${(s % 4) + 1}`;
      const name = `svc-${String(s + 1).padStart(2, '0')}`;
      const count = s === options.services - 1 ? options.replicas - perService * (options.services - 1) : perService;
      this.services.push({
        stack,
        name,
        image: `registry.example/${name}:1.${s}`,
        desiredImage: `registry.example/${name}:1.${s}`,
        revision: 1,
        desired: count,
        running: count,
        healthy: count,
        available: count,
        unknown: 0,
        starting: 0,
        unhealthy: 0,
        noHealthCheck: 0,
        stopped: 0,
        unknownHosts: [],
        revisions: [{ revision: 1, image: `registry.example/${name}:1.${s}`, running: count, healthy: count, available: count, unknown: 0 }],
        pending: null,
        ports: [`${9000 + s}->8080/tcp (ingress)`],
        portReach: [{ target: 8080, protocol: 'tcp', published: 9000 + s, reach: 'ingress' }],
        preferredHost: null,
        reservation: { nanoCpus: 50_000_000, memoryBytes: 64 * 1024 * 1024 },
      });
      for (let slot = 1; slot <= count; slot++) {
        const hostIndex = (s * 7 + slot) % options.hosts;
        this.replicas.push({
          id: `${String(s).padStart(4, '0')}${String(slot).padStart(4, '0')}`.padEnd(64, 'f'),
          name: `${stack}-${name}-${slot}`,
          stack,
          service: name,
          slot,
          host: this.hosts[hostIndex]!.name,
          hostReady: true,
          state: 'running',
          health: 'healthy',
          status: 'healthy',
          revision: 1,
          current: true,
          createdAt: STARTED,
        });
      }
    }
    methods['cluster.snapshot'].result.parse(this.snapshot()); // the made-up picture obeys the contract
    if (this.metrics) MetricsFrame.parse(metricsFrame(this.hosts, this.replicas, Date.now())); // and so do its frames
  }

  /** The `metrics` stream: a frame now, then one a second, as the control plane sends them. */
  stream(name: string, params: unknown, handlers: StreamHandlersOnTheWire): StreamCancel {
    if (name !== 'metrics' || !this.metrics) {
      queueMicrotask(() => handlers.end({ code: 'INVALID_INPUT', message: `The benchmark's cluster has no ${name} stream.` }));
      return () => {};
    }
    const { service, hostsOnly } = (params ?? {}) as { service?: string; hostsOnly?: boolean };
    const send = (): void => {
      this.framesSent++;
      const frame = metricsFrame(this.hosts, this.replicas, Date.now(), service);
      handlers.chunk(hostsOnly === true ? { ...frame, replicas: [] } : frame);
    };
    queueMicrotask(send);
    const timer = setInterval(send, 1000);
    return () => clearInterval(timer);
  }

  private spec(s: ServiceStatus): ServiceSpec {
    const update = { parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5000, maxFailureRatio: 0, order: 'start-first' } as const;
    return {
      stack: s.stack, name: s.name, image: s.image, command: null, entrypoint: null, environment: {}, labels: {}, ports: [], healthcheck: null,
      replicas: s.desired, limits: { nanoCpus: null, memoryBytes: null }, reservations: { nanoCpus: 50_000_000, memoryBytes: 64 * 1024 * 1024 },
      placement: { constraints: [], spreadOver: [], maxReplicasPerHost: null }, update, rollback: update,
      restart: { condition: 'any', delayMs: 0, maxAttempts: null, windowMs: 0 }, secrets: [], configs: [], volumes: [], networks: [],
      stopGracePeriodMs: 10_000, autoscale: null,
    };
  }

  private findService(ref: string): ServiceStatus | undefined {
    return this.services.find((s) => `${s.stack}/${s.name}` === ref || s.name === ref);
  }

  snapshot(): ClusterSnapshot {
    const usage = new Map(this.hosts.map((h) => [h.name, { host: h.name, replicas: 0, nanoCpusReserved: 0, memoryBytesReserved: 0 }]));
    for (const r of this.replicas) {
      const u = usage.get(r.host)!;
      u.replicas++;
      u.nanoCpusReserved += 50_000_000;
      u.memoryBytesReserved += 64 * 1024 * 1024;
    }
    for (const s of this.services) {
      const mine = this.replicas.filter((r) => r.stack === s.stack && r.service === s.name);
      s.running = mine.filter((r) => r.state === 'running').length;
      s.healthy = mine.filter((r) => r.state === 'running' && r.health === 'healthy').length;
    }
    return { lastEventId: this.eventId, hosts: this.hosts, usage: [...usage.values()], services: this.services, replicas: this.replicas };
  }

  /** Flips one replica between healthy and unhealthy and tells the subscribers. Returns its name and new health. */
  flip(index: number): { name: string; health: string } {
    const r = this.replicas[index % this.replicas.length]!;
    r.health = r.health === 'healthy' ? 'unhealthy' : 'healthy';
    this.emit({
      kind: r.health === 'healthy' ? 'replica.healthy' : 'replica.unhealthy',
      severity: r.health === 'healthy' ? 'info' : 'warning',
      host: r.host,
      stack: r.stack,
      service: r.service,
      replica: r.name,
      message: `${r.name} ${r.health === 'healthy' ? 'passed' : 'failed'} its health check`,
    });
    return { name: r.name, health: r.health };
  }

  private emit(fields: Omit<BatonEvent, 'id' | 'time' | 'data'>): void {
    const event: BatonEvent = { id: ++this.eventId, time: new Date().toISOString(), data: null, ...fields };
    for (const listener of this.listeners) listener(event);
  }

  async dispatch(method: string, params: unknown): Promise<Envelope<unknown>> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const answer = this.answer(method, params as Record<string, unknown>);
    if (answer === undefined) return { error: { code: 'INVALID_INPUT', message: `The benchmark's cluster does not answer ${method}.` } };
    return { result: answer };
  }

  private answer(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'cluster.snapshot':
        return this.snapshot();
      case 'host.list':
        return this.hosts;
      case 'events.list':
        return [];
      case 'system.info':
        return { version: 'bench', home: '/bench', startedAt: STARTED, hosts: this.hosts.length, hostsReady: this.hosts.length };
      case 'host.localEngine':
        return null;
      case 'host.sshConfig':
        return [];
      case 'stack.list':
        return [...new Set(this.services.map((s) => s.stack))].map((name) => ({ name, file: `${name}.yaml`, services: this.services.filter((s) => s.stack === name).map((s) => s.name), updatedAt: STARTED }));
      case 'service.list':
        return this.snapshot().services;
      case 'replica.list':
        return this.replicas;
      case 'service.scale': {
        // a drop at the end of a drag: record it, change nothing (the benchmark measures drawing)
        const targets = params['targets'] as { service: string }[];
        return this.services.filter((s) => targets.some((t) => t.service === `${s.stack}/${s.name}` || t.service === s.name));
      }
      case 'metrics.history': {
        const key = params['replica'] ?? params['host'];
        const i = this.replicas.findIndex((r) => r.name === key || r.id === key);
        // 15 minutes of a replica's seconds; a host's series is not made up (the chart fills live)
        return { key: `${params['replica'] !== undefined ? 'replica' : 'host'}:${String(key)}`, range: 'hour', points: i < 0 ? [] : replicaHistory(i, Date.now(), 900) };
      }
      case 'service.inspect': {
        const s = this.findService(String(params['service']));
        return s === undefined ? undefined : { status: s, spec: this.spec(s), file: `${s.stack}.yaml`, revisions: [{ revision: 1, createdAt: STARTED }], events: [] };
      }
      case 'autoscale.status': {
        const s = this.findService(String(params['service']));
        if (s === undefined) return undefined;
        const decisions = autoscaleDecisions(Date.now(), 900);
        const status: AutoscaleStatus = { service: `${s.stack}/${s.name}`, policy: { min: 2, max: 200, cpuPercent: 60, requestsPerSecond: null, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 300_000 }, replicas: s.desired, last: decisions.at(-1) ?? null, decisions };
        return status;
      }
      case 'host.inspect': {
        const h = this.hosts.find((x) => x.name === params['name']);
        return h === undefined ? undefined : { host: h, events: [] };
      }
      default:
        return undefined;
    }
  }

  subscribe(listener: (event: BatonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  lastEventId(): number {
    return this.eventId;
  }
}
