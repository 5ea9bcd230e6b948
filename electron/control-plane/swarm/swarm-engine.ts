// A Swarm manager's Engine API, the part Baton uses: info, nodes, services and tasks. Thin: each
// call is one request over the manager's host session; what the answers mean is decided elsewhere.
import type { IncomingMessage } from 'node:http';
import type { HostSession } from '../hosts/host-session.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { SwarmServiceSpec } from '../../../shared/swarm-spec.ts';
import type { SwarmNodeAnswer } from './nodes.ts';

export type { SwarmNodeAnswer };

/** A service as GET /services answers, in the part Baton reads. */
export interface SwarmServiceAnswer {
  ID: string;
  Version: { Index: number };
  Spec: SwarmServiceSpec;
  /** The spec before the last update: what a rollback (update with rollback=previous) goes back to. */
  PreviousSpec?: SwarmServiceSpec;
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string };
  Endpoint?: { Ports?: { Protocol: string; TargetPort: number; PublishedPort?: number; PublishMode?: string }[] };
}

export interface SwarmTaskAnswer {
  ID: string;
  ServiceID: string;
  NodeID: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Err?: string; Timestamp: string };
  Spec: { ContainerSpec: { Image: string } };
}


interface Dialled {
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number>;
}

export class SwarmEngine {
  constructor(
    private readonly session: HostSession,
    /** "cluster prod (root@10.0.0.1:22)": for messages. */
    private readonly where: string,
  ) {}

  info(): Promise<unknown> {
    return this.dial({ method: 'GET', path: '/info' });
  }

  nodes(): Promise<SwarmNodeAnswer[]> {
    return this.dial({ method: 'GET', path: '/nodes' });
  }

  /** `version`: the index the node was read at; `spec`: the node's whole spec (what is left out is reset). */
  async updateNode(id: string, version: number, spec: Record<string, unknown>): Promise<void> {
    await this.dial({ method: 'POST', path: `/nodes/${id}/update`, query: { version }, body: spec });
  }

  /** The services of a stack (labelled com.docker.stack.namespace), or every stack's. */
  services(stack?: string): Promise<SwarmServiceAnswer[]> {
    const label = stack === undefined ? 'com.docker.stack.namespace' : `com.docker.stack.namespace=${stack}`;
    return this.dial({ method: 'GET', path: '/services', query: { filters: JSON.stringify({ label: [label] }), status: 'true' } });
  }

  tasks(serviceIds: string[]): Promise<SwarmTaskAnswer[]> {
    if (serviceIds.length === 0) return Promise.resolve([]);
    return this.dial({ method: 'GET', path: '/tasks', query: { filters: JSON.stringify({ service: serviceIds }) } });
  }

  async create(spec: SwarmServiceSpec): Promise<string> {
    const answer: { ID: string } = await this.dial({ method: 'POST', path: '/services/create', body: spec });
    return answer.ID;
  }

  /** `version`: the index the service was read at; Swarm refuses the update if it moved since. */
  async update(id: string, version: number, spec: SwarmServiceSpec): Promise<void> {
    await this.dial({ method: 'POST', path: `/services/${id}/update`, query: { version }, body: spec });
  }

  /** Swarm's rollback: the service goes back to its PreviousSpec (the spec sent is the current one, as docker service rollback sends it). */
  async rollback(id: string, version: number, spec: SwarmServiceSpec): Promise<void> {
    await this.dial({ method: 'POST', path: `/services/${id}/update`, query: { version, rollback: 'previous' }, body: spec });
  }

  /**
   * A service's log, every task's merged, as Docker multiplexes it (8-byte frame headers): each
   * line stamped and prefixed with its task, node and service (details). Rides the session's pool
   * for long streams.
   */
  serviceLogs(id: string, options: { follow: boolean; tail: number }, signal: AbortSignal): Promise<IncomingMessage> {
    const modem = (this.session.streams as unknown as { modem: { dial(options: object, cb: (err: unknown, data: unknown) => void): void } }).modem;
    return new Promise((resolve, reject) => {
      modem.dial(
        {
          path: `/services/${id}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: signal,
          statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
          options: { stdout: true, stderr: true, timestamps: true, details: true, follow: options.follow, tail: String(options.tail) },
        },
        (err, data) => {
          if (!err) return resolve(data as IncomingMessage);
          const e = err as { statusCode?: number; json?: { message?: string } | null; message: string };
          reject(new BatonError('DOCKER_ERROR', `The swarm manager of ${this.where} refused the log of service ${id}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.json?.message ?? e.message}`, { status: e.statusCode ?? null }, 'Check docker service logs on the manager.'));
        },
      );
    });
  }

  private dial<T>({ path, method, body, query }: Dialled): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.docker.modem.dial(
        {
          path: `${path}?`,
          method,
          options: { _query: query ?? {}, ...(body !== undefined ? { _body: body } : {}) },
          statusCodes: { 200: true, 201: true, 204: true, 400: 'bad parameter', 404: 'not found', 409: 'conflict', 500: 'server error', 503: 'node is not part of a swarm' },
        },
        (err, data) => {
          if (err) {
            const e = err as { statusCode?: number; json?: { message?: string } | null; message: string };
            const said = e.json?.message ?? e.message;
            reject(
              new BatonError(
                'DOCKER_ERROR',
                `The swarm manager of ${this.where} refused ${method} ${path}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${said}`,
                { path, status: e.statusCode ?? null },
                e.statusCode === 503 ? 'The manager has left the swarm or the swarm has no leader: check docker node ls on a manager.' : 'Check docker service ls on the manager.',
              ),
            );
            return;
          }
          resolve(data as T);
        },
      );
    });
  }
}
