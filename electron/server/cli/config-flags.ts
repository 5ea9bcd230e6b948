// `baton config`'s command line. Its action loads the parser (config-command.ts) only when it
// runs, so registering it costs the other commands nothing at start-up.
import type { Command } from 'commander';

/** The command, for the full CLI to give it its subcommands (`config ls`, `config show`). */
export function addConfigCommand(program: Command): Command {
  return program
    .command('config')
    .description("check a Compose file and print it as Baton reads it (no control plane needed; non-zero exit when it is refused); `config ls` and `config show STACK/NAME`: applied stacks' configs")
    .option('-f, --file <file>', 'the Compose file (repeat to merge files over the first); default: compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml here', collect, [])
    .option('--profile <name>', 'activate a Compose profile (repeatable; COMPOSE_PROFILES adds to them)', collect, [])
    .option('-p, --project-name <name>', 'the stack name (default: name: in the file, else its folder)')
    .option('--json', 'the spec and its warnings as JSON', false)
    .action(async (opts: { file: string[]; profile: string[]; projectName?: string; json: boolean }) => {
      const [{ configOutcome }, { readStackInput }] = await Promise.all([import('./config-command.ts'), import('./stack-files.ts')]);
      const outcome = configOutcome(readStackInput(opts.file, opts.profile), opts.json, opts.projectName);
      process.stdout.write(outcome.stdout);
      process.stderr.write(outcome.stderr);
      process.exitCode = outcome.exitCode;
    });
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
