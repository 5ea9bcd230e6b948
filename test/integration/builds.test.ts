// Compose `build:` on real lab hosts, with no engine on the machine Baton runs on: a dry run says
// what would be built where and builds nothing; an apply sends the context (after .dockerignore)
// the way `baton apply` does, builds it on a host over its SSH link, streams the output as events,
// copies the image to the other hosts its replicas go to and runs them there; the same context
// applied again is not built again; a Dockerfile step that fails stops the apply with that step.
// And one stack as `baton apply --wait` deploys it that puts Compose's pieces together: two
// services built from two contexts, `extends` from another file and from the same file, a
// `depends_on` that waits for health, `init:` and `user:`, each checked with `docker inspect`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../../electron/control-plane/index.ts';
import type { BatonEvent, ReplicaStatus, ServiceStatus, StackPlan } from '../../shared/api.ts';
import type { PlanBuild } from '../../shared/builds.ts';
import { IMAGES } from '../lab/layout.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { readBuildContexts } from '../../electron/server/cli/build-contexts.ts';
import { listenOnSocket } from '../../electron/server/socket-server.ts';
import { socketPathFor } from '../../electron/server/serve.ts';
import { call, expectError, startTestPlane, until } from './helpers.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Server } from 'node:net';

const STACK = 'builds-it';
const COMPOSED = 'composed-it';
const RUN = Date.now().toString(36);

let lab: LabInfo;
let plane: ControlPlane;
let home: string;
let socket: Server;
let dir: string;
const built = new Set<string>();

function stackFile(dockerfile: string, service = 'app'): { file: string; source: string } {
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  const source = [`services:`, `  ${service}:`, `    build:`, `      context: .`, `      args: { GREETING: "hello ${RUN}" }`, `    deploy: { replicas: 3, placement: { max_replicas_per_node: 1 } }`, ''].join('\n');
  const file = join(dir, 'stack.yaml');
  writeFileSync(file, source);
  return { file, source };
}

/** As `baton apply` sends it: the stack, and the contexts it reads beside the file. */
async function apply(file: string, source: string, dryRun = false): Promise<StackPlan> {
  const builds = readBuildContexts(source, file, {}, {}, dryRun);
  return (await call(plane, 'stack.apply', { source, file, stack: STACK, dryRun, builds })) as StackPlan;
}

async function eventsAfter(id: number): Promise<BatonEvent[]> {
  return ((await call(plane, 'events.list', { after: id, limit: 10_000 })) as BatonEvent[]).filter((e) => e.stack === STACK);
}

async function lastEventId(): Promise<number> {
  return ((await call(plane, 'events.list', { limit: 1 })) as BatonEvent[]).at(-1)?.id ?? 0;
}

const hostOf = (name: string): LabHost => lab.hosts[Number(name.slice(1)) - 1]!;

