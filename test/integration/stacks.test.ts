// Stacks on real lab hosts: apply, scale, crash, unhealthy, host loss and return, and a control
// plane killed with -9 and started again, checked against what `docker ps` shows on the hosts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceStatus, StackPlan } from '../../shared/api.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, type TestPlane, until } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
let clusterId: string | null = null;
const dir = mkdtempSync(join(tmpdir(), 'baton-stacks-'));

const HEALTH = `    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1`;

function stackFile(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

async function apply(file: string, extra: Record<string, unknown> = {}): Promise<unknown> {
  return call(t.plane, 'stack.apply', { source: readFileSync(file, 'utf8'), file, ...extra });
}

/** Containers of a service on the given hosts, as Docker itself lists them (this cluster's, and adopted ones). */
async function dockerPs(hosts: LabHost[], service: string): Promise<{ host: string; id: string; status: string }[]> {
  const rows = await Promise.all(
    hosts.map(async (h) => {
      const out = await dockerCli(h, ['ps', '-a', '--no-trunc', '--filter', `label=baton.service=${service}`, '--format', `{{.ID}} {{.Label "baton.cluster"}} {{.Status}}`]);
      const mine = out.stdout.split('\n').filter((line) => {
        const [, owner] = line.split(' ');
        return owner === clusterId || owner === '';
      });
      out.stdout = mine.map((line) => line.replace(/^(\S+) \S* /, '$1 ')).join('\n');
      return out.stdout.split('\n').filter(Boolean).map((line) => ({ host: h.name, id: line.slice(0, line.indexOf(' ')), status: line.slice(line.indexOf(' ') + 1) }));
    }),
  );
  return rows.flat();
}

const healthyOf = (rows: { status: string }[]) => rows.filter((r) => r.status.includes('(healthy)')).length;

async function service(name: string): Promise<ServiceStatus> {
  const list = (await call(t.plane, 'service.list', {})) as ServiceStatus[];
  return list.find((s) => s.name === name)!;
}

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  clusterId = t.plane.store.settings.get('cluster_id');
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
});

after(async () => {
  await t.plane.stop();
  // leave the lab as we found it
  for (const h of lab.hosts) await dockerCli(h, ['rm', '-f', ...(await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean)]);
});

describe('bad stack files change nothing', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', 'services:\n  web:\n    image: [unclosed\n', /bad\.yaml:\d+:\d+: error: YAML syntax/],
    ['an image no host has and none can pull', `name: bad\nservices:\n  web:\n    image: baton-test/does-not-exist:1\n`, /on no host.*could not pull/s],
    ['impossible placement', `name: bad\nservices:\n  web:\n    image: baton-test/web:1\n    deploy:\n      placement:\n        constraints: ["node.hostname == nowhere"]\n`, /can't run on any host.*node\.hostname == nowhere/s],
    ['reservations larger than any host', `name: bad\nservices:\n  web:\n    image: baton-test/web:1\n    deploy:\n      resources:\n        reservations:\n          cpus: "64"\n`, /needs 64 CPUs/],
    ['two services on one published port', `name: bad\nservices:\n  a:\n    image: baton-test/web:1\n    ports: ["9000:8080"]\n  b:\n    image: baton-test/web:1\n    ports: ["9000:8080"]\n`, /9000/],
  ];
  for (const [what, body, pattern] of cases) {
    test(what, async () => {
      const err = await expectError(apply(stackFile('bad', body)), 'INVALID_INPUT', pattern);
      assert.match(err.message, /nothing was applied/);
      assert.deepEqual(await call(t.plane, 'stack.list', {}), []);
    });
  }
});

