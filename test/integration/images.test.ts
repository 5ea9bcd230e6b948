// Images without a registry on real lab hosts: an image built on one host's engine is pushed to
// the others over the SSH links with only the layers they lack (the progress totals say so) and
// the same id everywhere; `image ls` says who has what; a dry run says which hosts need a copy and
// pulls nothing; a stack whose image is on one host only starts replicas on the others (the
// executor copies it); an image found nowhere and a push to an unknown host are clear errors;
// and a copy cut off midway leaves no image tagged on the receiver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../../electron/control-plane/index.ts';
import type { ReplicaStatus, StackPlan } from '../../shared/api.ts';
import type { ImageInfo, ImagePushChunk } from '../../shared/images.ts';
import { BatonError } from '../../shared/errors.ts';
import { IMAGES } from '../lab/layout.ts';
import { dockerCli, killHost, readLab, reviveHost, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, until } from './helpers.ts';

const RUN = Date.now().toString(36);
const PUSHED = `baton-it/images-push:${RUN}`;
const DEPLOYED = `baton-it/images-deploy:${RUN}`;
const BIG = `baton-it/images-big:${RUN}`;
const NOWHERE = `baton-it/images-nowhere:${RUN}`;
const STACK = 'images-it';

let lab: LabInfo;
let plane: ControlPlane;
const made: string[] = [PUSHED, DEPLOYED, BIG];

async function build(h: LabHost, tag: string, run: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-images-it-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${IMAGES.web1}\nRUN ${run}\n`);
  const out = await dockerCli(h, ['build', '-q', '-t', tag, dir]);
  assert.equal(out.code, 0, out.stderr);
}

async function idOn(h: LabHost, ref: string): Promise<string | null> {
  const out = await dockerCli(h, ['image', 'inspect', '--format', '{{.Id}}', ref]);
  return out.code === 0 ? out.stdout.trim() : null;
}

/** Pushes through the same stream the CLI opens; every chunk, and the error it ended with. */
function push(params: { image: string; to?: string[]; all?: boolean }, onChunk: (c: ImagePushChunk) => void = () => {}): Promise<{ chunks: ImagePushChunk[]; error: BatonError | null }> {
  const chunks: ImagePushChunk[] = [];
  return new Promise((resolve) => {
    plane.stream('image.push', params, {
      chunk: (c) => {
        chunks.push(c as ImagePushChunk);
        onChunk(c as ImagePushChunk);
      },
      end: (error) => resolve({ chunks, error: error ? BatonError.fromBody(error) : null }),
    });
  });
}

before(async () => {
  lab = readLab();
  ({ plane } = await startTestPlane());
  for (const [i, h] of lab.hosts.entries()) {
    await call(plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
});

after(async () => {
  await call(plane, 'stack.remove', { name: STACK }).catch(() => {});
  await until('the stack is gone', () => call(plane, 'replica.list', {}) as Promise<ReplicaStatus[]>, (r) => r.every((x) => x.stack !== STACK), 30_000, { retryErrors: true }).catch(() => {});
  await plane?.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', `label=baton.stack=${STACK}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
    for (const tag of made) await dockerCli(h, ['rmi', '-f', tag]);
  }
});

test('push: only the missing layer goes, the same id everywhere, image ls shows it', async () => {
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  await build(h1, PUSHED, `echo ${RUN} > /pushed`);
  const id = await idOn(h1, PUSHED);
  const { chunks, error } = await push({ image: PUSHED, to: ['h2', 'h3'] });
  assert.equal(error, null, error?.message);
  const plan = chunks.find((c) => c.kind === 'plan');
  assert.ok(plan && plan.kind === 'plan');
  assert.equal(plan.source, 'h1');
  assert.deepEqual(plan.needs.map((n) => [n.host, n.action, n.layersMissing, n.layers]), [['h2', 'copy', 1, 2], ['h3', 'copy', 1, 2]]);
  const done = chunks.at(-1);
  assert.ok(done && done.kind === 'done');
  const base = Number((await dockerCli(h1, ['image', 'inspect', '--format', '{{.Size}}', IMAGES.web1])).stdout.trim());
  for (const t of done.transfers) {
    assert.equal(t.state, 'done');
    // the base layer (≈2 MB) stayed behind: what went is the small top layer and the metadata
    assert.ok(t.sentBytes < 64 * 1024, `${t.host}: sent ${t.sentBytes} bytes`);
    assert.ok(t.skippedBytes >= base, `${t.host}: skipped ${t.skippedBytes} of a ${base}-byte base`);
    assert.equal(t.totalBytes, t.sentBytes);
  }
  assert.equal(await idOn(h2, PUSHED), id);
  assert.equal(await idOn(h3, PUSHED), id);
  const ls = (await call(plane, 'image.list', {})) as ImageInfo[];
  const row = ls.find((i) => i.ref === PUSHED);
  assert.deepEqual(row?.hosts, ['h1', 'h2', 'h3']);
  assert.equal(row?.id, id);
  // again: every host has it, nothing goes
  const again = await push({ image: PUSHED, all: true });
  assert.equal(again.error, null);
  const againPlan = again.chunks.find((c) => c.kind === 'plan');
  assert.ok(againPlan?.kind === 'plan' && againPlan.needs.every((n) => n.action === 'present'));
});

