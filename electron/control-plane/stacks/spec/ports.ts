// ports and expose: short ("8080:80", "80", "8080:80/udp", "8000-8001:80-81") and long forms.
import type { LoopbackAddress, PortSpec, Protocol } from '../../../../shared/stack.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { got, isDict, readChoice, readInt } from './values.ts';

export interface PortEntry {
  spec: PortSpec;
  /** Where it was written, for conflicts between services. */
  path: Path;
}

type Parsed = { ports: PortSpec[] } | { error: string };

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

export function readPorts(ctx: SpecContext, path: Path, value: unknown): PortEntry[] {
  if (!Array.isArray(value)) return [];
  const out: PortEntry[] = [];
  value.forEach((item, i) => {
    const itemPath = [...path, i];
    if (typeof item === 'number' || typeof item === 'string') {
      const parsed = parseShortPort(String(item), true);
      if ('error' in parsed) ctx.problems.error(itemPath, parsed.error);
      else out.push(...parsed.ports.map((spec) => ({ spec, path: itemPath })));
    } else if (isDict(item)) {
      const spec = readLongPort(ctx, itemPath, item);
      if (spec) out.push({ spec, path: itemPath });
    }
  });
  return out;
}

/** `expose`: container ports reachable inside Baton's network, published nowhere, bound on no host address. */
export function readExpose(ctx: SpecContext, path: Path, value: unknown): PortEntry[] {
  if (!Array.isArray(value)) return [];
  const out: PortEntry[] = [];
  value.forEach((item, i) => {
    if (typeof item !== 'number' && typeof item !== 'string') return;
    const parsed = parseShortPort(String(item), false);
    if ('error' in parsed) ctx.problems.error([...path, i], parsed.error);
    else out.push(...parsed.ports.map((spec): PortEntry => ({ spec: { ...spec, exposeOnly: true }, path: [...path, i] })));
  });
  return out;
}

/** [[host-ip:][published]:]target[/protocol], where published and target may be ranges. */
export function parseShortPort(text: string, publishable: boolean): Parsed {
  const example = publishable ? 'write "8080:80", "80" or "8080:80/udp"' : 'write "3000" or "3000/udp"';
  let rest = text.trim();
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp') return { error: `protocol "${p}" is not supported: use tcp or udp` };
    protocol = p;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | null = null;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end === -1) return { error: `"${text}" is not a port mapping: ${example}` };
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  if (hostIp === null && parts.length === 3) hostIp = parts.shift()!;
  if (parts.length > 2 || (!publishable && parts.length > 1)) return { error: `"${text}" is not a ${publishable ? 'port mapping' : 'port'}: ${example}` };
  let bound: HostBinding = {};
  if (hostIp !== null) {
    const binding = hostBinding(hostIp);
    if ('error' in binding) return { error: `"${text}" ${binding.error}; remove "${hostIp}:"` };
    bound = binding;
  }
  const targetText = parts[parts.length - 1]!;
  const publishedText = parts.length === 2 && parts[0] !== '' ? parts[0]! : null;
  const targets = portRange(targetText);
  if (!targets) return { error: `"${text}": "${targetText}" is not a container port (1-65535) or range: ${example}` };
  if (publishedText === null) {
    if (bound.hostIp && protocol === 'udp') return { error: `"${text}" binds a UDP port to ${bound.hostIp}, which the ingress does not carry: remove "${hostIp}:"` };
    if (bound.hostIp) return { error: `"${text}" binds a random host port to ${bound.hostIp}, which Baton does not do: publish a port ("${hostIp}:8080:${targetText}") or remove "${hostIp}:"` };
    return { ports: targets.map((target) => ({ target, published: null, protocol, mode: 'ingress' })) };
  }
  if (bound.hostIp && protocol === 'udp') return { error: `"${text}" binds a UDP port to ${bound.hostIp}, which the ingress does not carry (it binds TCP ports): remove "${hostIp}:"` };
  const published = portRange(publishedText);
  if (!published) return { error: `"${text}": "${publishedText}" is not a published port (1-65535) or range: ${example}` };
  if (published.length !== targets.length) {
    return {
      error:
        targets.length === 1
          ? `"${text}" publishes a range for one container port, which is not supported: choose one published port`
          : `"${text}" maps ${published.length} published ports to ${targets.length} container ports: make the ranges the same length`,
    };
  }
  return { ports: targets.map((target, i) => ({ target, published: published[i]!, protocol, mode: 'ingress', ...bound })) };
}