describe('a stack on three hosts', () => {
  test('apply: the plan names the hosts; the replicas run, healthy, spread', async () => {
    const file = stackFile('shop', `name: shop\nservices:\n  web:\n    image: baton-test/web:1\n    ports: ["8080:8080"]\n${HEALTH}\n    deploy:\n      replicas: 3\n`);
    const dry = (await apply(file, { dryRun: true })) as { applied: boolean; services: { hosts: string[] }[] };
    assert.equal(dry.applied, false);
    assert.deepEqual([...dry.services[0]!.hosts].sort(), ['h1', 'h2', 'h3']);
    assert.deepEqual(await call(t.plane, 'stack.list', {}), [], 'a dry run stores nothing');
    await apply(file);
    const rows = await until('3 healthy', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3, 30_000);
    assert.deepEqual(rows.map((r) => r.host).sort(), lab.hosts.map((h) => h.name).sort(), 'one per host');
    assert.equal((await service('web')).healthy, 3);
  });

  test('applying the same file again changes nothing', async () => {
    const before = (await dockerPs(lab.hosts, 'web')).map((r) => r.id).sort();
    const plan = (await apply(join(dir, 'shop.yaml'))) as { services: { action: string }[] };
    assert.equal(plan.services[0]!.action, 'unchanged');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual((await dockerPs(lab.hosts, 'web')).map((r) => r.id).sort(), before);
  });

  test('the plan says what changes: a new image, and a count scaled by hand that the file undoes', async () => {
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 5 }] });
    const file = stackFile('shop-v2', readFileSync(join(dir, 'shop.yaml'), 'utf8').replace('baton-test/web:1', 'baton-test/web:2'));
    const plan = (await apply(file, { dryRun: true })) as StackPlan;
    const web = plan.services.find((s) => s.name === 'web')!;
    assert.equal(web.action, 'update');
    assert.equal(web.revision, 2);
    assert.deepEqual(web.changes, [{ field: 'image', before: 'baton-test/web:1', after: 'baton-test/web:2' }]);
    assert.deepEqual([web.replicasBefore, web.replicas, web.scaledByHand], [5, 3, true]);
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 3 }] });
    await until('3 healthy', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3, 30_000);
  });

  test('after a rollback, re-applying a file rolls forward to the revision it made; the old file reuses its own', async () => {
    const { stacks } = t.plane.store;
    const v2 = join(dir, 'shop-v2.yaml');
    assert.equal(((await apply(v2)) as StackPlan).services[0]!.revision, 2);
    // a rollback: the service's desired revision goes back to 1
    const record = stacks.getService('shop', 'web')!;
    stacks.putService({ ...record, revision: 1 });
    const again = ((await apply(v2, { dryRun: true })) as StackPlan).services[0]!;
    assert.deepEqual([again.action, again.revision, again.changes], ['update', 2, [{ field: 'image', before: 'baton-test/web:1', after: 'baton-test/web:2' }]]);
    assert.equal(((await apply(v2)) as StackPlan).services[0]!.revision, 2);
    const back = ((await apply(join(dir, 'shop.yaml'))) as StackPlan).services[0]!;
    assert.deepEqual([back.action, back.revision], ['update', 1]);
    assert.deepEqual(stacks.listRevisions('shop', 'web').map((r) => r.revision), [1, 2], 'no copy of a revision');
    await until('3 healthy on revision 1', () => service('web'), (s) => s.revision === 1 && s.healthy === 3 && s.running === 3 && s.image === 'baton-test/web:1', 60_000);
    await until('3 containers', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3, 30_000);
  });

  test('scale up to 6 spreads 2/2/2; down to 2 leaves exactly 2', async () => {
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 6 }] });
    const six = await until('6 healthy', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 6 && r.length === 6, 30_000);
    for (const h of lab.hosts) assert.equal(six.filter((r) => r.host === h.name).length, 2, `2 on ${h.name}`);
    await call(t.plane, 'service.scale', { targets: [{ service: 'shop/web', replicas: 2 }] });
    await until('2 left', () => dockerPs(lab.hosts, 'web'), (r) => r.length === 2 && healthyOf(r) === 2, 30_000);
    await call(t.plane, 'service.scale', { targets: [{ service: 'web', replicas: 3 }] });
    await until('3 healthy', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3, 30_000);
  });

  test('a killed replica is back, healthy, at once', async () => {
    const victim = (await dockerPs([lab.hosts[1]!], 'web'))[0]!;
    const killedAt = Date.now();
    await dockerCli(lab.hosts[1]!, ['kill', victim.id]);
    await until('3 healthy again', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3, 15_000);
    const events = (await call(t.plane, 'events.list', { limit: 20 })) as { kind: string; time: string }[];
    assert.ok(events.some((e) => e.kind === 'replica.restarted' && Date.parse(e.time) >= killedAt - 1000), 'the restart is an event');
  });

  test('an unhealthy replica is replaced by a new one', async () => {
    const victim = (await dockerPs([lab.hosts[0]!], 'web'))[0]!;
    await dockerCli(lab.hosts[0]!, ['exec', victim.id, 'rm', '/www/health']);
    const rows = await until('replaced', () => dockerPs(lab.hosts, 'web'), (r) => healthyOf(r) === 3 && r.length === 3 && !r.some((x) => x.id === victim.id), 20_000);
    assert.equal(rows.length, 3);
  });

  test('a lost host: its replicas start elsewhere after the grace period; when it returns the count is exact', async () => {
    const lost = lab.hosts[2]!;
    const others = lab.hosts.slice(0, 2);
    await killHost(lost.name, 'link');
    try {
      await until('3 healthy on the other hosts', () => dockerPs(others, 'web'), (r) => healthyOf(r) === 3, 30_000);
    } finally {
      await reviveHost(lost.name);
    }
    await until('exactly 3 in the cluster', () => dockerPs(lab.hosts, 'web'), (r) => r.length === 3 && healthyOf(r) === 3, 40_000);
  });
});

