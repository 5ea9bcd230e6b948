// The control plane's state lives in one SQLite file under BATON_HOME. Migrations are a list of
// SQL steps; `user_version` records how many have run, so an older file is brought forward at open.
// The file and its -wal and -shm journals are readable by their owner only (0600): they hold sealed
// secrets, host addresses, and the events.
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export type Database = BetterSqlite3.Database;

const MIGRATIONS: string[] = [
  // 1: hosts, their remembered keys, and the event log
  `
  CREATE TABLE hosts (
    name            TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('ssh', 'local')),
    ssh_user        TEXT,
    ssh_address     TEXT,
    ssh_port        INTEGER,
    socket_path     TEXT,
    auth            TEXT NOT NULL,
    identity_file   TEXT,
    passphrase_enc  TEXT,            -- sealed with the control plane's key, never plain
    agent_socket    TEXT,
    host_key_fp     TEXT,
    labels          TEXT NOT NULL DEFAULT '{}',
    inventory       TEXT,
    added_at        TEXT NOT NULL,
    last_seen_at    TEXT
  );
  CREATE TABLE known_hosts (
    endpoint     TEXT PRIMARY KEY,   -- "address:port" as dialled
    key_type     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,      -- SHA256:…
    added_at     TEXT NOT NULL
  );
  CREATE TABLE events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    time      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    host      TEXT,
    stack     TEXT,
    service   TEXT,
    replica   TEXT,
    message   TEXT NOT NULL,
    data      TEXT
  );
  CREATE INDEX events_host ON events (host, id);
  `,
  // 2: stacks, their services and every service's numbered revisions; the cluster's own id
  `
  CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  CREATE TABLE stacks (
    name                TEXT PRIMARY KEY,
    file                TEXT,
    source              TEXT NOT NULL,   -- the Compose file as applied
    declarations        TEXT NOT NULL,   -- stack-level secrets, configs, volumes, networks (JSON)
    placement_strategy  TEXT NOT NULL DEFAULT 'spread',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
  );
  CREATE TABLE services (
    stack           TEXT NOT NULL REFERENCES stacks (name) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    replicas        INTEGER NOT NULL,
    revision        INTEGER NOT NULL,   -- the desired revision
    preferred_host  TEXT,               -- set by drag-to-scale onto a host
    PRIMARY KEY (stack, name)
  );
  CREATE TABLE revisions (
    stack           TEXT NOT NULL,
    service         TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    spec            TEXT NOT NULL,      -- ServiceSpec (JSON), immutable
    spec_hash       TEXT NOT NULL,
    container_hash  TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (stack, service, revision)
  );
  `,
  // 3: events by service and by replica, for service.inspect and replica.inspect
  `
  CREATE INDEX events_service ON events (stack, service, id);
  CREATE INDEX events_replica ON events (replica, id);
  `,
  // 4: sealed values say what they belong to, and environment values and stack files are sealed.
  // That rewrite needs the data key, so it is not SQL (store/seal-legacy.ts does it once, at open,
  // and sets sealed_format to 2); this step marks the file, so a Baton older than it refuses it.
  `
  INSERT INTO settings (key, value) VALUES ('sealed_format', '1') ON CONFLICT (key) DO NOTHING;
  `,
  // 5: each service's newest rollout (shared/rollout.ts RolloutRecord, JSON), and hosts a person drained
  `
  CREATE TABLE rollouts (
    stack       TEXT NOT NULL,
    service     TEXT NOT NULL,
    record      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (stack, service)
  );
  ALTER TABLE hosts ADD COLUMN availability TEXT NOT NULL DEFAULT 'active' CHECK (availability IN ('active', 'drain'));
  `,
  // 6: secrets and configs: those made with `baton secret create` (stack ''), and each stack's own,
  // their value sealed for its place and version; the version goes up by one when the value changes
  `
  CREATE TABLE files (
    kind        TEXT NOT NULL CHECK (kind IN ('secret', 'config')),
    stack       TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,      -- sealed, never plain
    size        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (kind, stack, name)
  );
  `,
  // 7: metrics, one summary a minute per series (shared/metrics.ts MetricPoint, JSON), kept a day
  `
  CREATE TABLE metrics_minutes (
    series  TEXT NOT NULL,       -- "replica:<container id>" or "host:<name>"
    minute  INTEGER NOT NULL,    -- its start, Unix ms
    point   TEXT NOT NULL,
    PRIMARY KEY (series, minute)
  );
  CREATE INDEX metrics_minutes_minute ON metrics_minutes (minute);
  `,
];

const OWNER_ONLY = 0o600;

export function openDatabase(file: string): Database {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // SQLite creates the -wal and -shm files with the mode of the database file: make it 0600
    // before SQLite opens it (a new file would otherwise be 0644 under the usual umask).
    closeSync(openSync(file, 'a', OWNER_ONLY));
    chmodSync(file, OWNER_ONLY);
  }
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // deleted rows are zeroed, not left in the file's free space (they may have held sealed values,
  // and in a file written by Baton 0.1.0, environment values in clear)
  db.pragma('secure_delete = ON');
  migrate(db);
  // journals left by an earlier Baton (0644) are tightened; new ones inherit the file's 0600
  if (onDisk) for (const journal of [`${file}-wal`, `${file}-shm`]) if (existsSync(journal)) chmodSync(journal, OWNER_ONLY);
  return db;
}

/** How many schema steps this Baton knows; a file it has opened is at this `user_version`. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The state file was written by a newer Baton (schema ${current}, this one knows ${MIGRATIONS.length}). Upgrade Baton, or point BATON_HOME elsewhere.`,
    );
  }
  for (let i = current; i < MIGRATIONS.length; i++) {
    const step = MIGRATIONS[i]!;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}
