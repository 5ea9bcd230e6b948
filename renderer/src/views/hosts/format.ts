import type { Host } from '../../../../shared/api.ts';

/** 17179869184 → "16 GiB", 2684354560 → "2.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}

/** Where the host is reached: `user@address` (with `:port` when not 22), or its engine's socket. */
export function hostAddress(host: Host): string {
  if (host.ssh !== null) {
    const port = host.ssh.port === 22 ? '' : `:${host.ssh.port}`;
    return `${host.ssh.user}@${host.ssh.address}${port}`;
  }
  return host.socketPath === null ? '—' : `unix://${host.socketPath}`;
}

/** "x86_64" and "amd64" are the same thing; show what people call it on servers. */
export function formatArch(arch: string): string {
  const known: Record<string, string> = { x86_64: 'x86-64', amd64: 'x86-64', aarch64: 'arm64', arm64: 'arm64' };
  return known[arch] ?? arch;
}

export function summarizeHosts(hosts: readonly Host[]): { total: number; ready: number; unreachable: number; other: number } {
  const ready = hosts.filter((host) => host.state === 'ready').length;
  const unreachable = hosts.filter((host) => host.state === 'unreachable').length;
  return { total: hosts.length, ready, unreachable, other: hosts.length - ready - unreachable };
}
