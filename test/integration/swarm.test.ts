// A Docker Swarm as a second kind of cluster, on the lab's hosts: refused while the hosts are in no
// swarm, added by a manager (host key pinned) once they are, its quorum read; its nodes listed as
// hosts, drained and activated; a stack applied as a Swarm stack, scaled, updated (a rolling
// update), planned with --dry-run; the rollout verbs (status, history, undo as Swarm's rollback,
// resume of an update Swarm paused, pause refused) and the service's logs; the current cluster
// (cluster use) taken by the CLI; the cluster removed; a cluster of several managers going on
// through another when the one it used is down; a worker refused. The hosts leave the swarm at the
// end: the other suites run Baton's own cluster on them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listenOnSocket } from '../../electron/server/socket-server.ts';
import { socketPathFor } from '../../electron/server/socket-path.ts';
import { allHealthy, cli, leaderOf, quietly, swarmDown, swarmUp, waitNodes } from '../../bench/swarm.ts';
import { killHost, readLab, reviveHost, type LabHost, type LabInfo } from '../lab/lab.ts';
import type { Cluster, SwarmHistoryEntry, SwarmNodeRow, SwarmPlan, SwarmRolloutStatus, SwarmServiceRow, SwarmTaskRow } from '../../shared/cluster.ts';
import { call, expectError, startTestPlane, until, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
let socket: Server;
const run = promisify(execFile);
const SERVICE = 'shop_web';
const TALKER = 'talk_say';
const target = (h: LabHost) => `root@${h.address}:${h.sshPort}`;

const stack = (image: string, replicas: number) => `name: shop
services:
  web:
    image: ${image}
    ports: ["18080:8080"]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"]
      interval: 1s
      timeout: 2s
      retries: 3
    deploy:
      replicas: ${replicas}
      placement:
        max_replicas_per_node: 1
      update_config:
        parallelism: 1
        order: stop-first
      rollback_config:
        parallelism: 1
        order: stop-first
`;

const apply = (source: string, dryRun = false) => call(t.plane, 'swarm.apply', { cluster: 'lab', source, file: '/stacks/shop/stack.yaml', dryRun }) as Promise<SwarmPlan>;

/** `docker service ps` on the manager: the tasks meant to run, with their state and image. */
async function runningTasks(manager: LabHost): Promise<{ state: string; image: string; node: string }[]> {
  const out = await cli(manager, ['service', 'ps', SERVICE, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}\t{{.Image}}\t{{.Node}}']);
  return out.split('\n').filter(Boolean).map((line) => {
    const [state = '', image = '', node = ''] = line.split('\t');
    return { state, image, node };
  });
}

const allRunning = (image: string, count: number) => (tasks: { state: string; image: string }[]) => tasks.length === count && tasks.every((x) => x.state.startsWith('Running') && x.image.startsWith(image));

/** The `baton` CLI against this file's control plane (over its socket), as a person runs it. */
async function baton(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(process.cwd(), 'bin/baton.mjs'), '--home', t.home, ...args], { env: { ...process.env, BATON_LOG_LEVEL: 'warn' }, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  lab = readLab();
  await swarmDown(lab, [SERVICE, TALKER]);
  t = await startTestPlane();
  socket = await listenOnSocket(t.plane, socketPathFor(t.home));
});

after(async () => {
  socket?.close();
  await t?.plane.stop();
  if (lab) await swarmDown(lab, [SERVICE, TALKER]);
});

test('an engine in no swarm is refused, saying to docker swarm init or to give a manager', async () => {
  const h = lab.hosts[0]!;
  const err = await expectError(call(t.plane, 'cluster.add', { name: 'lab', swarm: target(h), identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint }), 'INVALID_INPUT', /in no swarm/);
  assert.match(err.hint ?? '', /docker swarm init/);
  const clusters = (await call(t.plane, 'cluster.list', {})) as Cluster[];
  assert.deepEqual(clusters.map((c) => c.name), ['local'], 'nothing was stored');
});

test('a Swarm is added by a manager, with the host key checked, and listed with its quorum', async () => {
  await swarmUp(lab);
  const h = lab.hosts[0]!;
  // the manager's key is checked as a host's is: unknown and unpinned is refused
  await expectError(call(t.plane, 'cluster.add', { name: 'lab', swarm: target(h), identityFile: lab.keys.root }), 'HOST_KEY_UNKNOWN', /new to this machine/);
  const added = (await call(t.plane, 'cluster.add', { name: 'lab', swarm: target(h), identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint })) as Cluster;
  assert.equal(added.kind, 'swarm');
  assert.deepEqual(added.quorum, { reachable: 3, total: 3, ok: true });
  assert.deepEqual(added.managers.map((m) => m.hostname).sort(), lab.hosts.map((x) => x.hostname).sort());
  assert.equal(added.managers.filter((m) => m.leader).length, 1);
  await expectError(call(t.plane, 'cluster.add', { name: 'lab', swarm: target(lab.hosts[1]!), identityFile: lab.keys.root, hostKey: lab.hosts[1]!.hostKeyFingerprint }), 'ALREADY_EXISTS', /named lab already exists/);
  await expectError(call(t.plane, 'cluster.add', { name: 'again', swarm: target(lab.hosts[1]!), identityFile: lab.keys.root, hostKey: lab.hosts[1]!.hostKeyFingerprint }), 'ALREADY_EXISTS', /already a cluster, lab/);

  const listed = (await call(t.plane, 'cluster.list', {})) as Cluster[];
  assert.deepEqual(listed.map((c) => [c.name, c.kind]), [['local', 'baton'], ['lab', 'swarm']]);
  assert.equal(listed[1]!.problem, null);
  assert.equal(listed[1]!.quorum.total, 3);
});

test("the swarm's nodes are its hosts: listed as docker node ls has them, drained and activated", async () => {
  const manager = lab.hosts[0]!;
  await waitNodes(manager, (r) => allHealthy(r, lab.hosts.length), 30_000, 'every node a reachable manager');
  const rows = (await call(t.plane, 'swarm.nodes', { cluster: 'lab' })) as SwarmNodeRow[];
  const listed = await cli(manager, ['node', 'ls', '--format', '{{.Hostname}}\t{{.ManagerStatus}}\t{{.Availability}}\t{{.Status}}\t{{.EngineVersion}}']);
  const expected = listed.split('\n').map((line) => line.split('\t')).sort((a, b) => a[0]!.localeCompare(b[0]!));
  assert.deepEqual(
    rows.map((r) => [r.hostname, r.manager === null ? '' : r.manager.leader ? 'Leader' : 'Reachable', r.availability === 'active' ? 'Active' : r.availability, r.state === 'ready' ? 'Ready' : r.state, r.engine]),
    expected,
  );
  assert.deepEqual(rows.map((r) => r.address), expected.map((e) => lab.hosts.find((h) => h.hostname === e[0])!.address));
  assert.ok(rows.every((r) => r.role === 'manager'));

  const node = lab.hosts[2]!;
  const availability = () => cli(manager, ['node', 'inspect', node.hostname, '--format', '{{.Spec.Availability}}']);
  const drained = await baton('host', 'drain', node.hostname, '--cluster', 'lab');
  assert.equal(drained.code, 0, drained.stderr);
  assert.equal(await availability(), 'drain');
  assert.match((await baton('host', 'ls', '--cluster', 'lab')).stdout, new RegExp(`^${node.hostname}\\s+${node.address.replace(/\./g, '\\.')}\\s+manager\\s+\\S+\\s+drain\\s+ready`, 'm'));
  const activated = (await call(t.plane, 'swarm.nodeAvailability', { cluster: 'lab', node: node.hostname, availability: 'active' })) as SwarmNodeRow;
  assert.equal(activated.availability, 'active');
  assert.equal(await availability(), 'active');
  const err = await expectError(call(t.plane, 'swarm.nodeAvailability', { cluster: 'lab', node: 'nosuchnode', availability: 'drain' }), 'NOT_FOUND', /no node nosuchnode/);
  assert.match(err.hint ?? '', new RegExp(node.hostname));
});

test('a stack is deployed as a Swarm stack, scaled, and rolled to a new image', async () => {
  const manager = lab.hosts[0]!;
  const first = await apply(stack(lab.images.web1, 2));
  assert.deepEqual(first.services.map((s) => [s.service, s.swarmService, s.action, s.replicas]), [['web', SERVICE, 'create', 2]]);
  assert.ok(first.notes.some((n) => n.path === 'services.web.ports.0' && n.severity === 'warning' && n.line === 5), JSON.stringify(first.notes));
  await until('2 tasks of web:1 running', () => runningTasks(manager), allRunning(lab.images.web1, 2), 60_000);
  // docker stack sees it as a stack
  assert.equal(await cli(manager, ['stack', 'services', 'shop', '--format', '{{.Name}}']), SERVICE);

  const services = (await call(t.plane, 'swarm.services', { cluster: 'lab' })) as SwarmServiceRow[];
  assert.deepEqual(services.map((s) => [s.stack, s.service, s.desired, s.running, s.image]), [['shop', 'web', 2, 2, lab.images.web1]]);
  const tasks = (await call(t.plane, 'swarm.tasks', { cluster: 'lab', stack: 'shop' })) as SwarmTaskRow[];
  const running = tasks.filter((x) => x.state === 'running');
  assert.equal(running.length, 2);
  assert.equal(new Set(running.map((x) => x.node)).size, 2, 'max_replicas_per_node: 1 spreads them');

  // the same file again changes nothing
  const again = await apply(stack(lab.images.web1, 2));
  assert.deepEqual(again.services.map((s) => s.action), ['unchanged']);

  const scaled = (await call(t.plane, 'swarm.scale', { cluster: 'lab', targets: [{ service: 'web', replicas: 3 }] })) as SwarmServiceRow[];
  assert.equal(scaled[0]!.desired, 3);
  await until('3 tasks running', () => runningTasks(manager), allRunning(lab.images.web1, 3), 60_000);

  // a dry run says what would change and changes nothing
  const versionBefore = await cli(manager, ['service', 'inspect', SERVICE, '--format', '{{.Version.Index}}']);
  const dry = await apply(stack(lab.images.web2, 3), true);
  assert.equal(dry.dryRun, true);
  assert.deepEqual(dry.services.map((s) => [s.action, s.changes]), [['update', ['Labels', 'TaskTemplate']]]);
  assert.equal(await cli(manager, ['service', 'inspect', SERVICE, '--format', '{{.Version.Index}}']), versionBefore);

  // a new image: Swarm's rolling update, one task at a time
  const update = await apply(stack(lab.images.web2, 3));
  assert.deepEqual(update.services.map((s) => s.action), ['update']);
  await until('3 tasks of web:2 running', () => runningTasks(manager), allRunning(lab.images.web2, 3), 120_000);
  await until('the update to complete', () => cli(manager, ['service', 'inspect', SERVICE, '--format', '{{.UpdateStatus.State}}']), (s) => s === 'completed', 60_000);
});

test('rollout verbs on the Swarm: status and history from Swarm, undo is its rollback, a paused update resumed, pause refused', async () => {
  const manager = lab.hosts[0]!;
  const updateState = () => cli(manager, ['service', 'inspect', SERVICE, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}']);
  const status = (await call(t.plane, 'swarm.rolloutStatus', { cluster: 'lab', service: 'web' })) as SwarmRolloutStatus;
  assert.deepEqual([status.phase, status.image, status.previousImage, status.runningCurrent, status.desired], ['completed', lab.images.web2, lab.images.web1, 3, 3]);
  const history = (await call(t.plane, 'swarm.rolloutHistory', { cluster: 'lab', service: 'web' })) as SwarmHistoryEntry[];
  assert.deepEqual(history.map((h) => [h.which, h.image]), [['previous', lab.images.web1], ['current', lab.images.web2]]);
  assert.ok(history[1]!.changes.includes('TaskTemplate'));

  await expectError(call(t.plane, 'swarm.rolloutPause', { cluster: 'lab', service: 'web' }), 'INVALID_INPUT', /cannot be paused on request/);
  await expectError(call(t.plane, 'swarm.rolloutResume', { cluster: 'lab', service: 'web' }), 'INVALID_INPUT', /not paused \(it is completed\)/);

  // undo: Swarm's rollback, back to web:1
  const undo = await baton('rollout', 'undo', 'web', '--cluster', 'lab');
  assert.equal(undo.code, 0, undo.stderr);
  await until('the rollback to complete', updateState, (x) => x === 'rollback_completed', 90_000);
  await until('3 tasks of web:1 running', () => runningTasks(manager), allRunning(lab.images.web1, 3), 60_000);

  // an image no node has: its task is rejected and Swarm pauses the update (failure_action pause)
  await apply(stack('baton-test/web:missing', 3));
  await until('Swarm to pause the update', updateState, (x) => x === 'paused', 90_000);
  const paused = (await call(t.plane, 'swarm.rolloutStatus', { cluster: 'lab', service: 'web' })) as SwarmRolloutStatus;
  assert.equal(paused.phase, 'paused');
  assert.match(paused.message ?? '', /paused/);
  assert.match((await baton('rollout', 'status', 'web', '--cluster', 'lab')).stdout, /paused by Swarm[\s\S]*baton rollout resume web --cluster lab/);
  const startedBefore = paused.startedAt;
  const resumed = await baton('rollout', 'resume', 'web', '--cluster', 'lab');
  assert.equal(resumed.code, 0, resumed.stderr);
  // the update goes on (a new start), and Swarm pauses it again on the same missing image
  await until('the resumed update to start anew and pause', () => call(t.plane, 'swarm.rolloutStatus', { cluster: 'lab', service: 'web' }) as Promise<SwarmRolloutStatus>, (x) => x.phase === 'paused' && x.startedAt !== startedBefore, 90_000);

  // back to a good image
  await apply(stack(lab.images.web1, 3));
  await until('3 tasks of web:1 running', () => runningTasks(manager), allRunning(lab.images.web1, 3), 90_000);
});

test("baton logs SERVICE --cluster reads the service's log, each line named by its task; -f follows it", async () => {
  await apply(`name: talk\nservices:\n  say:\n    image: ${lab.images.web1}\n    command: ["sh", "-c", "while true; do echo tick-$$(hostname); sleep 1; done"]\n    deploy:\n      replicas: 2\n`);
  await until('the talker to say something', () => baton('logs', 'say', '--cluster', 'lab', '--tail', '5'), (r) => /^talk_say\.1 \| tick-/m.test(r.stdout) && /^talk_say\.2 \| tick-/m.test(r.stdout), 60_000);
  // follow, from now on (tail 0): a line written after the stream opened comes
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/baton.mjs'), '--home', t.home, 'logs', 'say', '-f', '--tail', '0', '--cluster', 'lab'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await until('a followed line', () => Promise.resolve(out), (o) => /^talk_say\.\d \| tick-/m.test(o), 30_000);
  } finally {
    child.kill('SIGINT');
  }
  await cli(lab.hosts[0]!, ['service', 'rm', TALKER]);
});

test('cluster use makes the swarm the current cluster: commands without --cluster act on it', async () => {
  const unknown = await baton('cluster', 'use', 'nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no cluster named nope/);
  assert.match(unknown.stderr, /local, lab/);

  const used = await baton('cluster', 'use', 'lab');
  assert.equal(used.code, 0, used.stderr);
  assert.deepEqual(await call(t.plane, 'cluster.current', {}), { name: 'lab', kind: 'swarm' });
  assert.match((await baton('cluster', 'ls')).stdout, /^\*\s+lab\s+swarm/m);
  // no --cluster: the swarm's tasks, as docker service ps has them
  const ps = await baton('ps', 'web', '--json');
  assert.equal(ps.code, 0, ps.stderr);
  const rows = JSON.parse(ps.stdout) as SwarmTaskRow[];
  assert.equal(rows.filter((r) => r.state === 'running').length, (await runningTasks(lab.hosts[0]!)).length);
  // --cluster local still reaches Baton's own
  assert.match((await baton('ls', '--cluster', 'local')).stdout, /No services/);

  assert.equal((await baton('cluster', 'use', '--default')).code, 0);
  assert.deepEqual(await call(t.plane, 'cluster.current', {}), { name: 'local', kind: 'baton' });
  // removing the current cluster makes Baton's own current again
  await call(t.plane, 'cluster.use', { name: 'lab' });
});

test('a stack Swarm cannot run as written is refused at its line, nothing applied', async () => {
  const err = await expectError(apply(`name: other\nservices:\n  app:\n    image: ${lab.images.web1}\n    privileged: true\n    x-baton: { host_access: true }\n`), 'INVALID_INPUT', /stack\.yaml:5: services\.app\.privileged/);
  assert.match(err.hint ?? '', /Baton's own cluster/);
  assert.equal(await cli(lab.hosts[0]!, ['service', 'ls', '--filter', 'label=com.docker.stack.namespace=other', '--format', '{{.Name}}']), '');
});

test('removing the cluster forgets it; its services keep running on the swarm', async () => {
  assert.deepEqual(await call(t.plane, 'cluster.remove', { name: 'lab' }), { name: 'lab' });
  const listed = (await call(t.plane, 'cluster.list', {})) as Cluster[];
  assert.deepEqual(listed.map((c) => [c.name, c.current]), [['local', true]]);
  await expectError(call(t.plane, 'swarm.services', { cluster: 'lab' }), 'NOT_FOUND', /no cluster named lab/);
  assert.equal((await runningTasks(lab.hosts[0]!)).length, 3);
});

test('with several managers, a call goes on through another when the one used is down, and the new leader is shown', async () => {
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  const added = (await call(t.plane, 'cluster.add', { name: 'ha', swarm: `${target(h1)},${target(h2)}`, identityFile: lab.keys.root, hostKey: h1.hostKeyFingerprint, trustNewHostKey: true })) as Cluster;
  // two given, the third learned from the node list
  assert.deepEqual(added.knownManagers, [{ target: target(h1), learned: false }, { target: target(h2), learned: false }, { target: target(h3), learned: true }]);
  assert.equal(added.target, target(h1));
  const leaderBefore = await leaderOf(lab, h2);

  await killHost(h1.name, 'process');
  try {
    // while the managers elect a leader (if h1 led) a call may meet "no leader": it is waited out
    const scaled = await until('a scale through another manager', () => call(t.plane, 'swarm.scale', { cluster: 'ha', targets: [{ service: 'web', replicas: 2 }] }) as Promise<SwarmServiceRow[]>, () => true, 60_000, { retryErrors: true, pollMs: 500 });
    assert.equal(scaled[0]!.desired, 2);
    const tasks = (await call(t.plane, 'swarm.tasks', { cluster: 'ha' })) as SwarmTaskRow[];
    assert.ok(tasks.length > 0);
    await until('2 tasks running, as docker service ps on h2 says', () => runningTasks(h2), (x) => x.length === 2 && x.every((r) => r.state.startsWith('Running')), 60_000, { retryErrors: true });
    const leaderNow = await until('a leader that is not h1', () => leaderOf(lab, h2), (l) => l.name !== h1.name, 60_000, { retryErrors: true });
    if (leaderBefore.name !== h1.name) assert.equal(leaderNow.name, leaderBefore.name, 'a leader that was not h1 stays');
    const ha = ((await call(t.plane, 'cluster.list', {})) as Cluster[]).find((c) => c.name === 'ha')!;
    assert.notEqual(ha.target, target(h1), 'the cluster now goes through another manager');
    assert.deepEqual(ha.managers.filter((m) => m.leader).map((m) => m.hostname), [leaderNow.hostname]);
    assert.equal(ha.managers.find((m) => m.hostname === h1.hostname)?.reachability, 'unreachable');
    assert.match((await baton('cluster', 'ls')).stdout, new RegExp(`^\\s+ha\\s+swarm.*${(ha.target ?? '').replace(/\./g, '\\.')} \\(2 more known\\)$`, 'm'));
  } finally {
    await reviveHost(h1.name);
  }
  await waitNodes(h2, (r) => allHealthy(r, lab.hosts.length), 60_000, 'h1 back as a reachable manager');
});

test('a worker is refused, naming the managers to give instead', async () => {
  const worker = lab.hosts[2]!;
  await waitNodes(lab.hosts[1]!, (r) => allHealthy(r, lab.hosts.length), 60_000, 'every node a reachable manager');
  await cli(lab.hosts[0]!, ['node', 'demote', worker.hostname]);
  try {
    await until('the demoted node to be a worker', () => cli(worker, ['info', '--format', '{{.Swarm.ControlAvailable}}']), (v) => v === 'false', 30_000, { retryErrors: true });
    const err = await expectError(call(t.plane, 'cluster.add', { name: 'w', swarm: target(worker), identityFile: lab.keys.root, hostKey: worker.hostKeyFingerprint }), 'INVALID_INPUT', /worker, not a manager/);
    assert.match(err.hint ?? '', new RegExp(lab.hosts[0]!.address.replace(/\./g, '\\.')));
    const lab2 = ((await call(t.plane, 'cluster.list', {})) as Cluster[]).find((c) => c.name === 'ha')!;
    assert.deepEqual(lab2.quorum, { reachable: 2, total: 2, ok: true });
  } finally {
    await quietly(lab.hosts[0]!, ['node', 'promote', worker.hostname]);
  }
});
