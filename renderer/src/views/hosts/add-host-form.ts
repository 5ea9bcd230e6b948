// The add-host wizard's logic without React: what the form holds, what it asks the control plane
// (`host.add`, as `baton host add` does), and how an answer maps back onto the form.
import type { HostAddParams, SshConfigHost } from '../../../../shared/api.ts';
import { HOST_NAME_PATTERN } from '../../../../shared/host-name.ts';
import type { BatonError } from '../../../../shared/errors.ts';

export type AuthChoice = 'key' | 'agent';

export interface AddHostForm {
  /** `user@host[:port]`, an alias from ~/.ssh/config, or `unix:///path/to/docker.sock`. */
  address: string;
  name: string;
  /** `key=value` pairs, separated by spaces, commas or new lines. */
  labels: string;
  auth: AuthChoice;
  /** Empty: the alias's IdentityFile, else ~/.ssh/id_ed25519 / id_ecdsa / id_rsa (as the CLI does). */
  keyFile: string;
  passphrase: string;
  /** The agent's socket (SSH_AUTH_SOCK) on the machine the control plane runs on. */
  agentSocket: string;
}

export const EMPTY_FORM: AddHostForm = { address: '', name: '', labels: '', auth: 'key', keyFile: '', passphrase: '', agentSocket: '' };

export type FormField = 'address' | 'name' | 'labels' | 'keyFile' | 'passphrase' | 'agentSocket';

export function isLocalAddress(address: string): boolean {
  return address.trim().startsWith('unix://');
}

export function parseLabels(text: string): { labels: Record<string, string> } | { problem: string } {
  const labels: Record<string, string> = {};
  for (const pair of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { problem: `"${pair}" is not a label: write key=value, e.g. zone=eu-1.` };
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { labels };
}

/** Problems the form can see before asking the control plane; it checks everything again. */
export function formProblems(form: AddHostForm): Partial<Record<FormField, string>> {
  const problems: Partial<Record<FormField, string>> = {};
  const address = form.address.trim();
  if (address === '') problems.address = 'Say where the host is: user@address, an alias from ~/.ssh/config, or unix:///path.';
  else if (/\s/.test(address)) problems.address = 'An address has no spaces: write user@address[:port].';
  else if (isLocalAddress(address) && !address.slice('unix://'.length).startsWith('/')) {
    problems.address = 'Write the socket as an absolute path: unix:///var/run/docker.sock.';
  }
  const name = form.name.trim();
  if (name !== '' && !HOST_NAME_PATTERN.test(name)) {
    problems.name = 'A host name is 1-63 letters, digits, "-", "_" or ".", starting with a letter or digit.';
  }
  const labels = parseLabels(form.labels);
  if ('problem' in labels) problems.labels = labels.problem;
  if (!isLocalAddress(address) && form.auth === 'agent' && form.agentSocket.trim() === '') {
    problems.agentSocket = 'Give the agent socket: the value of SSH_AUTH_SOCK where Baton runs (echo $SSH_AUTH_SOCK).';
  }
  return problems;
}

/** The `host.add` request for this form; `hostKey` pins the key the person confirmed. */
export function addHostParams(form: AddHostForm, hostKey?: string): HostAddParams {
  const target = form.address.trim();
  const params: HostAddParams = { target };
  const name = form.name.trim();
  if (name !== '') params.name = name;
  const labels = parseLabels(form.labels);
  if ('labels' in labels && Object.keys(labels.labels).length > 0) params.labels = labels.labels;
  if (isLocalAddress(target)) return params;
  if (form.auth === 'key') {
    const keyFile = form.keyFile.trim();
    if (keyFile !== '') params.identityFile = keyFile;
    if (form.passphrase !== '') params.passphrase = form.passphrase;
  } else {
    params.agentSocket = form.agentSocket.trim();
  }
  if (hostKey !== undefined) params.hostKey = hostKey;
  return params;
}

/** Picking an alias from ~/.ssh/config: the alias is the address (the control plane applies the rest). */
export function fillFromSshConfig(form: AddHostForm, entry: SshConfigHost): AddHostForm {
  return {
    ...form,
    address: entry.alias,
    keyFile: entry.identityFile ?? '',
    auth: entry.identityFile !== null ? 'key' : form.auth,
  };
}

/** `deploy@10.0.0.7:2222`, or as much of it as the config says. */
export function describeSshConfigHost(entry: SshConfigHost): string {
  const user = entry.user !== null ? `${entry.user}@` : '';
  const port = entry.port !== null && entry.port !== 22 ? `:${entry.port}` : '';
  return `${user}${entry.hostName ?? entry.alias}${port}`;
}

/** Aliases that match what is typed (all of them while nothing is), at most `limit`. */
export function matchingSshConfigHosts(entries: readonly SshConfigHost[], typed: string, limit = 6): SshConfigHost[] {
  const needle = typed.trim().toLowerCase();
  const matches = needle === '' ? entries : entries.filter((e) => e.alias.toLowerCase().includes(needle) || (e.hostName ?? '').toLowerCase().includes(needle));
  return matches.filter((e) => e.alias !== typed.trim()).slice(0, limit);
}

export interface UnknownHostKey {
  endpoint: string;
  keyType: string;
  fingerprint: string;
}

/** The key to confirm, from a HOST_KEY_UNKNOWN answer. */
export function unknownHostKey(error: BatonError): UnknownHostKey | null {
  if (error.code !== 'HOST_KEY_UNKNOWN') return null;
  const { fingerprint, keyType, endpoint } = error.details ?? {};
  if (typeof fingerprint !== 'string' || !/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint)) return null;
  return {
    fingerprint,
    keyType: typeof keyType === 'string' ? keyType : 'unknown',
    endpoint: typeof endpoint === 'string' ? endpoint : '',
  };
}

