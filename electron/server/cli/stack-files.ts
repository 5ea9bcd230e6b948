// `baton apply` reads the files a stack names (env_file) here, on the client's side, and sends
// them with the stack: the control plane reads no file a stack names, whatever the transport.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { STACK_FILES_LIMITS } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import { filesNamedBy } from '../../control-plane/stacks/spec/parse-stack.ts';

/** Path as the stack writes it → content, for StackApplyParams.files. */
export function readStackFiles(source: string, file: string, env: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {};
  let total = 0;
  for (const named of filesNamedBy({ text: source, file, env })) {
    const full = resolve(dirname(file), named.path);
    let content: string;
    try {
      content = readFileSync(full, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !named.required) continue; // `required: false`: deployed without it
      const why = code === 'ENOENT' ? `does not exist (looked for ${full})` : `can't be read (${code ?? (err as Error).message})`;
      if (named.what !== undefined) {
        throw new BatonError('INVALID_INPUT', `${file} takes ${named.what} from the file ${named.path}, which ${why}. Nothing was applied.`, { file: named.path }, code === 'EACCES' ? `Let this user read ${full}, or point \`file:\` at a file it can read.` : `Create ${full}, or fix the path under \`file:\`.`);
      }
      throw new BatonError('INVALID_INPUT', `${file} names the file ${named.path}, which ${why}. Create it, fix the path, or mark it \`required: false\`.`, { file: named.path });
    }
    if (content.length > STACK_FILES_LIMITS.each) {
      throw new BatonError('INVALID_INPUT', `${full} is ${Math.round(content.length / 1024)} KiB: a file sent with a stack is at most ${STACK_FILES_LIMITS.each / 1024} KiB. Is it the env file you meant?`, { file: named.path });
    }
    total += content.length;
    files[named.path] = content;
  }
  const count = Object.keys(files).length;
  if (count > STACK_FILES_LIMITS.count || total > STACK_FILES_LIMITS.total) {
    throw new BatonError('INVALID_INPUT', `${file} names ${count} files of ${Math.round(total / 1024)} KiB in all: at most ${STACK_FILES_LIMITS.count} files and ${STACK_FILES_LIMITS.total / 1024} KiB can be sent with a stack. Merge its env files.`);
  }
  return files;
}
