// A stack's own networks on real lab hosts: a declared network is made on every host a replica
// lands on, under its `name:` and with its labels; replicas join it under their service's name
// and aliases, and reach each other by them; an external network is checked on the host, and a
// missing one is said clearly, where, and what to do, until it is there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceStatus } from '../../shared/api.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, startTestPlane, until, waitForEvent, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;
let hosts: LabHost[];

const apply = (source: string, stack: string) => call(t.plane, 'stack.apply', { source, file: `/srv/${stack}/compose.yaml` });

async function removeNetworks(h: LabHost, names: string[]): Promise<void> {
  for (const name of names) await dockerCli(h, ['network', 'rm', name]).catch(() => {});
}

async function clearStacks(): Promise<void> {
  for (const h of hosts) {
    const left = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack'])).stdout.split('\n').filter(Boolean);
    if (left.length > 0) await dockerCli(h, ['rm', '-f', ...left]);
    await removeNetworks(h, ['nets-front', 'corp-net']);
  }
}

before(async () => {
  lab = readLab();
  hosts = lab.hosts.slice(0, 2);
  await clearStacks();
  // a host where a start failed is tried again a second later, not half a minute
  t = await startTestPlane(undefined, { reconcilerOptions: { failedHostCooldownMs: 1000 } });
  for (const [i, h] of hosts.entries()) {
    await call(t.plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
});

after(async () => {
  for (const stack of ['nets', 'ext']) await call(t.plane, 'stack.remove', { name: stack }).catch(() => {});
  await t.plane.stop();
  await clearStacks();
});

const running = (stack: string, counts: Record<string, number>) =>
  until(
    `${stack} running ${JSON.stringify(counts)}`,
    () => call(t.plane, 'service.list', { stack }) as Promise<ServiceStatus[]>,
    (services) => Object.entries(counts).every(([name, n]) => services.find((s) => s.name === name)?.running === n),
    60_000,
    { pollMs: 250 },
  );

/** The one running replica of a service on a host: its full id. */
async function replicaOn(h: LabHost, stack: string, service: string): Promise<string> {
  const ids = (await dockerCli(h, ['ps', '-q', '--no-trunc', '--filter', `label=baton.stack=${stack}`, '--filter', `label=baton.service=${service}`])).stdout.split('\n').filter(Boolean);
  assert.equal(ids.length, 1, `one ${service} replica on ${h.name}: ${ids.join(' ')}`);
  return ids[0]!;
}

test('a named network on every host: replicas reach each other by alias and by service name there', async () => {
  await apply(
    `name: nets
services:
  api:
    image: baton-test/web:1
    deploy: { replicas: 2, placement: { max_replicas_per_node: 1 } }
    networks:
      front:
        aliases: [api-alias]
  web:
    image: baton-test/web:1
    deploy: { replicas: 2, placement: { max_replicas_per_node: 1 } }
    networks:
      front:
        aliases: [www, www.nets.internal]
networks:
  front:
    name: nets-front
    labels: { team: nets }
`,
    'nets',
  );
  await running('nets', { api: 2, web: 2 });
  for (const h of hosts) {
    const network = JSON.parse((await dockerCli(h, ['network', 'inspect', 'nets-front'])).stdout)[0] as { Driver: string; Labels: Record<string, string>; Containers: Record<string, unknown> };
    assert.equal(network.Driver, 'bridge', h.name);
    assert.equal(network.Labels['team'], 'nets', `the declared label on ${h.name}`);
    assert.ok(network.Labels['baton.cluster'], `Baton's label on ${h.name}`);
    const api = await replicaOn(h, 'nets', 'api');
    const web = await replicaOn(h, 'nets', 'web');
    assert.ok(network.Containers[api] && network.Containers[web], `both replicas joined nets-front on ${h.name}`);
    const aliases = JSON.parse((await dockerCli(h, ['inspect', '--format', '{{json (index .NetworkSettings.Networks "nets-front").Aliases}}', web])).stdout) as string[];
    assert.ok(['web', 'www', 'www.nets.internal'].every((a) => aliases.includes(a)), `web's names on nets-front: ${aliases.join(', ')}`);
    // the page says the hostname of the container that answered: the api replica of this host
    const byAlias = await dockerCli(h, ['exec', web, 'wget', '-qO-', 'http://api-alias:8080/']);
    assert.match(byAlias.stdout, new RegExp(`hostname=${api.slice(0, 12)}`), `web reached api by its alias on ${h.name}`);
    const back = await dockerCli(h, ['exec', api, 'wget', '-qO-', 'http://www.nets.internal:8080/']);
    assert.match(back.stdout, new RegExp(`hostname=${web.slice(0, 12)}`), `api reached web by its dotted alias on ${h.name}`);
    const byName = await dockerCli(h, ['exec', api, 'wget', '-qO-', 'http://web:8080/']);
    assert.match(byName.stdout, new RegExp(`hostname=${web.slice(0, 12)}`), `the service name stays a name there, on ${h.name}`);
  }
});

test('an external network missing on the hosts is said clearly, where; once it is there, replicas join it and Baton leaves it be', async () => {
  const failed = waitForEvent(t.plane, (e) => e.kind === 'replica.start-failed' && e.stack === 'ext', 30_000);
  await apply(
    `name: ext
services:
  app:
    image: baton-test/web:1
    networks: [corp]
networks:
  corp:
    external: true
    name: corp-net
`,
    'ext',
  );
  const event = await failed;
  assert.match(event.message, /external network corp-net is not on h[12]: create it there \(docker network create corp-net\), or drop `external: true` from network `corp` to have Baton create it on each host/);
  for (const h of hosts) assert.equal((await dockerCli(h, ['network', 'ls', '-q', '--filter', 'name=^corp-net$'])).stdout.trim(), '', `Baton created no corp-net on ${h.name}`);

  for (const h of hosts) await dockerCli(h, ['network', 'create', '--label', 'made-by=hand', 'corp-net']);
  await running('ext', { app: 1 });
  let joined = false;
  for (const h of hosts) {
    const ids = (await dockerCli(h, ['ps', '-q', '--no-trunc', '--filter', 'label=baton.stack=ext'])).stdout.split('\n').filter(Boolean);
    for (const id of ids) {
      const networks = Object.keys(JSON.parse((await dockerCli(h, ['inspect', '--format', '{{json .NetworkSettings.Networks}}', id])).stdout) as Record<string, unknown>);
      assert.deepEqual(networks.sort(), ['baton', 'corp-net', 'ext_default'], `the replica's networks on ${h.name}`);
      joined = true;
    }
  }
  assert.ok(joined, 'the replica runs on a lab host');
  await call(t.plane, 'stack.remove', { name: 'ext' });
  for (const h of hosts) {
    const label = (await dockerCli(h, ['network', 'inspect', '--format', '{{index .Labels "made-by"}}', 'corp-net'])).stdout.trim();
    assert.equal(label, 'hand', `corp-net is still on ${h.name}, as it was made`);
  }
});
