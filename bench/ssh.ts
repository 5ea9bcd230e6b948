// `npm run bench -- ssh`: Docker API calls to a lab host through Baton's link (one persistent SSH
// connection, a channel per request, kept alive) against dockerode's own `protocol: 'ssh'` (a new
// SSH connection per request), on the same host in the same run.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { labUp } from '../test/lab/lab.ts';
import { IN_PROCESS } from '../electron/control-plane/api/caller.ts';
import { ControlPlane } from '../electron/control-plane/index.ts';
import { silentLogger } from '../electron/control-plane/log.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable, ms, percentile, ratio, timeCalls, type Timed } from './stats.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const IN_FLIGHT = 16;

/**
 * docker-modem's ssh agent leaves some ssh2 errors without a handler (e.g. when sshd's MaxStartups
 * drops a connection): they surface as uncaught exceptions. Count them as the peer's failures
 * while its calls run, instead of letting them end the benchmark.
 */
async function withStrayErrorsCounted(run: () => Promise<Timed>): Promise<Timed & { stray: number }> {
  let stray = 0;
  const onError = () => {
    stray++;
  };
  process.on('uncaughtException', onError);
  try {
    return { ...(await run()), stray };
  } finally {
    process.off('uncaughtException', onError);
  }
}

export async function benchSsh(): Promise<string> {
  const lab = await labUp();
  const host = lab.hosts[0]!;
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const plane = await ControlPlane.start({ home, userHome: home, logger: silentLogger() });
  try {
    const answer = await plane.dispatch('host.add', { target: `root@${host.address}`, name: 'bench', identityFile: lab.keys.root, hostKey: host.hostKeyFingerprint }, IN_PROCESS);
    if ('error' in answer) throw new Error(answer.error.message);
    const baton = plane.hosts.link('bench').engine().docker; // the raw client, to compare like with like
    // No `timeout` option: docker-modem's ssh agent hands http a channel without setTimeout, and
    // the request then throws. timeCalls puts a deadline on every call instead.
    const peer = new Docker({ protocol: 'ssh', host: host.address, port: 22, username: 'root', sshOptions: { privateKey: readFileSync(lab.keys.root) } });

    const calls = {
      'GET /version': (d: Docker) => () => d.version(),
      'GET /containers/json': (d: Docker) => () => d.listContainers({ all: true }),
    };
    const rows: string[][] = [];
    const walls: string[][] = [];
    const notes = new Set<string>();
    // Sequential runs first: the peer's connection storms at 16 in flight can leave sshd's
    // MaxStartups slots taken for a while, which would slow any peer run after them.
    for (const make of Object.values(calls)) await make(baton)(); // warm: the first channels
    for (const inFlight of [1, IN_FLIGHT]) {
      for (const [name, make] of Object.entries(calls)) {
        const ours: Timed = await timeCalls(make(baton), CALLS, inFlight);
        const theirs = await withStrayErrorsCounted(() => timeCalls(make(peer), CALLS, inFlight, 10_000));
        const mode = inFlight === 1 ? `${CALLS} sequential` : `${CALLS}, ${inFlight} in flight`;
        const [o50, o95, t50, t95] = [percentile(ours.latencies, 50), percentile(ours.latencies, 95), percentile(theirs.latencies, 50), percentile(theirs.latencies, 95)];
        rows.push([name, mode, ms(o50), ms(o95), ms(t50), ms(t95), ratio(t50, o50), ratio(t95, o95), `${ours.failures} / ${theirs.failures + theirs.stray}`]);
        if (theirs.firstError) notes.add(`peer error: ${theirs.firstError}`);
        walls.push([name, mode, `${ms(ours.wallMs)} ms`, `${ms(theirs.wallMs)} ms`, ratio(theirs.wallMs, ours.wallMs)]);
        process.stderr.write(`  ssh: ${name}, ${mode}: baton p50 ${ms(o50)} ms, peer p50 ${ms(t50)} ms\n`);
      }
    }
    return [
      `ssh: Docker API over SSH to lab host ${host.name} (${host.address}); Baton's link vs dockerode protocol 'ssh' (peer), same host, same run`,
      '',
      'Latency per call (ms):',
      markdownTable(['call', 'mode', 'baton p50', 'baton p95', 'peer p50', 'peer p95', 'p50 peer/baton', 'p95 peer/baton', 'failed baton / peer'], rows),
      '',
      'Wall time for all calls:',
      markdownTable(['call', 'mode', 'baton', 'peer', 'peer/baton'], walls),
      ...[...notes].map((n) => `note: ${n}`),
    ].join('\n');
  } finally {
    await plane.stop();
  }
}
