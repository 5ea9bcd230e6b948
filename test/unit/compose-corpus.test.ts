// Public Compose files nobody here wrote (test/compose-corpus/manifest.json), each parsed as
// `baton config -f FILE` reads it: the outcome per file must stay what expected-report.json says,
// so a change in what Baton accepts or refuses fails here until the report is rewritten
// (`node --import tsx test/compose-corpus/corpus.ts --write`) and docs/compose-compatibility.md with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, corpusReport, manifest, type CorpusOutcome } from '../compose-corpus/corpus.ts';

const expected = JSON.parse(readFileSync(join(CORPUS_DIR, 'expected-report.json'), 'utf8')) as CorpusOutcome[];

test('the corpus: at least 40 stack files (91 now), each from a named repository, commit and licence, with Swarm\'s verdict', () => {
  const entries = manifest();
  assert.ok(entries.filter((e) => e.stack).length >= 40);
  for (const e of entries) {
    assert.ok(existsSync(join(CORPUS_DIR, e.file)), e.file);
    assert.match(e.repository, /^[\w.-]+\/[\w.-]+$/, e.file);
    assert.match(e.commit, /^[0-9a-f]{40}$/, e.file);
    assert.ok(['CC0-1.0', 'Apache-2.0'].includes(e.licence), e.file);
    if (e.stack) assert.match(e.swarm ?? '', /^(accepted|refused: .+)$/, e.file);
  }
});

test('each corpus file is accepted, accepted with warnings, or rejected as the expected report says', () => {
  const report = corpusReport();
  assert.deepEqual(report.map((r) => r.file), expected.map((r) => r.file));
  for (const [i, r] of report.entries()) assert.deepEqual(r, expected[i], r.file);
});

/** Why Baton refuses a file Swarm accepts: each is a decision written in the README's Compose table. */
const DELIBERATE = [
  /^services\.\*\.(network_mode|ipc|pid): `…` shares a namespace with another container/, // replicas of one service may be on other hosts
  /^services\.\*\.ports\.#(\.host_ip)?: .*an address of one machine/, // the ingress publishes on every host: on all addresses or the loopback
  /^services\.\*\.volumes\.#: the bind mount of … reaches into the host/, // needs x-baton host_access consent
  /^services\.\*\.(cap_add|privileged|devices|security_opt): `[a-z_]+` reaches into the host/, // needs x-baton host_access consent
  /^services\.\*\.volumes\.#(\.source)?: bind source "/, // "~" and Windows paths mean the client's machine
];

test('a file Swarm accepts is refused by Baton only for a deliberate, documented reason', () => {
  const bySwarm = new Map(manifest().map((e) => [e.file, e.swarm]));
  for (const r of expected) {
    if (bySwarm.get(r.file) !== 'accepted' || r.outcome !== 'rejected') continue;
    for (const reason of r.reasons) assert.ok(DELIBERATE.some((d) => d.test(reason)), `${r.file}: ${reason}`);
  }
});
