// SSH side of a host: client keys (once per machine), the no-Docker user, the host key,
// sshd's config, and starting sshd inside the host's namespaces.
import { access, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { run, spawnDaemon, tryRun } from './exec.ts';
import { ENCRYPTED_KEY_PASSPHRASE, NO_DOCKER_USER, SSH_PORT, ALT_SSH_PORT, keyPaths, type HostLayout, type LabDirs } from './layout.ts';
import { isAlive, readPidFile, stopPid } from './processes.ts';
import { sshGreets, waitReady } from './probes.ts';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function ensureKey(path: string, passphrase: string, comment: string): Promise<void> {
  if ((await exists(path)) && (await exists(`${path}.pub`))) return;
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', path]);
}

// Client keys: made once, kept across runs. Authorized keys: root takes the plain and
// the encrypted key, batonlab the plain one; the third key is authorized nowhere.
export async function ensureClientKeys(dirs: LabDirs): Promise<void> {
  const k = keyPaths(dirs);
  await mkdir(k.dir, { recursive: true, mode: 0o700 });
  await Promise.all([
    ensureKey(k.root, '', 'baton-lab root'),
    ensureKey(k.encrypted, ENCRYPTED_KEY_PASSPHRASE, 'baton-lab encrypted'),
    ensureKey(k.unauthorized, '', 'baton-lab unauthorized'),
  ]);
  const [rootPub, encryptedPub] = await Promise.all([readFile(`${k.root}.pub`, 'utf8'), readFile(`${k.encrypted}.pub`, 'utf8')]);
  // root-owned, 0755/0644 all the way up: acceptable to StrictModes as well
  await mkdir(k.authorizedDir, { recursive: true, mode: 0o755 });
  await chmod(k.authorizedDir, 0o755);
  await writeFile(`${k.authorizedDir}/root`, rootPub + encryptedPub, { mode: 0o644 });
  await writeFile(`${k.authorizedDir}/${NO_DOCKER_USER}`, rootPub, { mode: 0o644 });
}

// A user who can log in but may not use Docker (not in any group that owns the socket).
// Its password field is '*' (no password, not locked): sshd refuses locked ('!') accounts
// when UsePAM is off.
export async function ensureNoDockerUser(): Promise<void> {
  if ((await tryRun('id', ['-u', NO_DOCKER_USER])).code !== 0) {
    await run('useradd', ['--create-home', '--shell', '/bin/sh', '--password', '*', NO_DOCKER_USER]);
  }
  if (await accountLocked(NO_DOCKER_USER)) await run('usermod', ['--password', '*', NO_DOCKER_USER]);
}

async function accountLocked(user: string): Promise<boolean> {
  const shadow = await readFile('/etc/shadow', 'utf8').catch(() => '');
  const entry = shadow.split('\n').find((line) => line.startsWith(`${user}:`));
  return entry?.split(':')[1]?.startsWith('!') ?? false;
}

export async function ensureHostKey(h: HostLayout, fresh = false): Promise<void> {
  await mkdir(dirname(h.hostKey), { recursive: true, mode: 0o700 });
  if (fresh) await rm(h.hostKey, { force: true });
  await ensureKey(h.hostKey, '', `${h.name} host key`);
}

// 'SHA256:…' as `ssh-keygen -l` prints it.
export async function fingerprint(pubKeyFile: string): Promise<string> {
  const out = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubKeyFile]);
  const fp = out.split(' ')[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output for ${pubKeyFile}: ${out}`);
  return fp;
}

function sshdConfig(h: HostLayout, dirs: LabDirs, usePam: boolean): string {
  return [
    `# baton-lab sshd for ${h.name}; generated, rewritten on every start`,
    `ListenAddress ${h.address}:${SSH_PORT}`,
    `ListenAddress ${h.address}:${ALT_SSH_PORT}`,
    `HostKey ${h.hostKey}`,
    `PidFile ${h.sshdPidFile}`,
    `AuthorizedKeysFile ${keyPaths(dirs).authorizedDir}/%u`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    // PAM adds nothing the lab needs and its session modules vary between machines; but
    // without PAM sshd refuses a locked account, so a machine whose root is locked keeps it
    `UsePAM ${usePam ? 'yes' : 'no'}`,
    // the authorized-keys files may live under a BATON_LAB_DIR such as /tmp/x
    'StrictModes no',
    'AllowStreamLocalForwarding yes',
    'AllowTcpForwarding yes',
    'UseDNS no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    `SetEnv DOCKER_HOST=unix://${h.dockerSocket}`,
    '',
  ].join('\n');
}

export function nsenterArgs(h: HostLayout): string[] {
  return [`--net=${h.netnsFile}`, `--uts=${h.utsFile}`, '--'];
}

async function sshdRunning(h: HostLayout): Promise<number | undefined> {
  const pid = await readPidFile(h.sshdPidFile);
  return pid !== undefined && (await isAlive(pid)) ? pid : undefined;
}

export async function startSshd(h: HostLayout, dirs: LabDirs): Promise<void> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation dir
  await mkdir(h.runDir, { recursive: true, mode: 0o755 });
  await writeFile(h.sshdConfig, sshdConfig(h, dirs, await accountLocked('root')));
  await rm(h.sshdPidFile, { force: true });
  const pid = spawnDaemon('nsenter', [...nsenterArgs(h), '/usr/sbin/sshd', '-D', '-e', '-f', h.sshdConfig], h.sshdLog);
  await waitReady({
    what: `sshd of ${h.name} (${h.address}:${SSH_PORT})`,
    ready: () => sshGreets(h.address, SSH_PORT, 500),
    alive: () => isAlive(pid),
    logFile: h.sshdLog,
    timeoutMs: 30_000,
  });
}

// Stops the listening sshd; sessions already open keep running, as on a real host.
export async function stopSshd(h: HostLayout): Promise<void> {
  const pid = await sshdRunning(h);
  if (pid !== undefined) await stopPid(pid);
  await rm(h.sshdPidFile, { force: true });
}
