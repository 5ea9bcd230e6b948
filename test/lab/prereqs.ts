// What the lab needs from the machine: root, and a few Debian packages. Missing packages
// are installed with apt-get when possible (the README promises the tests run on a fresh
// Debian machine as root).
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { run, tryRun } from './exec.ts';

const PACKAGES = 'docker.io openssh-server iproute2 haproxy busybox-static iptables chromium fonts-liberation';
export const INSTALL_HINT = `apt-get install ${PACKAGES}`;

// binary → Debian package providing it
const BINARIES: Record<string, string> = {
  dockerd: 'docker.io',
  docker: 'docker.io',
  containerd: 'containerd',
  runc: 'runc',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  ip: 'iproute2',
  iptables: 'iptables',
  haproxy: 'haproxy',
  busybox: 'busybox-static',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  tar: 'tar',
  useradd: 'passwd',
  usermod: 'passwd',
  ldd: 'libc-bin',
  umount: 'mount',
  chromium: 'chromium', // the browser tests (Playwright drives Debian's Chromium)
};

// Throws unless root; makes sure the sbin directories are on PATH for what follows.
export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    ensureSbinOnPath();
    return;
  }
  throw new Error(
    'The Baton test lab needs root: it creates network namespaces, a bridge, iptables rules ' +
      'and runs one dockerd and sshd per lab host. Run it as root (e.g. sudo npm run lab -- up) ' +
      `on a Debian machine with: ${INSTALL_HINT}`,
  );
}

// Root's PATH may lack the sbin directories where dockerd, sshd, ip and iptables live.
function ensureSbinOnPath(): void {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const d of ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin']) {
    if (!dirs.includes(d)) dirs.push(d);
  }
  process.env['PATH'] = dirs.join(delimiter);
}

async function onPath(binary: string): Promise<boolean> {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const d of dirs) {
    if (await access(join(d, binary), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

// The web and haproxy images copy /bin/busybox into a scratch image: it must be static.
async function busyboxIsStatic(): Promise<boolean> {
  const out = await tryRun('ldd', ['/bin/busybox']);
  return `${out.stdout}${out.stderr}`.includes('not a dynamic executable');
}

async function missingPackages(): Promise<string[]> {
  const missing = new Set<string>();
  for (const [binary, pkg] of Object.entries(BINARIES)) if (!(await onPath(binary))) missing.add(pkg);
  if (!(await access('/usr/sbin/sshd').then(() => true, () => false))) missing.add('openssh-server');
  if (!missing.has('busybox-static') && !(await busyboxIsStatic())) missing.add('busybox-static');
  // without a text font, Chromium's screenshots show boxes instead of words
  if (!(await access('/usr/share/fonts/truetype/liberation').then(() => true, () => false))) missing.add('fonts-liberation');
  return [...missing];
}

async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  log(`installing missing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await tryRun('apt-get', ['update'], { env, timeoutMs: 300_000 });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeoutMs: 900_000 });
}

export async function ensurePrerequisites(log: (line: string) => void): Promise<void> {
  requireRoot();
  let missing = await missingPackages();
  if (missing.length === 0) return;
  if (await onPath('apt-get')) {
    await aptInstall(missing, log);
    missing = await missingPackages();
  }
  if (missing.length > 0) {
    throw new Error(
      `The Baton test lab is missing programs from these Debian packages: ${missing.join(' ')}\n` +
        `Install them as root with: apt-get install --reinstall ${missing.join(' ')}\n(the lab needs: ${INSTALL_HINT})`,
    );
  }
}
