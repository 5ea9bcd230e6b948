// Hosts as stored. The row keeps how to reach the host; live state (connecting, ready, …) is
// the host link's and is not stored.
import type { Database } from './database.ts';
import type { HostInventory, SshEndpoint } from '../../../shared/api.ts';

export interface HostRecord {
  name: string;
  kind: 'ssh' | 'local';
  ssh: SshEndpoint | null;
  socketPath: string | null;
  auth: 'key' | 'agent' | 'none';
  identityFile: string | null;
  passphraseSealed: string | null;
  agentSocket: string | null;
  hostKeyFingerprint: string | null;
  labels: Record<string, string>;
  inventory: HostInventory | null;
  addedAt: string;
  lastSeenAt: string | null;
}

interface HostRow {
  name: string;
  kind: 'ssh' | 'local';
  ssh_user: string | null;
  ssh_address: string | null;
  ssh_port: number | null;
  socket_path: string | null;
  auth: 'key' | 'agent' | 'none';
  identity_file: string | null;
  passphrase_enc: string | null;
  agent_socket: string | null;
  host_key_fp: string | null;
  labels: string;
  inventory: string | null;
  added_at: string;
  last_seen_at: string | null;
}

function fromRow(row: HostRow): HostRecord {
  return {
    name: row.name,
    kind: row.kind,
    ssh:
      row.ssh_address !== null && row.ssh_user !== null && row.ssh_port !== null
        ? { user: row.ssh_user, address: row.ssh_address, port: row.ssh_port }
        : null,
    socketPath: row.socket_path,
    auth: row.auth,
    identityFile: row.identity_file,
    passphraseSealed: row.passphrase_enc,
    agentSocket: row.agent_socket,
    hostKeyFingerprint: row.host_key_fp,
    labels: JSON.parse(row.labels) as Record<string, string>,
    inventory: row.inventory === null ? null : (JSON.parse(row.inventory) as HostInventory),
    addedAt: row.added_at,
    lastSeenAt: row.last_seen_at,
  };
}

export class HostsRepo {
  constructor(private readonly db: Database) {}

  list(): HostRecord[] {
    const rows = this.db.prepare('SELECT * FROM hosts ORDER BY name').all() as HostRow[];
    return rows.map(fromRow);
  }

  get(name: string): HostRecord | null {
    const row = this.db.prepare('SELECT * FROM hosts WHERE name = ?').get(name) as HostRow | undefined;
    return row ? fromRow(row) : null;
  }

  insert(host: HostRecord): void {
    this.db
      .prepare(
        `INSERT INTO hosts (name, kind, ssh_user, ssh_address, ssh_port, socket_path, auth, identity_file,
           passphrase_enc, agent_socket, host_key_fp, labels, inventory, added_at, last_seen_at)
         VALUES (@name, @kind, @ssh_user, @ssh_address, @ssh_port, @socket_path, @auth, @identity_file,
           @passphrase_enc, @agent_socket, @host_key_fp, @labels, @inventory, @added_at, @last_seen_at)`,
      )
      .run({
        name: host.name,
        kind: host.kind,
        ssh_user: host.ssh?.user ?? null,
        ssh_address: host.ssh?.address ?? null,
        ssh_port: host.ssh?.port ?? null,
        socket_path: host.socketPath,
        auth: host.auth,
        identity_file: host.identityFile,
        passphrase_enc: host.passphraseSealed,
        agent_socket: host.agentSocket,
        host_key_fp: host.hostKeyFingerprint,
        labels: JSON.stringify(host.labels),
        inventory: host.inventory === null ? null : JSON.stringify(host.inventory),
        added_at: host.addedAt,
        last_seen_at: host.lastSeenAt,
      });
  }

  recordSeen(name: string, inventory: HostInventory, time: string): void {
    this.db
      .prepare('UPDATE hosts SET inventory = ?, last_seen_at = ? WHERE name = ?')
      .run(JSON.stringify(inventory), time, name);
  }

  /** Hosts a person drained (`baton host drain`): they take no new replicas until activated. */
  drained(): Set<string> {
    return new Set((this.db.prepare("SELECT name FROM hosts WHERE availability = 'drain'").all() as { name: string }[]).map((r) => r.name));
  }

  setAvailability(name: string, availability: 'active' | 'drain'): boolean {
    return this.db.prepare('UPDATE hosts SET availability = ? WHERE name = ?').run(availability, name).changes > 0;
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM hosts WHERE name = ?').run(name).changes > 0;
  }
}
