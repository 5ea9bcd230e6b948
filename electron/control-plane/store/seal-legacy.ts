// Baton 0.1.0 sealed host passphrases without saying what they belong to ("v1:", no associated
// data) and kept stack files and environment values in clear. This rewrites such a state file
// once, at open, in one transaction: passphrases as v2 values sealed for their host, every
// environment value and stack file sealed for its place. Then VACUUM and a truncating checkpoint,
// so the clear text is gone from the file's free pages and from the WAL too, not just from the rows.
// `settings.sealed_format` says it was done (schema step 4 set it to 1; this sets 2): it runs
// once, so a v1 value planted in the file later is refused, never rewritten.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { isLegacySealed, sealedFor, type SecretBox } from '../secrets/secret-box.ts';
import type { Database } from './database.ts';
import { sealEnvironment } from './sealed-spec.ts';

export const SEALED_FORMAT = '2';

export interface LegacyRewrite {
  passphrases: number;
  stacks: number;
  revisions: number;
  /** Hosts whose v1 passphrase does not open with this data key: left as they were (they fail to connect and say so). */
  unopened: string[];
}

export function sealLegacyValues(db: Database, box: SecretBox): LegacyRewrite | null {
  const format = db.prepare("SELECT value FROM settings WHERE key = 'sealed_format'").get() as { value: string } | undefined;
  if (format?.value === SEALED_FORMAT) return null;
  const report: LegacyRewrite = { passphrases: 0, stacks: 0, revisions: 0, unopened: [] };
  db.transaction(() => {
    const hosts = db.prepare('SELECT name, passphrase_enc FROM hosts WHERE passphrase_enc IS NOT NULL').all() as { name: string; passphrase_enc: string }[];
    const setPassphrase = db.prepare('UPDATE hosts SET passphrase_enc = ? WHERE name = ?');
    for (const host of hosts) {
      if (!isLegacySealed(host.passphrase_enc)) continue;
      let plain: string;
      try {
        plain = box.openLegacy(host.passphrase_enc);
      } catch {
        report.unopened.push(host.name);
        continue;
      }
      setPassphrase.run(box.seal(plain, sealedFor.hostPassphrase(host.name)), host.name);
      report.passphrases++;
    }
    const stacks = db.prepare('SELECT name, source FROM stacks').all() as { name: string; source: string }[];
    const setSource = db.prepare('UPDATE stacks SET source = ? WHERE name = ?');
    for (const stack of stacks) {
      setSource.run(box.seal(stack.source, sealedFor.stackSource(stack.name)), stack.name);
      report.stacks++;
    }
    const revisions = db.prepare('SELECT stack, service, revision, spec FROM revisions').all() as { stack: string; service: string; revision: number; spec: string }[];
    const setSpec = db.prepare('UPDATE revisions SET spec = ? WHERE stack = ? AND service = ? AND revision = ?');
    for (const rev of revisions) {
      const sealed = sealEnvironment(JSON.parse(rev.spec) as ServiceSpec, box, rev);
      setSpec.run(JSON.stringify(sealed), rev.stack, rev.service, rev.revision);
      report.revisions++;
    }
    db.prepare("INSERT INTO settings (key, value) VALUES ('sealed_format', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(SEALED_FORMAT);
  })();
  // also for a file with no row left to rewrite: a stack removed under 0.1.0 is still in its free pages
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return report;
}