before(async () => {
  lab = readLab();
  ({ plane, home } = await startTestPlane());
  socket = await listenOnSocket(plane, socketPathFor(home));
  for (const [i, h] of lab.hosts.entries()) {
    await call(plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
  dir = mkdtempSync(join(tmpdir(), 'baton-builds-it-'));
  writeFileSync(join(dir, 'hello.txt'), `built by baton ${RUN}\n`);
  writeFileSync(join(dir, 'secret.txt'), 'must stay behind\n');
  writeFileSync(join(dir, '.dockerignore'), 'secret.txt\n');
});

after(async () => {
  for (const name of [STACK, COMPOSED]) await call(plane, 'stack.remove', { name }).catch(() => {});
  await until('the stacks are gone', () => call(plane, 'replica.list', {}) as Promise<ReplicaStatus[]>, (r) => r.every((x) => x.stack !== STACK && x.stack !== COMPOSED), 30_000, { retryErrors: true }).catch(() => {});
  socket?.close();
  await plane?.stop();
  for (const h of lab?.hosts ?? []) {
    for (const name of [STACK, COMPOSED]) {
      const ids = (await dockerCli(h, ['ps', '-aq', '--filter', `label=baton.stack=${name}`])).stdout.split('\n').filter(Boolean);
      if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
    }
    for (const ref of built) await dockerCli(h, ['rmi', '-f', ref]);
  }
});

const GOOD = `FROM ${IMAGES.web1}\nARG GREETING\nCOPY . /ctx/\nRUN echo "$GREETING" > /greeting\n`;

test('build: a dry run says what would be built where; the apply builds on a host, streams the output, runs it on every host', async () => {
  const { file, source } = stackFile(GOOD);
  const mark = await lastEventId();
  const dry = await apply(file, source, true);
  assert.equal(dry.applied, false);
  const [planned] = dry.builds ?? [];
  assert.ok(planned, 'the plan names the build');
  assert.equal(planned.action, 'build');
  assert.match(planned.image, new RegExp(`^${STACK}-app:b-[0-9a-f]{12}$`));
  assert.ok(['h1', 'h2', 'h3'].includes(planned.on), planned.on);
  assert.match(planned.reason, /this machine has no engine/);
  built.add(planned.image);
  for (const h of lab.hosts) assert.notEqual((await dockerCli(h, ['image', 'inspect', planned.image])).code, 0, `a dry run builds nothing (${h.name})`);
  assert.deepEqual((await eventsAfter(mark)).filter((e) => e.kind.startsWith('build.')), []);

  const applied = await apply(file, source);
  assert.equal(applied.applied, true);
  assert.deepEqual(applied.builds?.map((b) => [b.action, b.image, b.on]), [['build', planned.image, planned.on]]);
  const events = (await eventsAfter(mark)).filter((e) => e.kind.startsWith('build.'));
  assert.equal(events[0]?.kind, 'build.started');
  assert.equal(events.at(-1)?.kind, 'build.completed');
  const output = events.filter((e) => e.kind === 'build.output').flatMap((e) => (e.data?.lines as string[] | undefined) ?? []);
  assert.ok(output.some((l) => /^Step 3\/\d : COPY \. \/ctx\//.test(l)), output.join('\n'));
  assert.ok(output.some((l) => /^Successfully built/.test(l)), output.join('\n'));
  const image = await dockerCli(hostOf(planned.on), ['image', 'inspect', '--format', '{{index .Config.Labels "baton.build-digest"}}', planned.image]);
  assert.equal(image.stdout.trim(), applied.builds![0]!.digest, 'the image carries its build digest');

  const replicas = await until('3 replicas run, one per host', () => call(plane, 'replica.list', { service: `${STACK}/app` }) as Promise<ReplicaStatus[]>, (r) => r.filter((x) => x.state === 'running').length === 3, 90_000, { retryErrors: true });
  assert.deepEqual([...new Set(replicas.map((r) => r.host))].sort(), ['h1', 'h2', 'h3']);
  for (const r of replicas) {
    const h = hostOf(r.host);
    assert.equal((await dockerCli(h, ['exec', r.id, 'cat', '/ctx/hello.txt'])).stdout, `built by baton ${RUN}\n`, `${r.host} runs the built image`);
    assert.equal((await dockerCli(h, ['exec', r.id, 'cat', '/greeting'])).stdout, `hello ${RUN}\n`, 'the build arg reached the build');
    assert.notEqual((await dockerCli(h, ['exec', r.id, 'cat', '/ctx/secret.txt'])).code, 0, '.dockerignore kept secret.txt out');
  }
  // delivered by the image copy: the same image (one id) on every host
  const ids = await Promise.all(lab.hosts.map(async (h) => (await dockerCli(h, ['image', 'inspect', '--format', '{{.Id}}', planned.image])).stdout.trim()));
  assert.equal(new Set(ids).size, 1, ids.join(', '));
  assert.match(ids[0]!, /^sha256:/);
});

test('build: the same context applied again is not built again', async () => {
  const { file, source } = stackFile(GOOD);
  const mark = await lastEventId();
  const again = await apply(file, source);
  assert.equal(again.builds?.[0]?.action, 'up-to-date');
  assert.deepEqual(again.services.map((s) => s.action), ['unchanged']);
  const kinds = (await eventsAfter(mark)).map((e) => e.kind);
  assert.ok(kinds.includes('build.up-to-date'), kinds.join(', '));
  assert.ok(!kinds.includes('build.started'), `not rebuilt: ${kinds.join(', ')}`);
});

test('build: a failing step stops the apply with that step and its output; nothing is applied', async () => {
  const before = ((await call(plane, 'service.list', { stack: STACK })) as ServiceStatus[])[0]!;
  const { file, source } = stackFile(`FROM ${IMAGES.web1}\nRUN echo "about to fail ${RUN}"\nRUN echo "going down" && exit 3\n`);
  const mark = await lastEventId();
  const err = await expectError(apply(file, source), 'INVALID_INPUT', /failed at Step 3\/\d : RUN echo "going down" && exit 3: .*returned a non-zero code: 3/);
  assert.match(err.message, /\| going down/);
  assert.match(err.message, /Nothing was applied/);
  assert.match(err.hint ?? '', /Fix that step in \.\/Dockerfile/);
  const failed = (await eventsAfter(mark)).find((e) => e.kind === 'build.failed');
  assert.equal(failed?.severity, 'error');
  assert.match(String(failed?.data?.step), /^Step 3\/\d : RUN echo "going down" && exit 3$/);
  const after = ((await call(plane, 'service.list', { stack: STACK })) as ServiceStatus[])[0]!;
  assert.equal(after.revision, before.revision, 'the failed build made no revision');
  // a Dockerfile the engine can't read fails before any step
  const bad = stackFile(`FROM ${IMAGES.web1}\nBOGUS thing\n`);
  const parseErr = await expectError(apply(bad.file, bad.source), 'INVALID_INPUT', /The build of builds-it\/app .* failed: .*(unknown instruction|BOGUS)/i);
  assert.match(parseErr.hint ?? '', /as the engine says/);
});

test('build: `baton apply` sends the context itself and prints the build output as it comes', async () => {
  const { file } = stackFile(`${GOOD}RUN echo "from the cli ${RUN}"\n`);
  let out: { stdout: string; stderr: string };
  try {
    out = await promisify(execFile)(process.execPath, ['bin/baton.mjs', '--home', home, 'apply', '-f', file, '-p', STACK], { env: { ...process.env, BATON_LOG_LEVEL: 'warn' }, timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout: string; stderr: string };
    assert.fail(`baton apply failed:\n${e.stdout}\n${e.stderr}`);
  }
  assert.match(out.stderr, /^app \| Step 5\/\d : RUN echo "from the cli/m, out.stderr);
  assert.match(out.stderr, /^app \| from the cli /m);
  assert.match(out.stderr, /^app \| builds-it\/app: built builds-it-app:b-[0-9a-f]{12} on h\d/m);
  assert.match(out.stdout, /build {5}app: builds-it-app:b-[0-9a-f]{12} built on h\d/);
  for (const m of out.stdout.matchAll(/builds-it-app:b-[0-9a-f]{12}/g)) built.add(m[0]);
});

interface Inspected {
  Config: { Image: string; User: string; Env: string[]; Labels: Record<string, string> };
  HostConfig: { Init: boolean | null };
  State: { StartedAt: string; Health?: { Status: string } };
}

test('compose: two built services, extends from another file and the same one, depends_on healthy, init and user, as `baton apply --wait` deploys them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'baton-composed-it-'));
  // the two contexts: each image gives user 1000 the folder the web server writes to
  const dockerfile = (role: string) => `FROM ${IMAGES.web1}\nLABEL org.baton.test.role=${role}\nRUN mkdir -p /www && chown 1000:1000 /www && echo ${role} > /role\n`;
  mkdirSync(join(root, 'db'));
  writeFileSync(join(root, 'db', 'Dockerfile'), dockerfile('db'));
  mkdirSync(join(root, 'common', 'api'), { recursive: true });
  writeFileSync(join(root, 'common', 'api', 'Dockerfile'), dockerfile('api'));
  // the base service is in another folder's file: its context is written from that folder
  writeFileSync(
    join(root, 'common', 'base.yaml'),
    ['services:', '  base:', '    build:', '      context: ./api', '      labels: { org.baton.test.context: api }', '    init: true', '    user: "1000:1000"', '    labels: { org.baton.test.tier: backend }', '    environment: { FROM_BASE: "yes" }', ''].join('\n'),
  );
  // db turns healthy a few seconds after it starts: its first check makes the file it then looks for
  const file = join(root, 'compose.yaml');
  writeFileSync(
    file,
    [
      'services:',
      '  db:',
      '    build:',
      '      context: ./db',
      '      labels: { org.baton.test.context: db }',
      '    init: true',
      '    user: "1000:1000"',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "test -f /tmp/ready || (sleep 2; touch /tmp/ready; exit 1)"]',
      '      interval: 500ms',
      '      timeout: 5s',
      '      retries: 3',
      '      start_period: 20s',
      '  api:',
      '    extends: { file: common/base.yaml, service: base }',
      '    environment: { ROLE: api }',
      '    depends_on:',
      '      db: { condition: service_healthy }',
      '  worker:',
      '    extends: api',
      '    environment: { ROLE: worker }',
      '',
    ].join('\n'),
  );
  let out: { stdout: string; stderr: string };
  try {
    out = await promisify(execFile)(process.execPath, ['bin/baton.mjs', '--home', home, 'apply', '-f', file, '-p', COMPOSED, '--wait', '--timeout', '90', '--json'], { env: { ...process.env, BATON_LOG_LEVEL: 'warn' }, timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout: string; stderr: string };
    assert.fail(`baton apply failed:\n${e.stdout}\n${e.stderr}`);
  }
  const { plan, services } = JSON.parse(out.stdout) as { plan: StackPlan; services: ServiceStatus[] };
  for (const b of plan.builds ?? []) built.add(b.image);
  assert.deepEqual(plan.builds?.map((b) => [b.service, b.action]).sort(), [['api', 'build'], ['db', 'build'], ['worker', 'build']]);
  assert.deepEqual(services.map((s) => s.name).sort(), ['api', 'db', 'worker']);

  const replicas = (await call(plane, 'replica.list', {})) as ReplicaStatus[];
  const inspect = async (service: string): Promise<{ host: LabHost; c: Inspected }> => {
    const r = replicas.find((x) => x.stack === COMPOSED && x.service === service);
    assert.ok(r, `a replica of ${service}: ${JSON.stringify(replicas.map((x) => `${x.stack}/${x.service}`))}`);
    const host = hostOf(r.host);
    const res = await dockerCli(host, ['inspect', r.id]);
    assert.equal(res.code, 0, res.stderr);
    return { host, c: (JSON.parse(res.stdout) as Inspected[])[0]! };
  };
  const db = await inspect('db');
  const api = await inspect('api');
  const worker = await inspect('worker');
  for (const [name, { host, c }] of Object.entries({ db, api, worker })) {
    assert.equal(c.HostConfig.Init, true, `${name} runs under an init process`);
    assert.equal(c.Config.User, '1000:1000', `${name} runs as the user written`);
    const build: PlanBuild | undefined = plan.builds?.find((b) => b.service === name);
    assert.ok(build, `a build of ${name}`);
    assert.equal(c.Config.Image, build.image, `${name} runs its built image`);
    // the image: built from its own context, with the Dockerfile's labels and the build's
    const context = name === 'db' ? 'db' : 'api';
    assert.equal(c.Config.Labels['org.baton.test.role'], context, `${name}'s image comes from the ${context} context`);
    assert.equal(c.Config.Labels['org.baton.test.context'], context, `${name}'s image has its build labels`);
    const labels = JSON.parse((await dockerCli(host, ['image', 'inspect', '--format', '{{json .Config.Labels}}', build.image])).stdout) as Record<string, string>;
    assert.equal(labels['baton.build-digest'], build.digest);
    assert.equal(labels['org.baton.test.role'], context);
  }
  // what api took from the other file's base, and worker from api in the same file
  for (const [name, c] of [['api', api.c], ['worker', worker.c]] as const) {
    assert.equal(c.Config.Labels['org.baton.test.tier'], 'backend', `${name} has the base's labels`);
    assert.ok(c.Config.Env.includes('FROM_BASE=yes'), `${name} has the base's environment: ${c.Config.Env.join(' ')}`);
    assert.ok(c.Config.Env.includes(`ROLE=${name}`), `${name} has its own environment: ${c.Config.Env.join(' ')}`);
  }
  // the start order: api, and worker (which extends api's depends_on), after db was healthy
  assert.equal(db.c.State.Health?.Status, 'healthy');
  const ready = Number((await dockerCli(db.host, ['exec', (replicas.find((x) => x.stack === COMPOSED && x.service === 'db'))!.id, 'stat', '-c', '%Y', '/tmp/ready'])).stdout.trim()) * 1000;
  const dbStarted = Date.parse(db.c.State.StartedAt);
  for (const [name, c] of [['api', api.c], ['worker', worker.c]] as const) {
    const started = Date.parse(c.State.StartedAt);
    assert.ok(started - dbStarted >= 2000, `${name} started ${started - dbStarted} ms after db: it waited for db's health`);
    assert.ok(started >= ready, `${name} started after db's check found it ready`);
  }
});
