// Reaching a host's engine from nothing: SSH (with host-key check) → find the engine → open the
// Docker session → read the inventory. The same steps serve `host add` (where every failure is
// reported to the person) and reconnects (where the host's stored key is the only one accepted).
import { BatonError } from '../../../shared/errors.ts';
import type { HostInventory, SshEndpoint } from '../../../shared/api.ts';
import { probeDocker, type DockerEndpoint } from './docker-probe.ts';
import { orderHostKeyAlgorithms } from './host-key-algorithms.ts';
import { describeKey, type HostKeyVerdict, type PresentedKey } from './host-key.ts';
import { HostSession } from './host-session.ts';
import { inventoryFrom } from './inventory.ts';
import { classifySshError, describeEndpoint } from './ssh-errors.ts';
import { SshLink, type SshAuth } from './ssh-link.ts';

export interface ConnectSpec {
  kind: 'ssh' | 'local';
  ssh: SshEndpoint | null;
  socketPath: string | null;
  auth: SshAuth;
  /** e.g. "key ~/.ssh/id_ed25519, agent": said when authentication fails. */
  authSummary: string;
  /** Key types already known for the host: the host is asked for a key of these types first. */
  knownKeyTypes?: string[] | undefined;
}

export interface Connected {
  session: HostSession;
  inventory: HostInventory;
  hostKey: PresentedKey | null;
  verdict: HostKeyVerdict | null;
}

const ENGINE_TIMEOUT_MS = 10_000;

