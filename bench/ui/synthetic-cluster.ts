// A made-up cluster behind the real contract, for the UI benchmark: HOSTS hosts, services
// spread over them, and a stream of events that change replicas' health. Every answer is
// checked against shared/api.ts, so the renderer sees exactly what a real control plane sends.
import { methods, type BatonEvent, type ClusterSnapshot, type Host, type ReplicaStatus, type ServiceStatus } from '../../shared/api.ts';
import type { Envelope } from '../../shared/errors.ts';
import type { ControlPlaneLike } from '../../electron/server/control-plane-like.ts';

export interface SyntheticOptions {
  hosts: number;
  services: number;
  replicas: number; // in all
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

  constructor(options: SyntheticOptions) {
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
