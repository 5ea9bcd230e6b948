import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDigest, builtImageRef, decideBuilds, type BuildAsk } from '../../electron/control-plane/builds/decide-builds.ts';
import type { BuildSpec } from '../../shared/stack.ts';

const SPEC: BuildSpec = { context: '.', dockerfile: 'Dockerfile', args: { A: '1' }, target: null, labels: {} };
const CTX = `sha256:${'a'.repeat(64)}`;
const D = buildDigest(CTX, SPEC);

const ask = (over: Partial<BuildAsk> = {}): BuildAsk => ({ service: 'web', image: 'shop-web:b-x', digest: D, hosts: ['h2'], found: [], ...over });
const HOSTS = [{ name: 'h3', local: false }, { name: 'h1', local: false }, { name: 'h2', local: false }];

test('build digest: the same context and options give the same digest; any of them changed, another', () => {
  assert.match(D, /^sha256:[0-9a-f]{64}$/);
  assert.equal(buildDigest(CTX, { ...SPEC, args: { A: '1' }, context: './elsewhere' }), D, 'where the folder is written is not what is built');
  const others = [
    buildDigest(`sha256:${'b'.repeat(64)}`, SPEC),
    buildDigest(CTX, { ...SPEC, dockerfile: 'Other' }),
    buildDigest(CTX, { ...SPEC, args: { A: '2' } }),
    buildDigest(CTX, { ...SPEC, target: 'prod' }),
    buildDigest(CTX, { ...SPEC, labels: { team: 'x' } }),
  ];
  assert.equal(new Set([D, ...others]).size, 6);
});

test('image name: image: as written, else <stack>-<service> with a tag from the digest', () => {
  assert.equal(builtImageRef('shop', 'web', 'team/web:2', D), 'team/web:2');
  assert.equal(builtImageRef('shop', 'web', '', D), `shop-web:b-${D.slice(7, 19)}`);
});

test('up to date: an image labelled with this digest anywhere is not built again; one with another digest is', () => {
  const [same] = decideBuilds([ask({ found: [{ place: 'h3', digest: D }] })], HOSTS);
  assert.equal(same?.action, 'up-to-date');
  assert.equal(same?.on, 'h3');
  const [prefersWhereItRuns] = decideBuilds([ask({ found: [{ place: 'h3', digest: D }, { place: 'h2', digest: D }] })], HOSTS);
  assert.equal(prefersWhereItRuns?.on, 'h2');
  const [stale] = decideBuilds([ask({ image: 'team/web:2', found: [{ place: 'h1', digest: `sha256:${'0'.repeat(64)}` }, { place: 'h3', digest: null }] })], HOSTS);
  assert.equal(stale?.action, 'build');
  // a place that is not ready (not in the list) does not count
  const [gone] = decideBuilds([ask({ found: [{ place: 'h9', digest: D }] })], HOSTS);
  assert.equal(gone?.action, 'build');
});

test('where: this machine\'s engine first, else a host the replicas go to, else the first host by name; nowhere is null', () => {
  const local = decideBuilds([ask()], [...HOSTS, { name: '(local engine)', local: true }])[0]!;
  assert.deepEqual([local.action, local.on], ['build', '(local engine)']);
  const runs = decideBuilds([ask({ hosts: ['h3', 'h2'] })], HOSTS)[0]!;
  assert.equal(runs.on, 'h2', 'the first by name of the hosts it runs on');
  assert.match(runs.reason, /runs a replica/);
  const first = decideBuilds([ask({ hosts: [] })], HOSTS)[0]!;
  assert.equal(first.on, 'h1');
  assert.deepEqual(decideBuilds([ask()], []), [null]);
});
