// Named volumes on real lab hosts: a stack's volume is made as its file declares it (driver,
// driver_opts, labels) on the host of the replica that mounts it, and only there; the data stays
// with that host through a rolling update (which would otherwise spread the new replica to another
// host) and through a replica Baton has to recreate; `baton volume ls --json` shows where each is
// and who uses it; `volume rm` is refused while used; a file whose replicas can't share one host
// with their volume is refused; the plan names bind mounts; `rm STACK` keeps the volumes and
// `rm STACK --volumes` removes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ReplicaStatus, StackPlan, VolumeInfo } from '../../shared/api.ts';
import { listenOnSocket } from '../../electron/server/socket-server.ts';
import { socketPathFor } from '../../electron/server/serve.ts';
import { IMAGES } from '../lab/layout.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, until, type TestPlane } from './helpers.ts';

const run = promisify(execFile);
const STACK = 'volit';
const SERVICE = `${STACK}/app`;
const DATA = `${STACK}_data`; // bound to a folder of the host, as driver_opts say
const STATE = `${STACK}_state`; // a plain local volume: its data is in the host's engine, nowhere else
const PAIR = 'volpair';

let lab: LabInfo;
let t: TestPlane;
let socket: Server;
const work = mkdtempSync(join(tmpdir(), 'baton-volumes-it-'));
// the lab's hosts share this machine's filesystem: the folder exists on every one of them
const dataDir = join(work, 'data');
const confDir = join(work, 'conf');
const composeFile = join(work, 'compose.yaml');
const marker = `written-${Date.now().toString(36)}`;

const healthcheck = `    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 500ms
      timeout: 2s
      retries: 1
    stop_grace_period: 2s`;

/**
 * v1 is held to h2 by a label constraint; v2 drops it and changes the image. Spread would put v2's
 * start-first replica on a host without the old one (h1 or h3): only the volume pin keeps it on h2.
 */
const stackFile = (image: string, pinnedByLabel: boolean) => `name: ${STACK}
services:
  app:
    image: ${image}
    deploy:
      replicas: 1
      update_config: { parallelism: 1, order: start-first, monitor: 1s }
${pinnedByLabel ? '      placement:\n        constraints: ["node.labels.disk == here"]\n' : ''}${healthcheck}
    volumes:
      - data:/data
      - state:/state
      - ${confDir}:/conf:ro
volumes:
  data:
    driver: local
    driver_opts:
      type: none
      o: bind
      device: ${dataDir}
    labels:
      com.example.purpose: volumes-it
      com.example.tier: "1"
  state: {}
`;

const apply = (source: string, extra: Record<string, unknown> = {}) => call(t.plane, 'stack.apply', { source, file: composeFile, ...extra }) as Promise<StackPlan>;
const replicas = async () => (await call(t.plane, 'replica.list', { service: SERVICE })) as ReplicaStatus[];
const labHost = (name: string): LabHost => lab.hosts[Number(name.slice(1)) - 1]!;

async function baton(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/baton.mjs', '--home', t.home, ...args], { env: { ...process.env, HOME: t.userHome }, timeout: 150_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

interface EngineVolume {
  Name: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

/** The hosts whose engine has the volume, with what the engine says of it. */
async function holders(name: string): Promise<{ host: string; volume: EngineVolume }[]> {
  const found = await Promise.all(
    lab.hosts.map(async (h, i) => {
      const out = await dockerCli(h, ['volume', 'inspect', name]).catch(() => null);
      if (out === null) return null;
      const [volume] = JSON.parse(out.stdout) as EngineVolume[];
      return volume ? { host: `h${i + 1}`, volume } : null;
    }),
  );
  return found.filter((f) => f !== null);
}

async function stackContainers(h: LabHost, stack: string, all = true): Promise<string[]> {
  return (await dockerCli(h, ['ps', ...(all ? ['-a'] : []), '-q', '--no-trunc', '--filter', `label=baton.stack=${stack}`])).stdout.split('\n').filter(Boolean);
}

/** What the one running replica reads from its volumes. */
async function readMarkers(r: ReplicaStatus): Promise<string> {
  return (await dockerCli(labHost(r.host), ['exec', r.id, 'sh', '-c', 'cat /data/marker /state/marker'])).stdout.trim();
}

async function oneHealthy(what: string, ok: (r: ReplicaStatus) => boolean, seen?: Set<string>): Promise<ReplicaStatus> {
  const [r] = await until(
    what,
    async () => {
      const rs = await replicas();
      for (const x of rs) seen?.add(x.host);
      return rs;
    },
    (rs) => rs.length === 1 && rs[0]!.health === 'healthy' && rs[0]!.state === 'running' && ok(rs[0]!),
    120_000,
  );
  return r!;
}

async function clean(): Promise<void> {
  for (const h of lab.hosts) {
    const ids = [...(await stackContainers(h, STACK)), ...(await stackContainers(h, PAIR))];
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
    const volumes = (await dockerCli(h, ['volume', 'ls', '-q'])).stdout.split('\n').filter((v) => v.startsWith(`${STACK}_`) || v.startsWith(`${PAIR}_`));
    if (volumes.length) await dockerCli(h, ['volume', 'rm', '-f', ...volumes]);
  }
}

before(async () => {
  lab = readLab();
  mkdirSync(dataDir);
  mkdirSync(confDir);
  writeFileSync(join(confDir, 'app.conf'), 'conf\n');
  t = await startTestPlane();
  await clean();
  for (const [i, h] of lab.hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint, ...(i === 1 ? { labels: { disk: 'here' } } : {}) });
  }
  // the CLI reaches this control plane as it reaches `baton serve`: over the socket in BATON_HOME
  socket = await listenOnSocket(t.plane, socketPathFor(t.home));
});

