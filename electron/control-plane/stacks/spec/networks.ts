// A service's `networks:` (a list of names, or a map of names to options) → the networks its
// replicas join and how: the declaration of each (copied, so each host can make it as declared)
// and the service's own options there (aliases, priority).
import type { NetworkDeclaration, NetworkJoin } from '../../../../shared/stack.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { didYouMean } from './suggest.ts';
import { isDict, readInt } from './values.ts';

/** A DNS name a network alias can be: labels of letters, digits, "_" and "-", split by dots. */
const ALIAS = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*$/;

export interface ServiceNetworks {
  networks: string[];
  /** Absent when no network joined has anything but the defaults. */
  networkOptions?: Record<string, NetworkJoin>;
}

/** Per-network keys Baton ignores, with why. */
const IGNORED: Record<string, string> = {
  ipv4_address:
    "`ipv4_address` is ignored: a fixed address can't be given to several replicas, and even one replica has two for a moment while a rolling update replaces it; each host's engine gives the address, and the service is reached by its name or an alias",
  ipv6_address:
    "`ipv6_address` is ignored: a fixed address can't be given to several replicas, and even one replica has two for a moment while a rolling update replaces it; each host's engine gives the address, and the service is reached by its name or an alias",
  mac_address: "`mac_address` is ignored: a fixed MAC address can't be given to several replicas",
  link_local_ips: "`link_local_ips` is ignored: a fixed address can't be given to several replicas",
  gw_priority:
    "`gw_priority` is ignored: engines take a gateway priority only from Docker API 1.48 (Docker 28) on, and Baton runs on older ones too; a replica's default route is Baton's own network",
};

export function readServiceNetworks(ctx: SpecContext, path: Path, value: unknown): ServiceNetworks {
  const names: { name: string; path: Path; options: unknown }[] = [];
  if (Array.isArray(value)) value.forEach((n, i) => typeof n === 'string' && names.push({ name: n, path: [...path, i], options: null }));
  else if (isDict(value)) for (const [name, options] of Object.entries(value)) names.push({ name, path: [...path, name], options });

  const networks: string[] = [];
  const networkOptions: Record<string, NetworkJoin> = {};
  for (const { name, path: p, options } of names) {
    const declared = ctx.declared.networks.has(name);
    if (!declared && name !== 'default') {
      ctx.problems.error(p, `network \`${name}\` is not declared: add it under the top-level \`networks:\` key${didYouMean(name, ctx.declared.networks)}`, { at: isDict(value) ? 'key' : 'value' });
      continue;
    }
    // Compose's implicit `default` network is the stack's own `<stack>_default`, always joined:
    // listed only when declared (as specs have had it), and options on it are still kept
    if (declared) networks.push(name);
    const own = readJoinOptions(ctx, p, options);
    const join = { ...(name === 'default' ? {} : declarationJoin(ctx.networkDeclarations[name])), ...own };
    if (Object.keys(join).length > 0) networkOptions[name] = join;
  }
  return { networks, ...(Object.keys(networkOptions).length > 0 ? { networkOptions } : {}) };
}

/** The declaration's keys that differ from the defaults (a network Baton makes, named `<stack>_<key>`). */
function declarationJoin(d: NetworkDeclaration | undefined): NetworkJoin {
  if (!d) return {};
  return {
    ...(d.name !== undefined ? { name: d.name } : {}),
    ...(d.external ? { external: true as const } : {}),
    ...(d.driverOpts ? { driverOpts: d.driverOpts } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
    ...(d.internal ? { internal: true as const } : {}),
  };
}

function readJoinOptions(ctx: SpecContext, path: Path, options: unknown): Pick<NetworkJoin, 'aliases' | 'priority'> {
  if (options === null || options === undefined) return {};
  if (!isDict(options)) {
    ctx.problems.error(path, 'write the network\'s options as a map (`aliases:`, `priority:`), or leave it empty');
    return {};
  }
  const out: Pick<NetworkJoin, 'aliases' | 'priority'> = {};
  for (const [key, v] of Object.entries(options)) {
    if (key.startsWith('x-')) continue;
    const at = [...path, key];
    if (key === 'aliases') {
      const aliases = readAliases(ctx, at, v);
      if (aliases.length > 0) out.aliases = aliases;
    } else if (key === 'priority') {
      const priority = readInt(ctx.problems, at, v);
      if (priority !== undefined && priority !== 0) out.priority = priority;
    } else if (IGNORED[key]) ctx.problems.warn(at, IGNORED[key], { at: 'key' });
    else ctx.problems.error(at, `per-network option \`${key}\` is not supported: Baton takes \`aliases\` and \`priority\` on a network`, { at: 'key' });
  }
  return out;
}

function readAliases(ctx: SpecContext, path: Path, value: unknown): string[] {
  if (!Array.isArray(value)) {
    ctx.problems.error(path, 'write `aliases` as a list of names');
    return [];
  }
  const out: string[] = [];
  value.forEach((a, i) => {
    if (typeof a === 'string' && ALIAS.test(a) && a.length <= 253) {
      if (!out.includes(a)) out.push(a);
    } else ctx.problems.error([...path, i], `alias ${JSON.stringify(a)} is not a DNS name: use letters, digits, "_" and "-", in labels split by dots`);
  });
  return out;
}
