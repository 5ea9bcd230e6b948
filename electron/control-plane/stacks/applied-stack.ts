// A stack as an apply request brings it (to Baton's own cluster or a Swarm): parsed from what its
// client sent, the text and the files it names, and refused with every problem at its line.
import type { StackApplyParams } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { SpecProblem, StackSpec } from '../../../shared/stack.ts';
import { parseStackFile, type ParseResult } from './spec/parse-stack.ts';
import { formatProblem } from './spec/problems.ts';

function describeProblems(problems: SpecProblem[], unsentFiles: string[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const unsent = unsentFiles.length === 0 ? '' : `\nThe stack names files that were not sent with it (${unsentFiles.join(', ')}): the control plane reads no file a stack names. Apply it with baton apply -f, which sends them.`;
  return `${errors.length} problem${errors.length === 1 ? '' : 's'} in the stack file; nothing was applied:\n${errors.map(formatProblem).join('\n')}${unsent}`;
}

/** The parsed stack of an apply request; INVALID_INPUT with its problems when it is refused. */
export function parseApplied(params: StackApplyParams): ParseResult & { stack: StackSpec; baton: NonNullable<ParseResult['baton']> } {
  // Whatever the transport: the files a stack names come with it, as its client read them.
  const parsed = parseStackFile({
    text: params.source,
    file: params.file,
    ...(params.stack !== undefined ? { stackName: params.stack } : {}),
    env: params.env ?? {},
    files: params.files ?? {},
    ...(params.overrides ? { overrides: params.overrides } : {}),
    ...(params.profiles ? { profiles: params.profiles } : {}),
  });
  if (!parsed.stack || !parsed.baton) {
    throw new BatonError('INVALID_INPUT', describeProblems(parsed.problems, parsed.unsentFiles), { problems: parsed.problems, unsentFiles: parsed.unsentFiles });
  }
  return parsed as ParseResult & { stack: StackSpec; baton: NonNullable<ParseResult['baton']> };
}
