// The compatibility corpus: public Compose files nobody here wrote (manifest.json says where each
// comes from and its licence), each read as `baton config -f FILE` reads it (from the disk, with
// an empty environment) and parsed. The outcome per file is compared with expected-report.json by
// a unit test, so a change in what Baton accepts shows; docs/compose-compatibility.md counts it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { readStackInput } from '../../electron/server/cli/stack-files.ts';
import type { SpecProblem } from '../../shared/stack.ts';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export interface ManifestEntry {
  file: string;
  repository: string;
  commit: string;
  path: string;
  licence: string;
  /** A stack file (parsed), or one that others include, extend or name. */
  stack: boolean;
  /** `docker stack config -c FILE` (Docker 28.2.2): "accepted", or "refused: <its message>". */
  swarm?: string;
}

export interface CorpusOutcome {
  file: string;
  outcome: 'accepted' | 'accepted with warnings' | 'rejected';
  /** For a rejected file its errors' reasons, else its warnings' (each once, sorted). */
  reasons: string[];
}

export function manifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as ManifestEntry[];
}

/** A problem as a reason, without the names of the file: "services.*.build: `build` is not supported". */
export function reasonOf(p: Pick<SpecProblem, 'path' | 'message'>): string {
  const key = p.path
    .split('.')
    .map((s, i, all) => (i === 1 && ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(all[0]!) ? '*' : /^\d+$/.test(s) ? '#' : s))
    .join('.');
  const message = p.message.startsWith(`${p.path}: `) ? p.message.slice(p.path.length + 2) : p.message;
  // quoted parts kept whole (names hidden), then the first clause
  const quoted: string[] = [];
  const masked = message
    .replace(/`([^`]*)`/g, (m, name: string) => `\0${quoted.push(/^[a-z_]+(: [a-z]+)?$/.test(name) ? m : '`…`') - 1}\0`)
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\/\S+/g, '…');
  const stem = masked.split(/[:;] /)[0]!.replace(/\0(\d+)\0/g, (_, i: string) => quoted[Number(i)]!).trim();
  return key === '' ? stem : `${key}: ${stem}`;
}

export function outcomeOf(entry: Pick<ManifestEntry, 'file'>): CorpusOutcome {
  const full = join(CORPUS_DIR, entry.file);
  let problems: SpecProblem[];
  let accepted: boolean;
  try {
    const input = readStackInput([full], [], dirname(full), {});
    const parsed = parseStackFile({ text: input.source, file: entry.file, env: input.env, files: input.files, profiles: input.profiles });
    problems = parsed.problems;
    accepted = parsed.stack !== null;
  } catch (err) {
    return { file: entry.file, outcome: 'rejected', reasons: [`reading: ${reasonOf({ path: '', message: (err as Error).message.replaceAll(CORPUS_DIR, '') })}`] };
  }
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const reasons = (list: SpecProblem[]) => [...new Set(list.map(reasonOf))].sort();
  if (!accepted) return { file: entry.file, outcome: 'rejected', reasons: reasons(errors) };
  return { file: entry.file, outcome: warnings.length > 0 ? 'accepted with warnings' : 'accepted', reasons: reasons(warnings) };
}

export function corpusReport(): CorpusOutcome[] {
  return manifest()
    .filter((e) => e.stack)
    .map(outcomeOf);
}

/** The tables of docs/compose-compatibility.md: counts by outcome, by reason, and beside Swarm's verdict. */
export function reportTables(report: CorpusOutcome[], entries: ManifestEntry[]): string {
  const swarm = new Map(entries.map((e) => [e.file, e.swarm ?? '']));
  const count = <K>(keys: K[]) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  };
  const outcomes = ['accepted', 'accepted with warnings', 'rejected'] as const;
  const sources = [...new Set(report.map((r) => r.file.split('/')[0]!))];
  const lines: string[] = [];
  lines.push('| Source | ' + outcomes.join(' | ') + ' | total |', '|---|' + outcomes.map(() => '---:|').join('') + '---:|');
  for (const src of [...sources, 'all']) {
    const rows = report.filter((r) => src === 'all' || r.file.startsWith(`${src}/`));
    lines.push(`| ${src} | ${outcomes.map((o) => rows.filter((r) => r.outcome === o).length).join(' | ')} | ${rows.length} |`);
  }
  lines.push('', '| Files refused for it | Reason (an error; a file may have several) |', '|---:|---|');
  for (const [reason, n] of count(report.filter((r) => r.outcome === 'rejected').flatMap((r) => r.reasons))) lines.push(`| ${n} | ${reason.replaceAll('|', '\\|')} |`);
  lines.push('', '| Files | Warning, in files accepted with warnings |', '|---:|---|');
  for (const [reason, n] of count(report.filter((r) => r.outcome === 'accepted with warnings').flatMap((r) => r.reasons))) lines.push(`| ${n} | ${reason.replaceAll('|', '\\|')} |`);
  lines.push('', '| `docker stack config` | Baton accepts (with or without warnings) | Baton rejects |', '|---|---:|---:|');
  for (const verdict of ['accepted', 'refused'] as const) {
    const rows = report.filter((r) => (swarm.get(r.file) === 'accepted') === (verdict === 'accepted'));
    lines.push(`| ${verdict} | ${rows.filter((r) => r.outcome !== 'rejected').length} | ${rows.filter((r) => r.outcome === 'rejected').length} |`);
  }
  lines.push('', '| File | Baton | Reasons | `docker stack config` |', '|---|---|---|---|');
  for (const r of report) lines.push(`| ${r.file} | ${r.outcome} | ${r.reasons.join('; ').replaceAll('|', '\\|') || '—'} | ${(swarm.get(r.file) ?? '').replaceAll('|', '\\|')} |`);
  return lines.join('\n') + '\n';
}

// `node --import tsx test/compose-corpus/corpus.ts --write`: the expected report, from what Baton
// does now; `--tables`: the tables of docs/compose-compatibility.md
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = corpusReport();
  const text = JSON.stringify(report, null, 2) + '\n';
  if (process.argv.includes('--write')) (await import('node:fs')).writeFileSync(join(CORPUS_DIR, 'expected-report.json'), text);
  else if (process.argv.includes('--tables')) process.stdout.write(reportTables(report, manifest()));
  else process.stdout.write(text);
}
