// The last picture each host gave of Baton's replicas on it. A host that is lost keeps its last
// picture (its replicas may well still run), marked by the host links' state, not erased.
import { EventEmitter } from 'node:events';
import type { EngineVolume } from '../hosts/engine.ts';
import { byServiceKey, serviceKey, type ObservedReplica } from './replica.ts';

/**
 * What the executor is doing to a container: starting or removing it, or, asked by a person,
 * restarting it in place or stopping it (its die and start are then no crash and no news).
 */
export type ExecutorAction = 'start' | 'remove' | 'restart' | 'stop';

/**
 * 'change': the picture changed (a replica seen, changed or gone, a host listed or forgotten).
 * Readers that keep something in step with it (the ingress) listen, and coalesce.
 */
export class ClusterState extends EventEmitter<{ change: [] }> {
  private readonly byHost = new Map<string, Map<string, ObservedReplica>>();
  private readonly synced = new Set<string>();
  /** Hosts listed at least once by this process: the others' replicas are not known at all yet. */
  private readonly listed = new Set<string>();
  private readonly acting = new Map<string, ExecutorAction>();
  /** Each host's volumes, by engine name: where a host-local volume's data is (the scheduler's pins). */
  private readonly volumesByHost = new Map<string, Map<string, EngineVolume>>();

  /**
   * The executor is starting or removing this container and announces that itself, so the host
   * watch does not say the same change a second time.
   */
  beginAction(id: string, what: ExecutorAction): void {
    this.acting.set(id, what);
  }

  endAction(id: string): void {
    this.acting.delete(id);
  }

  actionOn(id: string): ExecutorAction | null {
    return this.acting.get(id) ?? null;
  }

  /** A full listing of one host replaces what we knew of it. */
  replaceHost(host: string, replicas: ObservedReplica[]): void {
    this.byHost.set(host, new Map(replicas.map((r) => [r.id, r])));
    this.synced.add(host);
    this.listed.add(host);
    this.emit('change');
  }

  /** Has this host ever been listed here? Before that, having no replicas of it means nothing. */
  wasListed(host: string): boolean {
    return this.listed.has(host);
  }

  /** Has this host been listed since it (re)connected? Until then its picture may be stale. */
  isSynced(host: string): boolean {
    return this.synced.has(host);
  }

  markStale(host: string): void {
    this.synced.delete(host);
  }

  forgetHost(host: string): void {
    this.byHost.delete(host);
    this.volumesByHost.delete(host);
    this.synced.delete(host);
    this.listed.delete(host);
    this.emit('change');
  }

  upsert(replica: ObservedReplica): void {
    let map = this.byHost.get(replica.host);
    if (!map) this.byHost.set(replica.host, (map = new Map()));
    map.set(replica.id, replica);
    this.emit('change');
  }

  remove(host: string, id: string): ObservedReplica | null {
    const map = this.byHost.get(host);
    const r = map?.get(id) ?? null;
    map?.delete(id);
    if (r) this.emit('change');
    return r;
  }

  find(host: string, id: string): ObservedReplica | null {
    return this.byHost.get(host)?.get(id) ?? null;
  }

  all(): ObservedReplica[] {
    return [...this.byHost.values()].flatMap((m) => [...m.values()]);
  }

  onHost(host: string): ObservedReplica[] {
    return [...(this.byHost.get(host)?.values() ?? [])];
  }

  replicasOf(stack: string, service: string): ObservedReplica[] {
    return this.all().filter((r) => r.stack === stack && r.service === service);
  }

  /** Every replica, grouped by "stack/service". */
  byService(): Map<string, ObservedReplica[]> {
    return byServiceKey(this.all());
  }

  /** A replica by its container name, its full id, or an id prefix of at least 12 characters. */
  findByRef(ref: string): ObservedReplica | null {
    const all = this.all();
    const exact = all.find((r) => r.name === ref || r.id === ref);
    if (exact) return exact;
    if (ref.length < 12 || !/^[0-9a-f]+$/.test(ref)) return null;
    const byPrefix = all.filter((r) => r.id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0]! : null;
  }

  serviceKeys(): Set<string> {
    return new Set(this.all().map((r) => serviceKey(r.stack, r.service)));
  }

  // ---- volumes: listed with the replicas, and kept in step by whoever creates or removes one

  replaceVolumes(host: string, volumes: EngineVolume[]): void {
    this.volumesByHost.set(host, new Map(volumes.map((v) => [v.name, v])));
  }

  upsertVolume(host: string, volume: EngineVolume): void {
    let map = this.volumesByHost.get(host);
    if (!map) this.volumesByHost.set(host, (map = new Map()));
    map.set(volume.name, volume);
  }

  removeVolume(host: string, name: string): void {
    this.volumesByHost.get(host)?.delete(name);
  }

  volumesOn(host: string): EngineVolume[] {
    return [...(this.volumesByHost.get(host)?.values() ?? [])];
  }

  hasVolume(host: string, name: string): boolean {
    return this.volumesByHost.get(host)?.has(name) ?? false;
  }
}