type HostBinding = { hostIp?: LoopbackAddress };

/**
 * Where a published port may be bound on every host alike: all addresses (no field, as when
 * none is written) or each host's loopback. Any other address belongs to one machine, and the
 * ingress binds a published port on every host.
 */
export function hostBinding(ip: string): HostBinding | { error: string } {
  const address = ip.trim().toLowerCase();
  if (address === '0.0.0.0' || address === '::' || address === '') return {};
  if (address === '127.0.0.1' || address === 'localhost') return { hostIp: '127.0.0.1' };
  if (address === '::1') return { hostIp: '::1' };
  return {
    error: `binds the port to ${ip}, an address of one machine, which is not supported: Baton's ingress publishes a port on every host, on all its addresses or on its loopback (127.0.0.1)`,
  };
}

/** "80" → [80]; "8000-8002" → [8000, 8001, 8002]; null if it is not one. */
function portRange(text: string): number[] | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (!validPort(start) || !validPort(end) || end < start) return null;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function readLongPort(ctx: SpecContext, path: Path, item: Record<string, unknown>): PortSpec | null {
  const { problems } = ctx;
  let ok = true;
  let bound: HostBinding = {};
  if (item.host_ip !== undefined) {
    const binding = typeof item.host_ip === 'string' ? hostBinding(item.host_ip) : { error: `is not an address ${got(item.host_ip)}` };
    if ('error' in binding) {
      problems.error([...path, 'host_ip'], `\`host_ip\` ${binding.error}; remove \`host_ip\``);
      ok = false;
    } else bound = binding;
  }
  if (item.target === undefined) {
    problems.error([...path, 'target'], '`target` (the container port) is required in the long form', { placeAt: path });
    return null;
  }
  const target = readInt(problems, [...path, 'target'], item.target, { min: 1, max: 65535 });
  let published: number | null = null;
  if (item.published !== undefined && item.published !== null && item.published !== '') {
    if (typeof item.published === 'string' && /^\d+-\d+$/.test(item.published.trim())) {
      problems.error([...path, 'published'], `a published range ${got(item.published)} is not supported in the long form: publish one port per entry`);
      ok = false;
    } else {
      const p = readInt(problems, [...path, 'published'], item.published, { min: 1, max: 65535 });
      if (p === undefined) ok = false;
      else published = p;
    }
  }
  const protocol = item.protocol === undefined ? 'tcp' : readChoice(problems, [...path, 'protocol'], item.protocol, PROTOCOLS);
  const mode = item.mode === undefined ? 'ingress' : readChoice(problems, [...path, 'mode'], item.mode, ['ingress', 'host'] as const);
  let appProtocol: string | undefined;
  if (item.app_protocol !== undefined) {
    if (typeof item.app_protocol !== 'string' || !/^[a-z][a-z0-9+.-]{0,31}$/i.test(item.app_protocol)) {
      problems.error([...path, 'app_protocol'], `\`app_protocol\` must be a protocol name such as http or tcp ${got(item.app_protocol)}`);
      ok = false;
    } else appProtocol = item.app_protocol.toLowerCase();
  }
  if (bound.hostIp && published === null) {
    problems.error([...path, 'host_ip'], `\`host_ip\` ${bound.hostIp} with no \`published\` port would bind a random host port there, which Baton does not do: give \`published\`, or remove \`host_ip\``);
    ok = false;
  }
  if (bound.hostIp && protocol === 'udp') {
    problems.error([...path, 'host_ip'], `\`host_ip\` on a UDP port: the ingress binds TCP ports only; remove \`host_ip\``);
    ok = false;
  }
  if (bound.hostIp && mode === 'host') {
    problems.error([...path, 'host_ip'], `\`host_ip\` is for ports published through the ingress: with \`mode: host\`, remove \`host_ip\``);
    ok = false;
  }
  if (!ok || target === undefined || protocol === undefined || mode === undefined) return null;
  return { target, published, protocol, mode, ...(appProtocol ? { appProtocol } : {}), ...bound };
}
