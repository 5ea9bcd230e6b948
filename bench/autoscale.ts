// `npm run bench -- autoscale`: a service at its minimum of 2 replicas behind the ingress
// (x-baton.autoscale: rps target per replica, min 2, max 8), a step of load at a fixed rate (wrk
// at 8× what 2 replicas carry at the target) held for 3 minutes, then removed. Measured: the step
// to the first scale-up decision, to the new replicas serving, the failed requests during the
// step, the direction changes under the steady load (flapping), and the time back to 2 after the
// load stops. The peer is the Kubernetes HPA with its defaults on the same timeline, from its
// documentation (not run here: no cluster): a 15 s sync period, 0.1 tolerance, a 300 s
// scale-down window, behind metrics-server's 15 s resolution.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatonEvent, ReplicaStatus } from '../shared/api.ts';
import { AutoscaleDecision, AutoscaleStatus } from '../shared/autoscale.ts';
import { ControlPlane } from '../electron/control-plane/index.ts';
import { silentLogger } from '../electron/control-plane/log.ts';
import { IN_PROCESS } from '../electron/control-plane/api/caller.ts';
import { labUp, type LabInfo } from '../test/lab/lab.ts';
import { describeLoad, startLoad } from '../test/lab/load.ts';
import { removeBatonLeftovers } from './ingress/baton.ts';
import { markdownTable, ratio } from './stats.ts';

const TARGET_RPS = 40;
const RATE = TARGET_RPS * 16; // 8× what 2 replicas carry at the target: 16 wanted, 8 at most
const STEADY_S = 180;
const DOWN_WINDOW_S = 60;
const STACK = `name: asbench
services:
  web:
    image: baton-test/web:1
    ports: ["8096:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 2
    x-baton:
      autoscale: { min: 2, max: 8, rps: ${TARGET_RPS}, scale_down_window: ${DOWN_WINDOW_S}s }
`;
// the HPA's documented defaults
const HPA = { syncS: 15, metricsResolutionS: 15, downWindowS: 300 };

async function call(plane: ControlPlane, method: string, params: unknown): Promise<unknown> {
  const answer = await plane.dispatch(method, params, IN_PROCESS);
  if ('error' in answer) throw new Error(answer.error.message);
  return answer.result;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now();
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function benchAutoscale(): Promise<string> {
  const lab: LabInfo = await labUp({ hosts: 3 });
  await removeBatonLeftovers(lab);
  const home = mkdtempSync(join(tmpdir(), 'baton-bench-autoscale-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-bench-autoscale-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  const plane = await ControlPlane.start({ home, userHome, logger: silentLogger(), localSocket: join(home, 'none.sock'), ingressImage: 'baton-test/haproxy:2.6' });
  const events: BatonEvent[] = [];
  const off = plane.subscribe((e) => events.push(e));
  const serving = async () => ((await call(plane, 'replica.list', { service: 'asbench/web' })) as ReplicaStatus[]).filter((r) => r.pool === 'serving').length;
  const status = async () => AutoscaleStatus.parse(await call(plane, 'autoscale.status', { service: 'asbench/web' }));
  const decisions = (from: number, to = Infinity) =>
    events
      .filter((e) => e.kind === 'service.scaled' && e.stack === 'asbench' && e.data?.autoscale !== undefined)
      .map((e) => ({ at: Date.parse(e.time), d: AutoscaleDecision.parse(e.data!.autoscale) }))
      .filter((x) => x.at >= from && x.at < to);
  try {
    for (const [i, h] of lab.hosts.entries()) await call(plane, 'host.add', { target: `root@${h.address}`, name: `a${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
    await call(plane, 'stack.apply', { source: STACK, file: '/stacks/asbench/compose.yaml' });
    await waitFor('2 replicas serving', async () => (await serving()) === 2, 120_000);
    await waitFor('an idle evaluation at the minimum', async () => (await status()).last?.kind === 'hold', 30_000);
    await new Promise((r) => setTimeout(r, 5000));

    const step = Date.now();
    const load = startLoad({ url: `http://${lab.hosts[0]!.address}:8096/`, connections: 32, threads: 2, durationS: STEADY_S, timeoutS: 3, rate: RATE });
    const servingAt = await waitFor('8 replicas serving', async () => (await serving()) === 8, 120_000);
    const result = await load.result;
    const stopped = Date.now();
    const backAt = await waitFor('back to 2', async () => (await status()).replicas === 2, (DOWN_WINDOW_S + 120) * 1000);

    const ups = decisions(step, stopped);
    const first = ups[0];
    if (!first) throw new Error('no scale-up decision during the step');
    // direction changes once the step's count is reached: any scale at all under steady load is flapping
    const steady = decisions(servingAt, stopped);
    let changes = 0;
    const all = decisions(step, stopped);
    for (let i = 1; i < all.length; i++) if (Math.sign(all[i]!.d.desired - all[i]!.d.current) !== Math.sign(all[i - 1]!.d.desired - all[i - 1]!.d.current)) changes++;
    const firstS = (first.at - step) / 1000;
    const servingS = (servingAt - step) / 1000;
    const downS = (backAt - stopped) / 1000;
    const steps = ups.map((u) => `${u.d.current}→${u.d.desired} at ${((u.at - step) / 1000).toFixed(1)} s`).join(', ');
    // HPA: the step is seen at the next metrics scrape (up to 15 s), acted on at the next sync (up to 15 s more)
    const hpaFirst = HPA.syncS + HPA.metricsResolutionS;
    const rows = [
      ['step → first scale-up decision', `${firstS.toFixed(1)} s`, `≤ ${hpaFirst} s (scrape ≤ ${HPA.metricsResolutionS} s + sync ≤ ${HPA.syncS} s)`, ratio(hpaFirst, firstS)],
      ['step → all new replicas serving (2 → 8)', `${servingS.toFixed(1)} s`, `≥ 2 syncs (doubling: 2→4→8) ≈ ${hpaFirst + HPA.syncS} s + replica start`, ratio(hpaFirst + HPA.syncS, servingS)],
      ['failed requests during the step', `${result.failed} of ${result.sent}`, 'n/a', '-'],
      [`direction changes in ${STEADY_S} s of steady load`, `${changes} (${steady.length} scale after the count was reached)`, 'n/a', '-'],
      [`load stopped → back to 2 (window ${DOWN_WINDOW_S} s here)`, `${downS.toFixed(1)} s`, `${HPA.downWindowS} s window + ≤ ${HPA.syncS} s`, '-'],
    ];
    return [
      `autoscale: rps target ${TARGET_RPS}/replica, min 2, max 8; wrk at ${RATE} req/s for ${STEADY_S} s (${describeLoad(result)}); scale-ups: ${steps}`,
      markdownTable(['figure', 'ours', 'HPA defaults (documented)', 'HPA/ours'], rows),
      `scale-down: ours waits out its window (default 300 s, as HPA's; ${DOWN_WINDOW_S} s in this run) and then halves at most per step`,
    ].join('\n');
  } finally {
    off();
    await plane.stop();
    await removeBatonLeftovers(lab);
  }
}