test('bad input: a push to an unknown host names the known ones; an image found nowhere says where Baton looked', async () => {
  const unknown = await push({ image: PUSHED, to: ['nope'] });
  assert.equal(unknown.error?.code, 'NOT_FOUND');
  assert.match(unknown.error!.message, /no host named nope.*Known hosts: h1, h2, h3/);
  const nowhere = await push({ image: NOWHERE, all: true });
  assert.equal(nowhere.error?.code, 'NOT_FOUND');
  assert.match(nowhere.error!.message, new RegExp(`${NOWHERE}.*looked on h1, h2, h3`));
  assert.match(nowhere.error!.hint ?? '', /docker build -t .* docker load/);
  const stack = `services:\n  app:\n    image: ${NOWHERE}\n    deploy: { replicas: 1 }\n`;
  await expectError(call(plane, 'stack.apply', { source: stack, file: '/tmp/images-it/nowhere.yaml', stack: `${STACK}-nowhere` }), 'INVALID_INPUT', new RegExp(`${NOWHERE} is on no host and not on this machine's engine`));
});

test('deploy: a dry run says which hosts need a copy and pulls nothing; apply copies the image and starts replicas everywhere', async () => {
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  await build(h1, DEPLOYED, `echo ${RUN} > /deployed`);
  const source = `services:\n  app:\n    image: ${DEPLOYED}\n    deploy:\n      replicas: 3\n      placement: { max_replicas_per_node: 1 }\n`;
  const before = (await call(plane, 'events.list', { limit: 1 })) as { id: number }[];
  const dry = (await call(plane, 'stack.apply', { source, file: '/tmp/images-it/stack.yaml', stack: STACK, dryRun: true })) as StackPlan;
  assert.equal(dry.applied, false);
  const needs = dry.images?.find((i) => i.image === DEPLOYED);
  assert.equal(needs?.source, 'h1');
  assert.deepEqual(needs?.needs.map((n) => [n.host, n.action, n.layersMissing]).sort(), [['h2', 'copy', 1], ['h3', 'copy', 1]]);
  for (const n of needs!.needs) assert.ok(n.bytes > 0 && n.bytes < 64 * 1024, `${n.host}: ${n.bytes} bytes planned`);
  const pulls = ((await call(plane, 'events.list', { after: before.at(-1)?.id ?? 0 })) as { kind: string }[]).filter((e) => e.kind === 'image.pulling');
  assert.deepEqual(pulls, [], 'a dry run pulls nothing');
  assert.equal(await idOn(h2, DEPLOYED), null);

  const applied = (await call(plane, 'stack.apply', { source, file: '/tmp/images-it/stack.yaml', stack: STACK })) as StackPlan;
  assert.equal(applied.applied, true);
  const replicas = await until('3 replicas run, one per host', () => call(plane, 'replica.list', { service: `${STACK}/app` }) as Promise<ReplicaStatus[]>, (r) => r.filter((x) => x.state === 'running').length === 3, 60_000, { retryErrors: true });
  assert.deepEqual([...new Set(replicas.map((r) => r.host))].sort(), ['h1', 'h2', 'h3']);
  const id = await idOn(h1, DEPLOYED);
  assert.equal(await idOn(h2, DEPLOYED), id);
  assert.equal(await idOn(h3, DEPLOYED), id);
  const copied = ((await call(plane, 'events.list', { after: before.at(-1)?.id ?? 0 })) as { kind: string; host: string | null; data: Record<string, unknown> | null }[]).filter((e) => e.kind === 'image.copied');
  assert.deepEqual(copied.map((e) => e.host).sort(), ['h2', 'h3']);
  for (const e of copied) assert.ok(Number(e.data?.sentBytes) < 64 * 1024);
});

test('a copy cut off midway leaves no image tagged on the receiver, and says what to do', async () => {
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  await build(h1, BIG, `dd if=/dev/urandom of=/big bs=1M count=60 2>/dev/null`);
  let cut = false;
  const outcome = await push({ image: BIG, to: ['h2'] }, (c) => {
    if (cut || c.kind !== 'progress') return;
    const t = c.transfers.find((x) => x.host === 'h2');
    if (t && t.sentBytes > 8 << 20) {
      cut = true;
      void killHost(h2.name, 'link');
    }
  });
  try {
    assert.ok(cut, 'the link was cut during the copy');
    assert.ok(outcome.error, 'the push failed');
    assert.match(outcome.error.message, new RegExp(`${BIG} could not be copied to h2`));
    assert.match(outcome.error.hint ?? '', /link dropped|push again/i);
  } finally {
    await reviveHost(h2.name);
  }
  assert.equal(await idOn(h2, BIG), null, 'no half-copied image is tagged');
  // once the host is back, the same push goes through
  await until('h2 is ready again', () => call(plane, 'host.list', {}) as Promise<{ name: string; state: string }[]>, (hs) => hs.find((h) => h.name === 'h2')?.state === 'ready', 60_000, { retryErrors: true });
  const again = await push({ image: BIG, to: ['h2'] });
  assert.equal(again.error, null, again.error?.message);
  assert.equal(await idOn(h2, BIG), await idOn(h1, BIG));
});
