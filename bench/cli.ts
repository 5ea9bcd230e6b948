// `npm run bench -- cli`: how fast the `baton` command answers, as a person runs it: `baton ls`
// against a running `baton serve` with the 3 lab hosts and a stack of 3 services, each call a new
// process (bin/baton.mjs, which runs the built command when it is current). The peer, in the same
// run: `docker ps` against one lab host's engine, the command people know answers at once.
// Each is run RUNS times after a warm-up, alternating, and timed from spawn to exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labUp } from '../test/lab/lab.ts';
import { removeBatonLeftovers } from './ingress/baton.ts';
import { markdownTable, percentile, ratio } from './stats.ts';

const RUNS = 20;
const STACK = `name: clibench
services:
  web:
    image: baton-test/web:1
    deploy: { replicas: 3 }
  api:
    image: baton-test/web:1
    deploy: { replicas: 2 }
  worker:
    image: baton-test/web:1
`;

/** Wall and CPU (user + system) time of one run, from GNU time: CPU time is what a busy machine bends least. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'BATON_TIME %U %S', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw new Error(`/usr/bin/time could not run (apt-get install time): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  const m = /BATON_TIME ([\d.]+) ([\d.]+)/.exec(r.stderr.toString());
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

export async function benchCli(): Promise<string> {
  // the command as `npm ci` leaves it: built, and newer than its sources (bin/baton.mjs runs it then)
  const built = spawnSync(process.execPath, ['build/build.mjs', '--cli'], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (built.status !== 0) throw new Error(`the CLI did not build: ${built.stderr.toString()}`);
  const lab = await labUp({ hosts: 3 });
  await removeBatonLeftovers(lab);
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-cli-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-bench-cli-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  const env = { ...process.env, BATON_HOME: home, HOME: userHome, BATON_LOG_LEVEL: 'warn' };
  const baton = (...args: string[]) => timed(process.execPath, ['bin/baton.mjs', ...args], env);
  let server: ChildProcess | null = null;
  try {
    server = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--ingress-image', lab.images.haproxy], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve did not start')), 30_000);
      server!.stderr!.on('data', (d: Buffer) => /serving/.test(d.toString()) && (clearTimeout(timer), resolve()));
    });
    for (const [i, h] of lab.hosts.entries()) baton('host', 'add', `root@${h.address}`, '--name', `c${i + 1}`, '-i', lab.keys.root, '--host-key', h.hostKeyFingerprint);
    const file = join(home, 'compose.yaml');
    writeFileSync(file, STACK);
    baton('apply', '-f', file, '--wait');
    const host = lab.hosts[0]!;
    const docker = () => timed('docker', ['-H', `unix://${host.dockerSocket}`, 'ps'], env);
    baton('ls');
    docker();
    const ours: { wallMs: number; cpuMs: number }[] = [];
    const theirs: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(baton('ls'));
      theirs.push(docker());
    }
    const row = (label: string, pick: (t: { wallMs: number; cpuMs: number }) => number, p: number) => {
      const a = percentile(ours.map(pick), p);
      const b = percentile(theirs.map(pick), p);
      return [label, `${a.toFixed(0)} ms`, `${b.toFixed(0)} ms`, ratio(b, a)];
    };
    const rows = [row('wall p50', (t) => t.wallMs, 50), row('wall p95', (t) => t.wallMs, 95), row('wall min', (t) => t.wallMs, 0), row('CPU p50 (user + sys)', (t) => t.cpuMs, 50)];
    return [
      `cli: \`baton ls\` (3 hosts, 3 services, 6 replicas, through a running serve) vs \`docker ps\` on one lab host, ${RUNS} runs each, alternating, spawn to exit`,
      markdownTable(['', 'baton ls', 'docker ps', 'docker/baton'], rows),
      'target: baton ls well under 300 ms',
    ].join('\n');
  } finally {
    try {
      baton('rm', 'clibench');
    } catch {
      // the serve may be gone: the leftovers are removed below
    }
    server?.kill('SIGTERM');
    await removeBatonLeftovers(lab);
  }
}
