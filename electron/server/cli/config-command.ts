// `baton config`: a stack file checked and printed as Baton reads it (the StackSpec, normalized),
// with no control plane and no host, as `docker compose config` does. Refused: the problems at
// their lines, and a non-zero exit. Kept light to start: the parser and commander, nothing else.
import { stringify } from 'yaml';
import type { SpecProblem, StackSpec } from '../../../shared/stack.ts';
import { parseStackFile } from '../../control-plane/stacks/spec/parse-stack.ts';
import { formatProblem } from '../../control-plane/stacks/spec/problems.ts';
import type { StackInput } from './stack-files.ts';

export interface ConfigOutcome {
  /** What goes to standard output: the spec (YAML or JSON), or with --json the refusal too. */
  stdout: string;
  /** The problems, one a line (warnings with an accepted stack too). */
  stderr: string;
  exitCode: 0 | 1;
}

/** The outcome for a stack as its client read it: pure, so it is tested without a process. */
export function configOutcome(input: StackInput, json: boolean, projectName?: string): ConfigOutcome {
  const parsed = parseStackFile({
    text: input.source,
    file: input.file,
    env: input.env,
    files: input.files,
    overrides: input.overrides,
    profiles: input.profiles,
    ...(projectName !== undefined ? { stackName: projectName } : {}),
  });
  const warnings = parsed.problems.filter((p) => p.severity === 'warning');
  const problemsText = (problems: SpecProblem[]) => problems.map((p) => formatProblem(p) + '\n').join('');
  if (!parsed.stack) {
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    const unsent = parsed.unsentFiles.length > 0 ? `files named but not found: ${parsed.unsentFiles.join(', ')}\n` : '';
    const summary = `${errors.length} problem${errors.length === 1 ? '' : 's'}: ${input.file} is refused\n`;
    if (json) return { stdout: JSON.stringify({ stack: null, problems: parsed.problems, unsentFiles: parsed.unsentFiles }, null, 2) + '\n', stderr: '', exitCode: 1 };
    return { stdout: '', stderr: problemsText(parsed.problems) + unsent + summary, exitCode: 1 };
  }
  const stack: StackSpec = parsed.stack;
  if (json) return { stdout: JSON.stringify({ stack, placementStrategy: parsed.baton?.placementStrategy ?? null, warnings }, null, 2) + '\n', stderr: '', exitCode: 0 };
  return { stdout: stringify(stack, { lineWidth: 0 }), stderr: problemsText(warnings), exitCode: 0 };
}
