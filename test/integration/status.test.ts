// Status that tells the truth, on real lab hosts: a replica counts as healthy only when its host is
// ready and Docker's health check passes; one without a health check is running, not healthy; the
// replicas of a host whose link is down are unknown and in no count until it is back. The grace
// period before replacing them is long here, so that window stays open while it is looked at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSnapshot, ReplicaStatus, ServiceStatus } from '../../shared/api.ts';
import { replicasTable, servicesTable } from '../../electron/server/cli/format.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabInfo } from '../lab/lab.ts';
import { call, startTestPlane, waitForEvent, type TestPlane, until } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

const STACK = `name: truth
services:
  web:
    image: baton-test/web:1
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 3
  plain:
    image: baton-test/web:1
    stop_grace_period: 1s
    deploy:
      replicas: 2
`;

const services = async () => (await call(t.plane, 'service.list', {})) as ServiceStatus[];
const service = async (name: string) => (await services()).find((s) => s.name === name)!;
const replicas = async () => (await call(t.plane, 'replica.list', {})) as ReplicaStatus[];
const counts = (s: ServiceStatus) => ({ desired: s.desired, running: s.running, healthy: s.healthy, available: s.available, unknown: s.unknown, noHealthCheck: s.noHealthCheck, unknownHosts: s.unknownHosts });
/** The service.list row of `name` in `baton ls`, cut at its column gaps. */
const lsRow = (all: ServiceStatus[], name: string) =>
  servicesTable(all)
    .split('\n')
    .find((l) => l.startsWith(`truth/${name} `))!
    .split(/\s{2,}/);

before(async () => {
  lab = readLab();
  t = await startTestPlane(undefined, { reconcilerOptions: { hostLossGraceMs: 10 * 60_000 } });
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  const file = join(mkdtempSync(join(tmpdir(), 'baton-status-')), 'truth.yaml');
  writeFileSync(file, STACK);
  await call(t.plane, 'stack.apply', { source: STACK, file });
  await until('web 3 healthy, plain 2 running', services, (all) => all.some((s) => s.name === 'web' && s.healthy === 3) && all.some((s) => s.name === 'plain' && s.available === 2), 60_000);
});

after(async () => {
  for (const h of lab.hosts) await reviveHost(h.name).catch(() => {});
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

describe('service and replica status', () => {
  test('a health-checked service is healthy; one without a health check is running and available, never healthy', async () => {
    const web = await service('web');
    assert.deepEqual(counts(web), { desired: 3, running: 3, healthy: 3, available: 3, unknown: 0, noHealthCheck: 0, unknownHosts: [] });
    assert.deepEqual(web.revisions.map((r) => [r.revision, r.image, r.available]), [[1, 'baton-test/web:1', 3]]);
    assert.equal(web.image, 'baton-test/web:1');
    const plain = await service('plain');
    assert.deepEqual(counts(plain), { desired: 2, running: 2, healthy: 0, available: 2, unknown: 0, noHealthCheck: 2, unknownHosts: [] });

    const all = await replicas();
    const webHosts = all.filter((r) => r.service === 'web').map((r) => r.host).sort();
    assert.deepEqual(webHosts, ['h1', 'h2', 'h3'], 'spread: one web replica per host');
    assert.ok(all.filter((r) => r.service === 'web').every((r) => r.status === 'healthy' && r.health === 'healthy'));
    assert.ok(all.filter((r) => r.service === 'plain').every((r) => r.status === 'running' && r.health === 'none'));

    const listed = await services();
    assert.deepEqual(lsRow(listed, 'web').slice(1, 5), ['3/3', '3 healthy', 'baton-test/web:1', '1']);
    assert.deepEqual(lsRow(listed, 'plain').slice(1, 3), ['2/2', '2 running (no health check)']);
  });

  test('a host whose link is down: its replicas are unknown, in neither running nor healthy, until it is back', async () => {
    const lostHost = lab.hosts[2]!;
    const before = await replicas();
    const onLost = before.filter((r) => r.host === 'h3');
    const plainOnLost = onLost.filter((r) => r.service === 'plain').length;
    assert.equal(onLost.filter((r) => r.service === 'web').length, 1);

    const down = waitForEvent(t.plane, (e) => e.kind === 'host.unreachable' && e.host === 'h3', 15_000);
    await killHost(lostHost.name, 'link');
    try {
      await down;
      const web = await until('web: 1 unknown', () => service('web'), (s) => s.unknown === 1, 5000);
      assert.deepEqual(counts(web), { desired: 3, running: 2, healthy: 2, available: 2, unknown: 1, noHealthCheck: 0, unknownHosts: ['h3'] });
      const plain = await service('plain');
      assert.deepEqual(
        counts(plain),
        { desired: 2, running: 2 - plainOnLost, healthy: 0, available: 2 - plainOnLost, unknown: plainOnLost, noHealthCheck: 2 - plainOnLost, unknownHosts: plainOnLost ? ['h3'] : [] },
      );

      const now = await replicas();
      const lostNow = now.filter((r) => r.host === 'h3');
      assert.deepEqual(lostNow.map((r) => r.id).sort(), onLost.map((r) => r.id).sort(), 'the same replicas, not replaced within the grace period');
      assert.ok(lostNow.every((r) => r.status === 'unknown' && !r.hostReady), JSON.stringify(lostNow));
      const lostWeb = lostNow.find((r) => r.service === 'web')!;
      assert.equal(lostWeb.health, 'healthy', 'health stays what Docker said last');
      assert.ok(now.filter((r) => r.host !== 'h3').every((r) => r.status !== 'unknown'));

      const snapshot = (await call(t.plane, 'cluster.snapshot', {})) as ClusterSnapshot;
      assert.deepEqual(counts(snapshot.services.find((s) => s.name === 'web')!), counts(web), 'the topology reads the same counts');
      assert.equal(snapshot.replicas.find((r) => r.id === lostWeb.id)?.status, 'unknown');

      // what baton ls and baton ps print for it
      const listed = await services();
      assert.deepEqual(lsRow(listed, 'web').slice(1, 3), ['2/3', '2 healthy, 1 unknown (h3 unreachable)']);
      const ps = replicasTable(now, listed).split('\n');
      const psLine = ps.find((l) => l.startsWith(lostWeb.name))!;
      assert.match(psLine, /h3 \(unreachable\)\s+running\s+unknown \(last: healthy\)/);

      // a while later, still inside the grace period: still unknown, nothing counted for it
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(counts(await service('web')), counts(web));
    } finally {
      await reviveHost(lostHost.name);
    }

    const web = await until('web: 3 healthy again', () => service('web'), (s) => s.healthy === 3 && s.unknown === 0, 60_000);
    assert.deepEqual(counts(web), { desired: 3, running: 3, healthy: 3, available: 3, unknown: 0, noHealthCheck: 0, unknownHosts: [] });
    const plain = await until('plain: 2 running again', () => service('plain'), (s) => s.available === 2 && s.unknown === 0, 30_000);
    assert.deepEqual(counts(plain), { desired: 2, running: 2, healthy: 0, available: 2, unknown: 0, noHealthCheck: 2, unknownHosts: [] });
    const back = (await replicas()).filter((r) => r.host === 'h3');
    assert.deepEqual(back.map((r) => r.id).sort(), onLost.map((r) => r.id).sort(), 'the same replicas serve again');
    assert.ok(back.every((r) => r.status !== 'unknown' && r.hostReady));
    assert.deepEqual(lsRow(await services(), 'web').slice(1, 3), ['3/3', '3 healthy']);
  });
});
