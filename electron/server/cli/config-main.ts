// `baton config` on its own: started without the rest of the CLI (the control plane, SSH, the
// Docker client, the database), so checking a file takes the parser's time only.
import { Command } from 'commander';
import { toErrorBody } from '../../../shared/errors.ts';
import { addConfigCommand } from './config-flags.ts';
import { errorText } from './error-format.ts';

const program = new Command().name('baton').showHelpAfterError();
program.option('--home <dir>', 'Baton state folder (not used by config)');
addConfigCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const body = toErrorBody(err);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
  else process.stderr.write(errorText(body));
  process.exit(1);
});
