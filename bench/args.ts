// The benchmark runner's command line: benchmark names, and `--name value` (or `--name=value`)
// options a benchmark reads for itself (the UI benchmark's size: --hosts 200 --replicas 5000 …).
// A bare flag (`--flag`) is a switch. The value after an option is not taken for a benchmark's name.

/** Options that take a value. */
const VALUED = new Set(['hosts', 'replicas', 'services', 'charts']);

export interface BenchArgs {
  names: string[];
  options: Map<string, string>;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const names: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const [flag, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) options.set(flag, inline);
    else if (VALUED.has(flag) && i + 1 < argv.length) options.set(flag, argv[++i]!);
    else options.set(flag, '');
  }
  return { names, options };
}

/** A whole number option, `fallback` when absent; an error naming the option when it is not one. */
export function intOption(args: BenchArgs, name: string, fallback: number, min = 0): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${raw}: give a whole number of at least ${min}, e.g. --${name} ${fallback}`);
  return n;
}
