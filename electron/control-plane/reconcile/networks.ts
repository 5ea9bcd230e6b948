// The Docker networks on a host: Baton's `baton` (every replica and endpoint), one per stack
// (`<stack>_default`, where a stack's services find each other by their bare names), and the ones
// a stack declares (made as declared, or, external, only looked for). Made sure of once per
// session of the host's link, one check at a time per name.
import type { Engine, NetworkCreateOptions } from '../hosts/engine.ts';
import type { Logger } from '../log.ts';

/** A stack's own network on each host: its services find each other there by their bare names. */
export function stackNetwork(stack: string): string {
  return `${stack}_default`;
}

export class Networks {
  private readonly ready = new WeakMap<Engine, Map<string, Promise<void>>>();

  constructor(private readonly deps: { clusterId: string; log: Logger }) {}

  /**
   * The network exists on the engine's host, exactly once. `how`: what to make it with (labels,
   * driver options, internal); null for an external network, which must be there already:
   * Baton neither creates nor removes it. `key`: its key in the stack file, for messages.
   */
  ensure(engine: Engine, name: string, how: (NetworkCreateOptions & { labels?: Record<string, string> }) | null = {}, key: string = name): Promise<void> {
    let byName = this.ready.get(engine);
    if (!byName) this.ready.set(engine, (byName = new Map()));
    let ready = byName.get(name);
    if (!ready) {
      ready = this.make(engine, name, how, key).catch((err: unknown) => {
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
  private async make(engine: Engine, name: string, how: (NetworkCreateOptions & { labels?: Record<string, string> }) | null, key: string): Promise<void> {
    const named = await engine.networksNamed(name);
    if (named.length === 0) {
      if (how === null) {
        throw new Error(`external network ${name} is not on ${engine.host}: create it there (docker network create ${name}), or drop \`external: true\` from network \`${key}\` to have Baton create it on each host`);
      }
      const { labels, ...options } = how;
      await engine.createNetwork(name, { ...labels, 'baton.cluster': this.deps.clusterId }, options);
      return;
    }
    if (how === null) return; // external: used as it is, duplicates and all
    if (named.length === 1) return;
    const details = (await Promise.all(named.map((n) => engine.inspectNetwork(n.Id)))).filter((d) => d !== null);
    details.sort((a, b) => Object.keys(b.Containers ?? {}).length - Object.keys(a.Containers ?? {}).length || Date.parse(a.Created ?? '') - Date.parse(b.Created ?? ''));
    for (const extra of details.slice(1)) {
      await engine.removeNetwork(extra.Id).catch((err: unknown) => this.deps.log.warn({ network: extra.Id, err: (err as Error).message }, `could not remove a duplicate of Baton's network ${name}`));
    }
  }
}
