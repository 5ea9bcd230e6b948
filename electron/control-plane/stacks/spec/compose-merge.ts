// Compose's merge rules, for a service that `extends` another: the local service's values win;
// mappings merge key by key; lists that add up (ports, expose, dns, env_file, …) are joined without
// repeats; mounts are merged by their path in the container; command-like values are replaced.
import { isDict, type Dict } from './values.ts';

/** Written as a list or a map, merged as a map ("A=b" / "A" in a list is A → b / A → null). */
const KEY_VALUE_KEYS = new Set(['environment', 'labels', 'annotations', 'extra_hosts', 'sysctls', 'ulimits', 'depends_on', 'networks', 'build_args']);
/** Lists joined without repeats, the base's first. */
const JOINED_KEYS = new Set(['ports', 'expose', 'dns', 'dns_search', 'dns_opt', 'env_file', 'tmpfs', 'cap_add', 'cap_drop', 'devices', 'security_opt', 'group_add', 'external_links', 'links', 'volumes_from', 'profiles']);
/** Lists of mounts: merged by the path in the container, the local entry winning. */
const MOUNT_KEYS = new Set(['volumes', 'secrets', 'configs']);
/** Replaced as a whole: a command is not merged word by word. */
const REPLACED_KEYS = new Set(['command', 'entrypoint', 'image', 'healthcheck.test']);

export function mergeService(base: Dict, local: Dict): Dict {
  return mergeMaps(base, local, '');
}

function mergeMaps(base: Dict, local: Dict, prefix: string): Dict {
  const out: Dict = { ...base };
  for (const [key, value] of Object.entries(local)) {
    const where = prefix === '' ? key : `${prefix}.${key}`;
    out[key] = Object.hasOwn(base, key) ? mergeValue(where, key, base[key], value, prefix === '') : value;
  }
  return out;
}

function mergeValue(where: string, key: string, base: unknown, local: unknown, topLevel: boolean): unknown {
  if (REPLACED_KEYS.has(where) || local === null || base === null || base === undefined) return local;
  if (topLevel && KEY_VALUE_KEYS.has(key)) return mergeMaps(asMap(key, base), asMap(key, local), where);
  if (topLevel && MOUNT_KEYS.has(key) && Array.isArray(base) && Array.isArray(local)) return mergeMounts(key, base, local);
  if (topLevel && JOINED_KEYS.has(key)) return joined(asList(base), asList(local));
  if (isDict(base) && isDict(local)) return mergeMaps(base, local, where);
  return local;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function joined(base: unknown[], local: unknown[]): unknown[] {
  const seen = new Set(base.map((v) => JSON.stringify(v)));
  return [...base, ...local.filter((v) => !seen.has(JSON.stringify(v)))];
}

/** A list-or-map key as a map: `["A=b", "C"]` → { A: "b", C: null }; networks and depends_on lists → { name: null }. */
export function asMap(key: string, value: unknown): Dict {
  if (isDict(value)) return value;
  const out: Dict = {};
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (typeof item !== 'string') continue;
    if (key === 'networks' || key === 'depends_on') {
      out[item] = key === 'depends_on' ? { condition: 'service_started' } : null;
      continue;
    }
    const sep = key === 'extra_hosts' ? /[=:]/.exec(item) : /=/.exec(item);
    if (sep) out[item.slice(0, sep.index)] = item.slice(sep.index + 1);
    else out[item] = null;
  }
  return out;
}

function mergeMounts(key: string, base: unknown[], local: unknown[]): unknown[] {
  const targetOf = (m: unknown): string => mountTarget(key, m) ?? JSON.stringify(m);
  const localTargets = new Set(local.map(targetOf));
  return [...base.filter((m) => !localTargets.has(targetOf(m))), ...local];
}

/** Where a mount lands in the container: "./data:/data:ro" → /data; a secret by its target or name. */
function mountTarget(key: string, mount: unknown): string | null {
  if (key === 'volumes') {
    if (typeof mount === 'string') {
      const parts = mount.split(':');
      return parts.length >= 2 ? parts[1]! : parts[0]!;
    }
    return isDict(mount) && typeof mount.target === 'string' ? mount.target : null;
  }
  if (typeof mount === 'string') return mount;
  if (!isDict(mount)) return null;
  if (typeof mount.target === 'string') return mount.target;
  return typeof mount.source === 'string' ? mount.source : null;
}
