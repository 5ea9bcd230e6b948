// The networks a replica joins after it is created, in order, with its names on each, pure. The
// replica is created on Baton's own `baton` network; then it joins the stack's `<stack>_default`
// (where the stack's services find each other by name, through their endpoints), then the
// networks its service lists, the higher `priority` first, as Compose orders them.
import type { NetworkJoin, ServiceSpec } from '../../../shared/stack.ts';
import type { NetworkCreateOptions } from '../hosts/engine.ts';
import { stackNetwork } from './networks.ts';

export interface ReplicaNetwork {
  /** The network's key in the stack file (`default` for the stack's own). */
  key: string;
  /** Its name on every host: `name:`, else `<stack>_<key>`. */
  name: string;
  /** The replica's DNS names there, beyond its container name. */
  aliases: string[];
  /** How Baton makes it on a host that lacks it; null: external, it must be there already. */
  create: (NetworkCreateOptions & { labels?: Record<string, string> }) | null;
}

/** A declared network's name on the hosts: Compose's `<stack>_<key>`, unless `name:` says otherwise. */
export function networkEngineName(stack: string, key: string, join: NetworkJoin | undefined): string {
  if (key === 'default') return stackNetwork(stack);
  return join?.name ?? `${stack}_${key}`;
}

export function replicaNetworks(spec: ServiceSpec): ReplicaNetwork[] {
  const options = spec.networkOptions ?? {};
  // on the stack's own network the service's name is its endpoint's, which balances over every
  // host; a replica holds only the extra aliases there
  const own: ReplicaNetwork = { key: 'default', name: stackNetwork(spec.stack), aliases: options['default']?.aliases ?? [], create: {} };
  const listed = spec.networks
    .filter((key) => key !== 'default')
    .map((key, order) => ({ key, order, join: options[key] }))
    .sort((a, b) => (b.join?.priority ?? 0) - (a.join?.priority ?? 0) || a.order - b.order);
  const out: ReplicaNetwork[] = [own];
  for (const { key, join } of listed) {
    const name = networkEngineName(spec.stack, key, join);
    if (out.some((n) => n.name === name)) continue;
    const aliases = [spec.name, ...(join?.aliases ?? []).filter((a) => a !== spec.name)];
    const create = join?.external
      ? null
      : {
          ...(join?.driverOpts ? { driverOpts: join.driverOpts } : {}),
          ...(join?.labels ? { labels: join.labels } : {}),
          ...(join?.internal ? { internal: true } : {}),
        };
    out.push({ key, name, aliases, create });
  }
  return out;
}
