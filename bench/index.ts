// `npm run bench [-- NAME…]`: runs the named benchmarks (all when none is named) against the lab,
// printing for each our figure, the peer's on the same hosts in the same run, and the ratio.
import { benchAutoscale } from './autoscale.ts';
import { benchCli } from './cli.ts';
import { benchHeal } from './heal.ts';
import { benchImages } from './images.ts';
import { benchIngress } from './ingress.ts';
import { benchMetrics } from './metrics.ts';
import { benchRollout } from './rollout.ts';
import { benchSsh } from './ssh.ts';
import { benchUi } from './ui.ts';
import { parseBenchArgs } from './args.ts';

const BENCHMARKS: Record<string, () => Promise<string>> = {
  ssh: benchSsh,
  heal: benchHeal,
  ingress: benchIngress,
  rollout: benchRollout,
  images: benchImages,
  metrics: benchMetrics,
  autoscale: benchAutoscale,
  ui: benchUi,
  cli: benchCli,
};

// These need no lab (and so no root).
const WITHOUT_LAB = new Set(['ui']);

const wanted = parseBenchArgs(process.argv.slice(2)).names;
const unknown = wanted.filter((w) => !(w in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(2);
}
const chosen = wanted.length ? wanted : Object.keys(BENCHMARKS);
if (chosen.some((name) => !WITHOUT_LAB.has(name)) && process.getuid?.() !== 0) {
  process.stderr.write('The benchmarks run against the lab (network namespaces with sshd and dockerd) and need root: sudo npm run bench\n');
  process.exit(1);
}
for (const name of chosen) {
  const started = Date.now();
  const report = await BENCHMARKS[name]!();
  process.stdout.write(`\n${report}\n(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}
process.exit(0);
