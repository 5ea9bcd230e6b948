// Compose's platforms ("linux/amd64", "linux/arm64/v8", Go's names) against what a host's Docker
// engine says it is in /info (OSType "linux", Architecture "x86_64", "aarch64", the kernel's names).

/** Go's architecture names → the names an engine's /info gives for a host that runs them. */
export const PLATFORM_ARCHITECTURES: Readonly<Record<string, readonly string[]>> = {
  amd64: ['x86_64', 'amd64'],
  arm64: ['aarch64', 'arm64'],
  arm: ['armv7l', 'armv6l', 'armhf', 'arm'],
  '386': ['i386', 'i686', 'x86'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
  mips64le: ['mips64'],
  loong64: ['loongarch64'],
};

/** Does a host whose engine says (OSType, Architecture) run images of this platform? */
export function platformMatches(platform: string, osType: string, architecture: string): boolean {
  const [os = '', arch = '', variant] = platform.toLowerCase().split('/');
  const hostArch = architecture.toLowerCase();
  if (os !== osType.toLowerCase()) return false;
  if (!Object.hasOwn(PLATFORM_ARCHITECTURES, arch) || !PLATFORM_ARCHITECTURES[arch]!.includes(hostArch)) return false;
  // an arm variant names the instruction set: v6 images run on an armv7l host, v7 images not on armv6l
  if (arch === 'arm' && variant === 'v7') return hostArch !== 'armv6l';
  return true;
}

/** How the platform a host runs is written in Compose: (linux, x86_64) → "linux/amd64"; the engine's own words when there is no Go name for them. */
export function hostPlatform(osType: string, architecture: string): string {
  const hostArch = architecture.toLowerCase();
  const go = Object.entries(PLATFORM_ARCHITECTURES).find(([, names]) => names.includes(hostArch))?.[0];
  return `${osType.toLowerCase()}/${go ?? hostArch}`;
}