after(async () => {
  await new Promise<void>((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  await t?.plane.stop();
  if (lab) await clean();
  rmSync(work, { recursive: true, force: true });
});

test('the plan names the bind mount of a host folder; a dry run makes no volume', async () => {
  writeFileSync(composeFile, stackFile(IMAGES.web1, true));
  const cli = await baton('apply', '-f', composeFile, '--dry-run');
  assert.equal(cli.code, 0, cli.stderr);
  assert.ok(cli.stdout.includes(`bind ${confDir}`), `the plan text names the bind mount:\n${cli.stdout}`);
  const plan = await apply(stackFile(IMAGES.web1, true), { dryRun: true });
  assert.equal(plan.applied, false);
  const app = plan.services.find((s) => s.name === 'app')!;
  assert.deepEqual(app.binds, [{ source: confDir, target: '/conf', readOnly: true, hostAccess: null }]);
  assert.deepEqual(app.hosts, ['h2'], 'the constraint holds v1 to h2');
  assert.deepEqual(await holders(DATA), []);
  assert.deepEqual(await call(t.plane, 'stack.list', {}), []);
});

test('a volume is created as declared, on the replica\'s host only', async () => {
  const plan = await apply(stackFile(IMAGES.web1, true));
  assert.equal(plan.applied, true);
  const r = await oneHealthy('one healthy replica', () => true);
  assert.equal(r.host, 'h2');

  const data = await holders(DATA);
  assert.deepEqual(data.map((d) => d.host), ['h2'], `${DATA} is on the replica's host only`);
  const v = data[0]!.volume;
  assert.equal(v.Driver, 'local');
  assert.deepEqual(v.Options, { type: 'none', o: 'bind', device: dataDir });
  assert.equal(v.Labels?.['com.example.purpose'], 'volumes-it');
  assert.equal(v.Labels?.['com.example.tier'], '1');
  assert.equal(v.Labels?.['baton.stack'], STACK);
  assert.equal(v.Labels?.['baton.volume'], 'data');
  assert.deepEqual((await holders(STATE)).map((d) => d.host), ['h2']);

  // the replica writes into both volumes
  await dockerCli(labHost(r.host), ['exec', r.id, 'sh', '-c', `echo ${marker} > /data/marker && echo ${marker} > /state/marker && cat /conf/app.conf`]);
  assert.equal(readFileSync(join(dataDir, 'marker'), 'utf8').trim(), marker, 'the data volume is the host folder driver_opts name');
});

test('baton volume ls --json shows host, name, driver and the services that use each volume', async () => {
  const ls = await baton('volume', 'ls', '--json');
  assert.equal(ls.code, 0, ls.stderr);
  const list = JSON.parse(ls.stdout) as VolumeInfo[];
  assert.deepEqual(
    list.map((v) => [v.host, v.name, v.stack, v.volume, v.driver, v.type, v.services, v.external, v.hostReachable]),
    [
      ['h2', DATA, STACK, 'data', 'local', 'none', [SERVICE], false, true],
      ['h2', STATE, STACK, 'state', 'local', null, [SERVICE], false, true],
    ],
  );
  const human = await baton('volume', 'ls');
  assert.match(human.stdout, new RegExp(`${DATA}.*h2|h2.*${DATA}`));
});

test('volume rm is refused while a service uses the volume, naming the service', async () => {
  const err = await expectError(call(t.plane, 'volume.remove', { name: DATA }), 'INVALID_INPUT', new RegExp(`Volume ${DATA} is used by ${SERVICE}; nothing was removed`));
  assert.ok(err.hint);
  const cli = await baton('volume', 'rm', STATE, '--host', 'h2');
  assert.equal(cli.code, 1);
  assert.ok(cli.stderr.includes(SERVICE), cli.stderr);
  assert.deepEqual((await holders(DATA)).map((d) => d.host), ['h2']);
  assert.deepEqual((await holders(STATE)).map((d) => d.host), ['h2']);
});

test('a rolling update keeps the replica with its volumes (no constraint holds it any more), and so does a replica Baton recreates', async () => {
  const before = (await replicas())[0]!;
  const plan = await apply(stackFile(IMAGES.web2, false));
  const app = plan.services.find((s) => s.name === 'app')!;
  assert.equal(app.action, 'update');
  assert.deepEqual(app.hosts, ['h2'], 'the plan places the new replica with its volumes');
  const seen = new Set<string>();
  const updated = await oneHealthy('the replica on revision 2', (r) => r.revision === 2 && r.current, seen);
  assert.notEqual(updated.id, before.id, 'a new container');
  assert.equal(updated.host, 'h2');
  assert.deepEqual([...seen], ['h2'], 'no replica of the update ran elsewhere');
  const version = (await dockerCli(labHost('h2'), ['exec', updated.id, 'wget', '-qO-', 'http://127.0.0.1:8080/'])).stdout;
  assert.match(version, /version=2/);
  assert.equal(await readMarkers(updated), `${marker}\n${marker}`, 'the new container sees what the old one wrote');

  // the replica's container goes; Baton makes a new one, where its volumes are
  await dockerCli(labHost('h2'), ['rm', '-f', updated.id]);
  const healed = await oneHealthy('a replacement replica', (r) => r.id !== updated.id, seen);
  assert.equal(healed.host, 'h2');
  assert.deepEqual([...seen], ['h2']);
  assert.equal(await readMarkers(healed), `${marker}\n${marker}`, 'the replacement sees the data');
  for (const name of [DATA, STATE]) assert.deepEqual((await holders(name)).map((d) => d.host), ['h2'], `${name} was made nowhere else`);
});

test('replicas that can\'t share one host with their volume are refused at apply, naming the volume', async () => {
  const source = `name: ${PAIR}
services:
  db:
    image: ${IMAGES.web1}
    deploy:
      replicas: 2
      placement:
        max_replicas_per_node: 1
    volumes:
      - shared:/var/lib/db
volumes:
  shared: {}
`;
  const err = await expectError(call(t.plane, 'stack.apply', { source, file: join(work, 'pair.yaml') }), 'INVALID_INPUT', /volume `shared` \(volpair_shared\) keeps its data on one host/);
  assert.match(err.message, /nothing was applied/);
  assert.match(err.message, /db \(2 replicas\)/);
  assert.deepEqual((await call(t.plane, 'stack.list', {}) as { name: string }[]).map((s) => s.name), [STACK]);
  assert.deepEqual(await holders(`${PAIR}_shared`), []);
  for (const h of lab.hosts) assert.deepEqual(await stackContainers(h, PAIR), []);
});

test('rm STACK keeps its volumes (a new apply finds the data); rm STACK --volumes removes them', async () => {
  await call(t.plane, 'stack.remove', { name: STACK });
  await until('the stack\'s replicas gone', async () => (await Promise.all(lab.hosts.map((h) => stackContainers(h, STACK)))).flat(), (ids) => ids.length === 0, 60_000);
  for (const name of [DATA, STATE]) assert.deepEqual((await holders(name)).map((d) => d.host), ['h2'], `${name} is kept`);
  const kept = (await call(t.plane, 'volume.list', {})) as VolumeInfo[];
  assert.deepEqual(kept.map((v) => [v.host, v.name, v.services]), [['h2', DATA, []], ['h2', STATE, []]]);

  await apply(stackFile(IMAGES.web1, false));
  const back = await oneHealthy('the stack back', () => true);
  assert.equal(back.host, 'h2', 'the replica goes where its volumes are');
  assert.equal(await readMarkers(back), `${marker}\n${marker}`, 'and finds its data');

  const rm = await baton('rm', STACK, '--volumes', '--json');
  assert.equal(rm.code, 0, rm.stderr);
  const removed = JSON.parse(rm.stdout) as { volumesRemoved: { host: string; name: string }[] };
  assert.deepEqual(removed.volumesRemoved.map((v) => `${v.name}@${v.host}`).sort(), [`${DATA}@h2`, `${STATE}@h2`]);
  for (const h of lab.hosts) assert.deepEqual(await stackContainers(h, STACK), []);
  for (const name of [DATA, STATE]) assert.deepEqual(await holders(name), [], `${name} is gone from every host`);
  assert.deepEqual(await call(t.plane, 'volume.list', {}), []);
});
