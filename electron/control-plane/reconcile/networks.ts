// Baton's Docker networks on a host: `baton` (every replica and endpoint) and one per stack
// (`<stack>_default`, where a stack's services find each other by their bare names). Made sure of
// once per session of the host's link, one check at a time per name.
import type { Engine } from '../hosts/engine.ts';
import type { Logger } from '../log.ts';

/** A stack's own network on each host: its services find each other there by their bare names. */
export function stackNetwork(stack: string): string {
  return `${stack}_default`;
}

export class Networks {
  private readonly ready = new WeakMap<Engine, Map<string, Promise<void>>>();

  constructor(private readonly deps: { clusterId: string; log: Logger }) {}

  /** The network exists on the engine's host, exactly once. */
  ensure(engine: Engine, name: string): Promise<void> {
    let byName = this.ready.get(engine);
    if (!byName) this.ready.set(engine, (byName = new Map()));
    let ready = byName.get(name);
    if (!ready) {
      ready = this.make(engine, name).catch((err: unknown) => {
        byName.delete(name);
        throw err;
      });
      byName.set(name, ready);
    }
    return ready;
  }

  /** Look again next time (a create failed because the network became ambiguous or vanished). */
  forget(engine: Engine, name: string): void {
    this.ready.get(engine)?.delete(name);
  }

  /**
   * Docker lets two networks share a name, and then refuses every container that names it
   * ("network baton is ambiguous"). So: creates on one host wait for one check, and duplicates
   * that two control planes made at once are removed (the one with containers, else the oldest,
   * stays).
   */
  private async make(engine: Engine, name: string): Promise<void> {
    const named = await engine.networksNamed(name);
    if (named.length === 0) {
      await engine.createNetwork(name, { 'baton.cluster': this.deps.clusterId });
      return;
    }
    if (named.length === 1) return;
    const details = (await Promise.all(named.map((n) => engine.inspectNetwork(n.Id)))).filter((d) => d !== null);
    details.sort((a, b) => Object.keys(b.Containers ?? {}).length - Object.keys(a.Containers ?? {}).length || Date.parse(a.Created ?? '') - Date.parse(b.Created ?? ''));
    for (const extra of details.slice(1)) {
      await engine.removeNetwork(extra.Id).catch((err: unknown) => this.deps.log.warn({ network: extra.Id, err: (err as Error).message }, `could not remove a duplicate of Baton's network ${name}`));
    }
  }
}
