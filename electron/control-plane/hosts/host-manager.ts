// The cluster's hosts: adding one (all-or-nothing: it is stored only once SSH, the host key, the
// engine and its inventory all check out), removing one, and keeping every stored host connected.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { BatonError } from '../../../shared/errors.ts';
import { HOST_NAME_PATTERN, type Host, type HostAddParams, type HostInventory } from '../../../shared/api.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Logger } from '../log.ts';
import { sealedFor, type SecretBox } from '../secrets/secret-box.ts';
import type { HostRecord } from '../store/hosts-repo.ts';
import type { Store } from '../store/store.ts';
import { connectHost, type ConnectSpec, type Connected } from './connect-host.ts';
import { decideHostKey, decideReconnectKey, knownKeyTypes, NOTHING_KNOWN, readKnownHostsFile, type KnownKey, type SystemKnown } from './host-key.ts';
import { lookupNames, type KnownHostsLookup } from './known-hosts.ts';
import { HostLink, type HostLinkOptions } from './host-link.ts';
import { classifyKeyError, publicKeyGiven } from './ssh-errors.ts';
import type { SshAuth } from './ssh-link.ts';
import { defaultIdentityFiles, expandHome, parseTarget, resolveSshTarget } from './ssh-target.ts';

export interface HostManagerDeps {
  store: Store;
  events: EventLog;
  secrets: SecretBox;
  log: Logger;
  /** The person's home: ~/.ssh/config, ~/.ssh/known_hosts and default keys are read from here. */
  userHome?: string;
  linkOptions?: HostLinkOptions;
}

/** How to reach an engine that is not one of the cluster's hosts (a Swarm manager), as stored. */
export type EngineDraft = Omit<HostRecord, 'addedAt' | 'lastSeenAt' | 'inventory'>;

export class HostManager extends EventEmitter<{ link: [HostLink]; unlink: [string] }> {
  private readonly links = new Map<string, HostLink>();
  private readonly adding = new Set<string>();
  private readonly userHome: string;

  constructor(private readonly deps: HostManagerDeps) {
    super();
    this.userHome = deps.userHome ?? homedir();
  }