describe('the control plane itself', () => {
  let child: ChildProcess | null = null;
  const serve = () => {
    child = spawn(process.execPath, ['bin/baton.mjs', 'serve', '--home', t.home], { env: { ...process.env, HOME: t.userHome, BATON_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    return child;
  };

  test('after kill -9 and a restart, nothing is duplicated or orphaned, and a hand-made replica is adopted', async () => {
    await t.plane.stop();
    serve();
    await new Promise((r) => setTimeout(r, 4000));
    const before = (await dockerPs(lab.hosts, 'web')).map((r) => r.id).sort();
    assert.equal(before.length, 3);
    child!.kill('SIGKILL');
    // while no control plane runs: one replica disappears, and someone starts a matching one by hand
    const gone = (await dockerPs([lab.hosts[0]!], 'web'))[0]!;
    const inspect = JSON.parse((await dockerCli(lab.hosts[0]!, ['inspect', gone.id])).stdout)[0] as { Config: { Labels: Record<string, string> } };
    await dockerCli(lab.hosts[0]!, ['rm', '-f', gone.id]);
    const L = inspect.Config.Labels;
    const adopted = (await dockerCli(lab.hosts[0]!, ['run', '-d', '--network', 'baton', '--health-cmd', 'wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1', '--health-interval', '500ms', '--label', `baton.stack=${L['baton.stack']}`, '--label', `baton.service=${L['baton.service']}`, '--label', `baton.slot=${L['baton.slot']}`, '--label', `baton.revision=${L['baton.revision']}`, '--label', `baton.spec-hash=${L['baton.spec-hash']}`, 'baton-test/web:1'])).stdout.trim();
    assert.ok(adopted.length > 10, 'started by hand');

    t = await startTestPlane({ home: t.home, userHome: t.userHome });
    await new Promise((r) => setTimeout(r, 6000));
    const after = (await dockerPs(lab.hosts, 'web')).map((r) => r.id).sort();
    assert.equal(after.length, 3, 'exactly the desired count');
    assert.ok(after.some((id) => id.startsWith(adopted.slice(0, 12))), 'the hand-made replica was adopted, not replaced');
    assert.equal(after.filter((id) => before.includes(id)).length, 2, 'the others are the same containers');
  });

  test('removing the stack removes every replica', async () => {
    await call(t.plane, 'stack.remove', { name: 'shop' });
    await until('none left', () => dockerPs(lab.hosts, 'web'), (r) => r.length === 0, 30_000);
  });
});
