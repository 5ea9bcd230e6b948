// ssh2 and the socket layer fail with terse messages ("All configured authentication methods
// failed", ECONNREFUSED). A person adding a host needs the cause and the next step.
import { BatonError } from '../../../shared/errors.ts';
import type { SshEndpoint } from '../../../shared/api.ts';

interface SshFailure extends Error {
  code?: string;
  level?: string;
}

export function describeEndpoint(endpoint: SshEndpoint): string {
  return `${endpoint.user}@${endpoint.address}:${endpoint.port}`;
}

export function classifySshError(err: unknown, endpoint: SshEndpoint, authSummary: string): BatonError {
  if (err instanceof BatonError) return err;
  const e = err as SshFailure;
  const where = describeEndpoint(endpoint);
  const hostPort = `${endpoint.address}:${endpoint.port}`;
  const details = { endpoint: where, cause: e.message };
  switch (e.code) {
    case 'ECONNREFUSED':
      return new BatonError('HOST_UNREACHABLE', `${hostPort} refused the connection: nothing listens for SSH there. Check the address and port, and that sshd runs on the host.`, details);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new BatonError('HOST_UNREACHABLE', `No route to ${endpoint.address}: the host is down or not on a network this machine reaches. Check the address, the VPN or the host's network.`, details);
    case 'ETIMEDOUT':
      return new BatonError('HOST_UNREACHABLE', `Connecting to ${hostPort} timed out: the host does not answer (down, or a firewall drops SSH). Check that it is up and that port ${endpoint.port} is open.`, details);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new BatonError('HOST_UNREACHABLE', `The name ${endpoint.address} does not resolve. Check the spelling, or use an IP address or an alias from ~/.ssh/config.`, details);
    case 'ECONNRESET':
      return new BatonError('HOST_UNREACHABLE', `${hostPort} closed the connection before SSH could start. Is it an SSH server? Is this address allowed by its firewall or MaxStartups?`, details);
  }
  if (e.level === 'client-timeout') {
    return new BatonError('HOST_UNREACHABLE', `${hostPort} did not complete the SSH handshake in time (${e.message}). Check that the host is up and that the port is an SSH server.`, details);
  }
  if (e.level === 'client-authentication') {
    return new BatonError('AUTH_FAILED', `${where} refused the login (tried: ${authSummary}). Check the user name, and that the public key is in ~${endpoint.user}/.ssh/authorized_keys on the host.`, details);
  }
  if (e.level === 'agent') {
    return new BatonError('AUTH_FAILED', `The SSH agent could not be used (${e.message}). Check that SSH_AUTH_SOCK points to a running agent with your key loaded (ssh-add -l), or give a key file.`, details);
  }
  return new BatonError('HOST_UNREACHABLE', `SSH to ${where} failed: ${e.message}.`, details);
}

/** ssh2's key parser errors → what to do about the key. */
export function classifyKeyError(err: Error, file: string, hadPassphrase: boolean): BatonError {
  const msg = err.message;
  if (/no passphrase given/i.test(msg)) {
    return new BatonError('KEY_PASSPHRASE', `The key ${file} is encrypted: give its passphrase (--passphrase-file, BATON_KEY_PASSPHRASE, or at the prompt), or load it into an SSH agent.`, { identityFile: file });
  }
  if (/bad passphrase|integrity check failed/i.test(msg) || (hadPassphrase && /decrypt/i.test(msg))) {
    return new BatonError('KEY_PASSPHRASE', `The passphrase for ${file} is wrong. Check it with: ssh-keygen -y -f ${file}`, { identityFile: file });
  }
  return new BatonError('KEY_UNREADABLE', `${file} is not a private key Baton can read (${msg}). Give an OpenSSH, PEM or PuTTY private key.`, { identityFile: file });
}

/** A public key given where the private one is needed: say which half it is and where the other usually is. */
export function publicKeyGiven(file: string): BatonError {
  const privateFile = file.endsWith('.pub') ? file.slice(0, -'.pub'.length) : null;
  return new BatonError(
    'KEY_UNREADABLE',
    `${file} is a public key: that half goes into authorized_keys on the host; logging in takes the private half.`,
    { identityFile: file },
    privateFile ? `Give the private key beside it: --identity ${privateFile}` : 'Give the private key file (often ~/.ssh/id_ed25519 or ~/.ssh/id_rsa, without .pub).',
  );
}
