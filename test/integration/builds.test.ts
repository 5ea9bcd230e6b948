// Compose `build:` on real lab hosts, with no engine on the machine Baton runs on: a dry run says
// what would be built where and builds nothing; an apply sends the context (after .dockerignore)
// the way `baton apply` does, builds it on a host over its SSH link, streams the output as events,
// copies the image to the other hosts its replicas go to and runs them there; the same context
// applied again is not built again; a Dockerfile step that fails stops the apply with that step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../../electron/control-plane/index.ts';
import type { BatonEvent, ReplicaStatus, ServiceStatus, StackPlan } from '../../shared/api.ts';
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
  await call(plane, 'stack.remove', { name: STACK }).catch(() => {});
  await until('the stack is gone', () => call(plane, 'replica.list', {}) as Promise<ReplicaStatus[]>, (r) => r.every((x) => x.stack !== STACK), 30_000, { retryErrors: true }).catch(() => {});
  socket?.close();
  await plane?.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', `label=baton.stack=${STACK}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
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