/** Where OpenSSH keeps the host's own key of this type, and the command that prints its fingerprint. */
export function hostKeyCheckCommand(keyType: string): string {
  const file = keyType === 'ssh-rsa' || keyType.startsWith('rsa-')
    ? 'rsa'
    : keyType.startsWith('ecdsa-')
      ? 'ecdsa'
      : keyType === 'ssh-dss'
        ? 'dsa'
        : keyType.replace(/^ssh-/, '').replace(/[^a-z0-9]/gi, '') || 'ed25519';
  return `ssh-keygen -lf /etc/ssh/ssh_host_${file}_key.pub`;
}

const PARAM_FIELDS: Partial<Record<string, FormField>> = {
  target: 'address',
  name: 'name',
  labels: 'labels',
  identityFile: 'keyFile',
  passphrase: 'passphrase',
  agentSocket: 'agentSocket',
};

/** Which field an error is about, so the form can point at it. */
export function fieldOfError(error: BatonError): FormField | null {
  const field = error.details?.['field'];
  switch (error.code) {
    case 'KEY_PASSPHRASE':
      return 'passphrase';
    case 'KEY_UNREADABLE':
      return 'keyFile';
    case 'ALREADY_EXISTS':
      return typeof error.details?.['host'] === 'string' && /already in the cluster/.test(error.message) ? 'address' : 'name';
    case 'HOST_UNREACHABLE':
      return 'address';
    case 'AUTH_FAILED':
      if (field === 'identityFile') return 'keyFile';
      return null;
    case 'INVALID_INPUT': {
      // the control plane names the parameter (a key file or socket a remote client may not name, …)
      if (typeof field === 'string' && PARAM_FIELDS[field] !== undefined) return PARAM_FIELDS[field];
      // a request the contract refused: its first issue's path names the parameter
      const issues = error.details?.['issues'];
      const first = Array.isArray(issues) ? (issues[0] as { path?: unknown } | undefined) : undefined;
      const param = Array.isArray(first?.path) ? first.path[0] : undefined;
      return typeof param === 'string' ? (PARAM_FIELDS[param] ?? null) : null;
    }
    default:
      return null;
  }
}

/** What an address means, in a few words, before anything is dialled. */
export function describeAddress(address: string, sshConfig: readonly SshConfigHost[]): string | null {
  const text = address.trim();
  if (text === '') return null;
  if (isLocalAddress(text)) return `The Docker engine at ${text.slice('unix://'.length) || '…'} on the machine Baton runs on.`;
  const alias = sshConfig.find((e) => e.alias === text);
  if (alias !== undefined) return `Alias from ~/.ssh/config: ${describeSshConfigHost(alias)}.`;
  const match = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^@:\s[\]]+)(?::(\d+))?$/.exec(text);
  if (match === null) return null;
  const [, user, host, port] = match;
  const as = user !== undefined ? ` as ${user}` : '';
  return `SSH to ${host}, port ${port ?? '22'}${as}.`;
}

/** The name the control plane gives when none is typed: the alias or address, "local" for a socket. */
export function defaultHostName(address: string): string {
  const text = address.trim();
  if (isLocalAddress(text)) return 'local';
  const match = /^(?:[^@\s]+@)?(\[[0-9a-fA-F:.]+\]|[^@:\s[\]]+)(?::\d+)?$/.exec(text);
  if (match === null) return '';
  const host = match[1]!.replace(/^\[|\]$/g, '');
  if (HOST_NAME_PATTERN.test(host)) return host;
  const cleaned = host.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[-_.]+/, '');
  return HOST_NAME_PATTERN.test(cleaned) ? cleaned : 'host';
}
