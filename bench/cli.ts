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

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

export async function benchCli(): Promise<string> {
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
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(baton('ls'));
      theirs.push(docker());
    }
    const p50 = (xs: number[]) => percentile(xs, 50);
    const p95 = (xs: number[]) => percentile(xs, 95);
    const rows = [
      ['p50', `${p50(ours).toFixed(0)} ms`, `${p50(theirs).toFixed(0)} ms`, ratio(p50(theirs), p50(ours))],
      ['p95', `${p95(ours).toFixed(0)} ms`, `${p95(theirs).toFixed(0)} ms`, ratio(p95(theirs), p95(ours))],
      ['min', `${Math.min(...ours).toFixed(0)} ms`, `${Math.min(...theirs).toFixed(0)} ms`, ratio(Math.min(...theirs), Math.min(...ours))],
    ];
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