  /** Connects every stored host (in the background; each reports its own state). */
  startAll(): void {
    for (const record of this.deps.store.hosts.list()) this.startLink(record).start();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.stop()));
    this.links.clear();
  }

  allLinks(): HostLink[] {
    return [...this.links.values()];
  }

  link(name: string): HostLink {
    const link = this.links.get(name);
    if (!link) throw new BatonError('NOT_FOUND', `There is no host named ${name}. See the hosts with: baton host ls`, { host: name });
    return link;
  }

  list(): Host[] {
    const drained = this.deps.store.hosts.drained();
    return this.deps.store.hosts.list().map((r) => this.toHost(r, drained));
  }

  get(name: string): Host {
    const record = this.deps.store.hosts.get(name);
    if (!record) throw new BatonError('NOT_FOUND', `There is no host named ${name}. See the hosts with: baton host ls`, { host: name });
    return this.toHost(record);
  }

  async add(params: HostAddParams): Promise<Host> {
    const { draft, lookup } = this.draftRecord(params);
    if (this.deps.store.hosts.get(draft.name) || this.adding.has(draft.name)) {
      throw new BatonError('ALREADY_EXISTS', `A host named ${draft.name} already exists. Pick another name with --name, or remove the old one first (baton host rm ${draft.name}).`, { host: draft.name });
    }
    const twin = this.deps.store.hosts
      .list()
      .find((h) => (draft.ssh && h.ssh && h.ssh.address === draft.ssh.address && h.ssh.port === draft.ssh.port && h.ssh.user === draft.ssh.user) || (draft.kind === 'local' && h.socketPath === draft.socketPath && h.kind === 'local'));
    if (twin) {
      throw new BatonError('ALREADY_EXISTS', `That engine is already in the cluster as ${twin.name}.`, { host: twin.name });
    }

    this.adding.add(draft.name);
    try {
      const endpoint = draft.ssh ? `${draft.ssh.address}:${draft.ssh.port}` : '';
      const remembered = draft.ssh ? this.rememberedKey(endpoint) : null;
      const system = lookup ? this.systemKnown(lookup, 'warn') : NOTHING_KNOWN;
      const spec = this.connectSpec(draft, params.passphrase, knownKeyTypes(remembered, system));
      const connected = await connectHost(spec, (presented) =>
        decideHostKey({ presented, remembered, system, pin: params.hostKey, trustNew: params.trustNewHostKey }),
      );
      const now = new Date().toISOString();
      const record: HostRecord = {
        ...draft,
        hostKeyFingerprint: connected.hostKey?.fingerprint ?? null,
        inventory: connected.inventory,
        addedAt: now,
        lastSeenAt: now,
      };
      try {
        this.storeNewHost(record, connected.hostKey && connected.verdict?.accept && connected.verdict.remember ? { endpoint, ...connected.hostKey } : null, now);
      } catch (err) {
        connected.session.close();
        throw err;
      }
      this.deps.events.append({
        kind: 'host.added',
        host: record.name,
        message: `${record.name} added (${record.ssh ? `${record.ssh.user}@${record.ssh.address}:${record.ssh.port}` : record.socketPath}, ${connected.inventory.cpus} CPUs, ${Math.round(connected.inventory.memoryBytes / 2 ** 20)} MiB, Docker ${connected.inventory.dockerVersion})`,
        data: { hostKey: record.hostKeyFingerprint },
      });
      this.startLink(record).adopt(connected);
      return this.toHost(record);
    } finally {
      this.adding.delete(draft.name);
    }
  }

  /**
   * Connects to an engine as `host add` does (the same target resolution, login and host-key
   * checks) without making it one of the cluster's hosts: a Swarm manager is reached this way. The
   * caller owns the session; `draft` says how to reach it again, and `rememberKey` keeps a key seen
   * for the first time, once the caller has stored what it reached (as `host add` does).
   */
  async dialEngine(params: HostAddParams): Promise<{ draft: EngineDraft; connected: Connected; rememberKey: () => void }> {
    const { draft, lookup } = this.draftRecord(params);
    if (!draft.ssh) throw new BatonError('INVALID_INPUT', `${params.target} is a local socket; a Swarm manager is reached over SSH.`, { field: 'target' }, 'Give user@address of a swarm manager.');
    const endpoint = `${draft.ssh.address}:${draft.ssh.port}`;
    const remembered = this.rememberedKey(endpoint);
    const system = lookup ? this.systemKnown(lookup, 'warn') : NOTHING_KNOWN;
    const spec = this.connectSpec(draft, params.passphrase, knownKeyTypes(remembered, system));
    const connected = await connectHost(spec, (presented) => decideHostKey({ presented, remembered, system, pin: params.hostKey, trustNew: params.trustNewHostKey }));
    const key = connected.hostKey && connected.verdict?.accept && connected.verdict.remember ? { endpoint, ...connected.hostKey } : null;
    const rememberKey = () => {
      if (key) this.deps.store.knownHosts.remember(key, new Date().toISOString());
    };
    return { draft: { ...draft, hostKeyFingerprint: connected.hostKey?.fingerprint ?? null }, connected, rememberKey };
  }

  /** Connects again to an engine dialled by dialEngine: only the key it showed then is accepted. */
  async redialEngine(draft: EngineDraft): Promise<Connected> {
    const ssh = draft.ssh;
    const remembered = ssh ? this.deps.store.knownHosts.get(`${ssh.address}:${ssh.port}`) : null;
    const stored: KnownKey | null =
      draft.hostKeyFingerprint === null ? null : { keyType: remembered?.fingerprint === draft.hostKeyFingerprint ? remembered.keyType : null, fingerprint: draft.hostKeyFingerprint, where: `the key stored for ${draft.name}` };
    const lookup = ssh ? lookupNames({ address: ssh.address, port: ssh.port }) : null;
    const spec = this.connectSpec(draft, undefined, stored?.keyType ? [stored.keyType] : []);
    return connectHost(spec, (presented) => decideReconnectKey({ host: draft.name, presented, stored, revoked: lookup ? this.systemKnown(lookup, 'debug').revoked : [] }));
  }

  async remove(name: string): Promise<{ name: string }> {
    this.get(name); // NOT_FOUND first
    const link = this.links.get(name);
    this.links.delete(name);
    await link?.stop();
    this.emit('unlink', name);
    this.deps.store.hosts.remove(name);
    this.deps.events.append({ kind: 'host.removed', host: name, message: `${name} removed from the cluster` });
    return { name };
  }

  private storeNewHost(record: HostRecord, key: { endpoint: string; keyType: string; fingerprint: string } | null, now: string): void {
    const { store } = this.deps;
    // one transaction: the host and its remembered key land together or not at all
    store.transaction(() => {
      store.hosts.insert(record);
      if (key) store.knownHosts.remember(key, now);
    });
  }

  /** Baton's own memory of an endpoint's key (kept across host rm / add). */
  private rememberedKey(endpoint: string): KnownKey | null {
    const key = this.deps.store.knownHosts.get(endpoint);
    return key ? { keyType: key.keyType, fingerprint: key.fingerprint, where: `Baton's record of ${endpoint}` } : null;
  }

  /** What ~/.ssh/known_hosts says about a host; its unreadable lines are logged at `level`, with file:line. */
  private systemKnown(lookup: KnownHostsLookup, level: 'warn' | 'debug'): SystemKnown {
    return readKnownHostsFile(join(this.userHome, '.ssh', 'known_hosts'), lookup, (where, message) => this.deps.log[level]({ where }, `known_hosts ${where}: ${message}`));
  }

  /** The key a stored SSH host must show on reconnect, with its type when Baton remembered it. */
  private storedKey(record: HostRecord): KnownKey | null {
    if (!record.ssh || record.hostKeyFingerprint === null) return null;
    const remembered = this.deps.store.knownHosts.get(`${record.ssh.address}:${record.ssh.port}`);
    return {
      keyType: remembered?.fingerprint === record.hostKeyFingerprint ? remembered.keyType : null,
      fingerprint: record.hostKeyFingerprint,
      where: `the key stored for host ${record.name}`,
    };
  }

  private startLink(record: HostRecord): HostLink {
    const stored = this.storedKey(record);
    const ssh = record.ssh;
    // the alias it was added by is not stored: a reconnect checks @revoked lines by address
    const lookup = ssh ? lookupNames({ address: ssh.address, port: ssh.port }) : null;
    const link = new HostLink(
      record.name,
      {
        log: this.deps.log,
        events: this.deps.events,
        spec: () => this.connectSpec(this.deps.store.hosts.get(record.name) ?? record, undefined, stored?.keyType ? [stored.keyType] : []),
        storedKey: stored,
        revokedKeys: () => (lookup ? this.systemKnown(lookup, 'debug').revoked : []),
        onInventory: (inventory: HostInventory) => this.deps.store.hosts.recordSeen(record.name, inventory, new Date().toISOString()),
      },
      this.deps.linkOptions,
    );
    this.links.set(record.name, link);
    this.emit('link', link);
    return link;
  }

  /** What the request says, made concrete: target resolved, name chosen, auth picked. Nothing is dialled. */
  private draftRecord(params: HostAddParams): { draft: Omit<HostRecord, 'addedAt' | 'lastSeenAt' | 'hostKeyFingerprint' | 'inventory'>; lookup: KnownHostsLookup | null } {
    const target = parseTarget(params.target);
    const labels = params.labels ?? {};
    if (target.kind === 'local') {
      return { draft: { name: params.name ?? 'local', kind: 'local', ssh: null, socketPath: target.socketPath, auth: 'none', identityFile: null, passphraseSealed: null, agentSocket: null, labels }, lookup: null };
    }
    const resolved = resolveSshTarget(target, { home: this.userHome });
    const name = params.name ?? defaultName(resolved.alias);
    const identityFile = params.identityFile ? expandHome(params.identityFile, this.userHome) : (resolved.identityFiles[0] ?? null);
    const agentSocket = params.agentSocket ?? null;
    const fallbackKey = identityFile === null && agentSocket === null ? (defaultIdentityFiles(this.userHome)[0] ?? null) : null;
    const keyFile = identityFile ?? fallbackKey;
    if (keyFile === null && agentSocket === null) {
      throw new BatonError('AUTH_FAILED', `No way to log in to ${params.target}: no key file was given, ~/.ssh has no id_ed25519/id_ecdsa/id_rsa, and no SSH agent is running. Give a key with --identity FILE, or start an agent and ssh-add your key.`, { field: 'identityFile' });
    }
    return {
      draft: {
        name,
        kind: 'ssh',
        ssh: { user: resolved.user, address: resolved.address, port: resolved.port },
        socketPath: null,
        auth: keyFile ? 'key' : 'agent',
        identityFile: keyFile,
        passphraseSealed: params.passphrase ? this.deps.secrets.seal(params.passphrase, sealedFor.hostPassphrase(name)) : null,
        agentSocket,
        labels,
      },
      lookup: lookupNames({ address: resolved.address, port: resolved.port, alias: resolved.alias, hostKeyAlias: resolved.hostKeyAlias ?? undefined }),
    };
  }

  private connectSpec(record: Pick<HostRecord, 'name' | 'kind' | 'ssh' | 'socketPath' | 'identityFile' | 'passphraseSealed' | 'agentSocket'>, passphrase: string | undefined, knownKeyTypes: string[]): ConnectSpec {
    const auth: SshAuth = {};
    const tried: string[] = [];
    if (record.identityFile) {
      const pass = passphrase ?? (record.passphraseSealed ? this.deps.secrets.open(record.passphraseSealed, sealedFor.hostPassphrase(record.name)) : undefined);
      auth.privateKey = readPrivateKey(record.identityFile, pass);
      auth.passphrase = pass;
      tried.push(`key ${record.identityFile}`);
    }
    if (record.agentSocket) {
      auth.agent = record.agentSocket;
      tried.push(`agent ${record.agentSocket}`);
    }
    return { kind: record.kind, ssh: record.ssh, socketPath: record.socketPath, auth, authSummary: tried.join(', ') || 'nothing', knownKeyTypes };
  }

  private toHost(record: HostRecord, drained = this.deps.store.hosts.drained()): Host {
    const link = this.links.get(record.name);
    return {
      name: record.name,
      kind: record.kind,
      ssh: record.ssh,
      socketPath: record.socketPath,
      auth: record.auth,
      identityFile: record.identityFile,
      hostKeyFingerprint: record.hostKeyFingerprint,
      labels: record.labels,
      state: link?.state ?? 'connecting',
      stateReason: link?.reason ?? null,
      ...(drained.has(record.name) ? { availability: 'drain' as const } : {}),
      inventory: link?.inventory ?? record.inventory,
      addedAt: record.addedAt,
      // the stored time is of the last connect; a connected host is seen now (its heartbeat answers)
      lastSeenAt: link?.state === 'ready' ? new Date().toISOString() : record.lastSeenAt,
    };
  }
}

/** A host name from an alias or address: "web-1" stays, "10.0.0.5" stays, "::1" becomes "host-1". */
function defaultName(alias: string): string {
  if (HOST_NAME_PATTERN.test(alias)) return alias;
  const cleaned = alias.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[-_.]+/, '');
  return HOST_NAME_PATTERN.test(cleaned) ? cleaned : 'host';
}

/** Reads and checks a key before any connection, so a bad key or passphrase is said as such. */
function readPrivateKey(file: string, passphrase: string | undefined): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BatonError('KEY_UNREADABLE', code === 'ENOENT' ? `The key file ${file} does not exist. Check the path given with --identity (or IdentityFile in ~/.ssh/config).` : `Cannot read the key file ${file} (${code}). Check its permissions.`, { identityFile: file });
  }
  const parsed = ssh2.utils.parseKey(data, passphrase);
  if (parsed instanceof Error) throw classifyKeyError(parsed, file, passphrase !== undefined);
  // ssh2 reads a public key too, and only the login then fails, with a message about "a (valid) private key"
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key && !key.isPrivateKey()) throw publicKeyGiven(file);
  return data;
}
