// What a stack's replicas reach on their hosts, checked on real lab hosts: an `expose:` port is
// bound on no host address (docker inspect shows none), a `ports:` entry without a published port
// on a random one, and a bind mount that reaches into the host is refused, storing nothing, unless
// the service consents; the plan lists each port and bind mount.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceStatus, StackPlan } from '../../shared/api.ts';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

const apply = (source: string, extra: Record<string, unknown> = {}) => call(t.plane, 'stack.apply', { source, file: '/srv/reach/compose.yaml', ...extra });

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  const h = lab.hosts[0]!;
  await call(t.plane, 'host.add', { target: `root@${h.address}`, name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
});

after(async () => {
  await call(t.plane, 'stack.remove', { name: 'reach' }).catch(() => {});
  await t.plane.stop();
  const h = lab.hosts[0]!;
  const left = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=reach'])).stdout.split('\n').filter(Boolean);
  if (left.length > 0) await dockerCli(h, ['rm', '-f', ...left]);
});

async function inspectPorts(service: string): Promise<{ bindings: Record<string, unknown> | null; ports: Record<string, unknown> | null }> {
  const h = lab.hosts[0]!;
  const id = (await dockerCli(h, ['ps', '-q', '--filter', 'label=baton.stack=reach', '--filter', `label=baton.service=${service}`])).stdout.trim();
  assert.ok(id !== '' && !id.includes('\n'), `one ${service} replica runs: ${id}`);
  const out = await dockerCli(h, ['inspect', '--format', '{{json .HostConfig.PortBindings}}\t{{json .NetworkSettings.Ports}}', id]);
  const [bindings, ports] = out.stdout.trim().split('\t').map((j) => JSON.parse(j) as Record<string, unknown> | null);
  return { bindings: bindings ?? null, ports: ports ?? null };
}

test('expose binds no host port; a port without a published one binds a random one; the plan says which is which', async () => {
  const source = `name: reach
services:
  inside:
    image: baton-test/web:1
    expose: ["8080"]
  outside:
    image: baton-test/web:1
    ports: ["8080"]
`;
  const plan = (await apply(source)) as StackPlan;
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.ports.map((p) => `${p.target}/${p.protocol} ${p.reach}`)]),
    [
      ['inside', ['8080/tcp internal']],
      ['outside', ['8080/tcp random']],
    ],
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const services = (await call(t.plane, 'service.list', { stack: 'reach' })) as ServiceStatus[];
    if (services.length === 2 && services.every((s) => s.running === 1)) break;
    if (Date.now() > deadline) assert.fail(`not running: ${JSON.stringify(services)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const inside = await inspectPorts('inside');
  assert.deepEqual(inside.bindings ?? {}, {}, 'no binding was asked for');
  assert.deepEqual(inside.ports, { '8080/tcp': null }, 'the engine bound no host port');
  const outside = await inspectPorts('outside');
  const bound = outside.ports?.['8080/tcp'] as { HostPort: string }[] | null;
  assert.ok(Array.isArray(bound) && bound.length > 0 && Number(bound[0]!.HostPort) > 0, `a random host port: ${JSON.stringify(outside.ports)}`);
});

test('a bind mount of the engine socket without consent is refused at its line, and nothing is stored', async () => {
  const before = await call(t.plane, 'stack.list', {});
  const source = `name: grab
services:
  agent:
    image: baton-test/web:1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
`;
  const err = await expectError(apply(source), 'INVALID_INPUT', /compose\.yaml:6:\d+: error: .*the bind mount of \/var\/run\/docker\.sock reaches into the host.*x-baton: \{ host_access: true \}/);
  assert.match(err.message, /nothing was applied/);
  assert.deepEqual(await call(t.plane, 'stack.list', {}), before, 'nothing stored');
  assert.equal((await dockerCli(lab.hosts[0]!, ['ps', '-aq', '--filter', 'label=baton.stack=grab'])).stdout.trim(), '', 'nothing runs');

  // with consent it is accepted, and the plan marks it (a dry run: the lab's socket stays unmounted)
  const consented = source.replace('    volumes:', '    x-baton: { host_access: true }\n    volumes:');
  const plan = (await apply(consented, { dryRun: true })) as StackPlan;
  const agent = plan.services[0]!;
  assert.equal(agent.binds.length, 1);
  assert.match(agent.binds[0]!.hostAccess ?? '', /engine's API socket/);
  assert.deepEqual(agent.hostAccess.map((h) => h.what), ['/var/run/docker.sock → /var/run/docker.sock (rw)']);
  assert.deepEqual(await call(t.plane, 'stack.list', {}), before, 'a dry run stores nothing');
});