export async function connectHost(spec: ConnectSpec, checkHostKey: (key: PresentedKey) => HostKeyVerdict): Promise<Connected> {
  if (spec.kind === 'local') {
    const session = HostSession.local(spec.socketPath!);
    const inventory = await readInventory(session, spec.socketPath!).catch((err: unknown) => {
      session.close();
      throw localEngineError(err, spec.socketPath!);
    });
    return { session, inventory, hostKey: null, verdict: null };
  }

  const endpoint = spec.ssh!;
  const where = describeEndpoint(endpoint);
  let presented: PresentedKey | null = null;
  let verdict: HostKeyVerdict | null = null;
  let ssh: SshLink;
  try {
    ssh = await SshLink.connect({
      endpoint,
      auth: spec.auth,
      hostKeyAlgorithms: orderHostKeyAlgorithms(spec.knownKeyTypes ?? []),
      verifyHostKey: (blob) => {
        presented = describeKey(blob);
        verdict = checkHostKey(presented);
        return verdict.accept;
      },
    });
  } catch (err) {
    if (verdict && !(verdict as HostKeyVerdict).accept) throw hostKeyError(verdict, presented!, endpoint);
    throw classifySshError(err, endpoint, spec.authSummary);
  }

  try {
    const { endpoint: engine, report } = await probeDocker(ssh, where);
    let session = HostSession.overSsh(ssh, engine);
    let inventory: HostInventory;
    try {
      inventory = await readInventory(session, where);
    } catch (err) {
      // sshd may forbid stream-local forwarding (AllowStreamLocalForwarding no): relay through the CLI instead
      if (engine.via !== 'streamlocal' || !report.cli || !/prohibited|open failed/i.test((err as Error).message)) throw err;
      session.close();
      const relay: DockerEndpoint = { via: 'dial-stdio', dockerHost: report.dockerHost };
      session = HostSession.overSsh(ssh, relay);
      inventory = await readInventory(session, where);
    }
    return { session, inventory, hostKey: presented, verdict };
  } catch (err) {
    ssh.close();
    if (err instanceof BatonError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // the code, not the message: an HTTP parser's message may carry what the other end sent
    throw new BatonError('DOCKER_ERROR', `The Docker engine on ${where} did not answer properly${code ? ` (${code})` : ''}. Check that it runs (docker info on the host).`);
  }
}

/**
 * /info and /version, checked. An error says what was wrong with an answer and never quotes it:
 * whatever listens where an engine was expected (any socket at all) must not have its bytes
 * handed back to the client that asked.
 */
async function readInventory(session: HostSession, where: string): Promise<HostInventory> {
  const [info, version] = await Promise.all([
    session.request('/info', ENGINE_TIMEOUT_MS),
    session.request('/version', ENGINE_TIMEOUT_MS),
  ]);
  const notAnEngine = (why: string) => new BatonError('DOCKER_ERROR', `What answers at ${where} is not a Docker engine Baton can use: ${why}. Check that it is the engine's socket (docker info on the host).`);
  const parsed: unknown[] = [];
  for (const [path, answer] of [['/info', info], ['/version', version]] as const) {
    if (answer.status !== 200) throw notAnEngine(`GET ${path} answered HTTP ${answer.status}`);
    try {
      parsed.push(JSON.parse(answer.body));
    } catch {
      throw notAnEngine(`its answer to GET ${path} is not JSON`);
    }
  }
  try {
    return inventoryFrom(parsed[0], parsed[1]);
  } catch (err) {
    throw notAnEngine((err as Error).message); // names the fields it lacks, not their values
  }
}

function localEngineError(err: unknown, socketPath: string): BatonError {
  if (err instanceof BatonError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
    return new BatonError('DOCKER_NOT_FOUND', `No Docker engine answers at ${socketPath}. Start Docker (e.g. systemctl start docker), or give the right socket path.`, { socketPath });
  }
  if (e.code === 'ETIMEDOUT') {
    return new BatonError('DOCKER_ERROR', `Nothing answered at ${socketPath} within ${ENGINE_TIMEOUT_MS / 1000} s. Check that the Docker engine runs and that this is its socket.`, { socketPath });
  }
  if (e.code === 'EACCES') {
    return new BatonError('DOCKER_PERMISSION', `This user may not use ${socketPath}. Add it to the docker group (sudo usermod -aG docker $USER, then log in again).`, { socketPath });
  }
  // the code, not the message: an HTTP parser's message may carry what the socket sent
  return new BatonError('DOCKER_ERROR', `What listens at ${socketPath} did not answer as a Docker engine does${e.code ? ` (${e.code})` : ''}. Check that it is the engine's socket.`, { socketPath });
}

function hostKeyError(verdict: Exclude<HostKeyVerdict, { accept: true }>, presented: PresentedKey, endpoint: SshEndpoint): BatonError {
  const hostPort = `${endpoint.address}:${endpoint.port}`;
  const details = { endpoint: hostPort, keyType: presented.keyType, fingerprint: presented.fingerprint };
  const { keyType, fingerprint } = presented;
  switch (verdict.problem) {
    case 'unknown':
      return new BatonError(
        'HOST_KEY_UNKNOWN',
        `${hostPort} is new to this machine. Its ${keyType} key is ${fingerprint}. Compare it with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-/, '')}_key.pub on the host), then confirm, or pass --host-key ${fingerprint}.`,
        details,
      );
    case 'changed': {
      const { expected } = verdict;
      const more = { ...details, expected: expected.fingerprint, expectedKeyType: expected.keyType, knownAt: expected.where };
      if (expected.keyType !== null && expected.keyType !== keyType) {
        return new BatonError(
          'HOST_KEY_CHANGED',
          `${hostPort} offers only a ${keyType} key (${fingerprint}), but a key of another type is known for it: ${expected.keyType} ${expected.fingerprint} (${expected.where}). Baton asked for the ${expected.keyType} key first and the host has none now: it was reconfigured, or someone is intercepting the connection. Check the keys on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub); if ${fingerprint} is one of them, add it with --host-key ${fingerprint}.`,
          more,
        );
      }
      return new BatonError(
        'HOST_KEY_CHANGED',
        `The host key of ${hostPort} has CHANGED: expected ${expected.fingerprint} (${expected.where}), the host now shows ${fingerprint}. This can mean someone is intercepting the connection. If the host was reinstalled and you have checked the new key on it, re-add it with --host-key ${fingerprint}.`,
        more,
      );
    }
    case 'pin-mismatch':
      return new BatonError(
        'HOST_KEY_CHANGED',
        `${hostPort} shows the ${keyType} key ${fingerprint}, not the ${verdict.expected} you gave. Check the fingerprint on the host; nothing was added.`,
        { ...details, expected: verdict.expected },
      );
    case 'revoked':
      return new BatonError(
        'HOST_KEY_REVOKED',
        `The ${keyType} key ${fingerprint} that ${hostPort} shows is REVOKED: ${verdict.revoked.where} marks it @revoked. Baton never accepts a revoked key, not with --host-key nor --trust-new-host-key. Give the host a new key, or remove that line if it is wrong.`,
        { ...details, revokedAt: verdict.revoked.where },
      );
    case 'no-stored-key':
      return new BatonError(
        'HOST_KEY_UNKNOWN',
        `Baton has no stored host key for ${verdict.host} (${hostPort}), so it cannot tell the host from an impostor and does not connect. The host shows the ${keyType} key ${fingerprint}. Remove the host and add it again to confirm its key: baton host rm ${verdict.host}, then baton host add.`,
        { ...details, host: verdict.host },
      );
  }
}
