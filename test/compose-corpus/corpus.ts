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
  const stem = message.split(/[:;]/)[0]!.replace(/`([^`]*)`/g, (m, name: string) => (/^[a-z_]+$/.test(name) ? m : '`…`')).replace(/"[^"]*"/g, '"…"').replace(/\/\S+/g, '…').trim();
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

// `node --import tsx test/compose-corpus/corpus.ts --write`: the expected report, from what Baton does now
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = corpusReport();
  const text = JSON.stringify(report, null, 2) + '\n';
  if (process.argv.includes('--write')) (await import('node:fs')).writeFileSync(join(CORPUS_DIR, 'expected-report.json'), text);
  else process.stdout.write(text);
}
