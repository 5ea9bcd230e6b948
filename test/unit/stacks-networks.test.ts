// Stack networks: what the parser keeps of a declaration and of a service's options on it, the
// warnings and refusals, the spec hashes, and the requests each host is sent (create, connect).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { containerSpecHash, serviceSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';
import { diffSpecs } from '../../electron/control-plane/stacks/spec-diff.ts';
import { networkEngineName, replicaNetworks } from '../../electron/control-plane/reconcile/network-joins.ts';
import { networkCreateBody } from '../../electron/control-plane/hosts/engine.ts';
import type { SpecProblem } from '../../shared/stack.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

function parse(lines: string[]) {
  return parseStackFile({ text: lines.join('\n') + '\n', file: '/srv/shop/stack.yaml', env: {}, files: {} });
}

function at(problems: SpecProblem[], path: string): SpecProblem {
  const found = problems.find((p) => p.path === path);
  assert.ok(found, `a problem at ${path}; got ${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return found;
}

const FILE = [
  'services:',
  '  api:',
  '    image: api:1',
  '    networks:',
  '      front:',
  '        aliases: [api-v1, v1.api.internal]',
  '        priority: 10',
  '      back: {}',
  '  web:',
  '    image: web:1',
  '    networks: [front, shared]',
  'networks:',
  '  front:',
  '    name: shop-front',
  '    driver: bridge',
  '    driver_opts: {com.docker.network.driver.mtu: 1400}',
  '    labels: {team: shop}',
  '  back:',
  '    internal: true',
  '  shared:',
  '    external: true',
  '    name: corp-net',
];

test('a declaration keeps name, driver_opts, labels, internal and external, and each service its aliases and priority', () => {
  const { stack, problems } = parse(FILE);
  assert.deepEqual(problems, []);
  assert.ok(stack);
  assert.deepEqual(stack.networks, {
    front: { external: false, name: 'shop-front', driverOpts: { 'com.docker.network.driver.mtu': '1400' }, labels: { team: 'shop' } },
    back: { external: false, internal: true },
    shared: { external: true, name: 'corp-net' },
  });
  const [api, web] = stack.services;
  assert.deepEqual(api!.networks, ['front', 'back']);
  assert.deepEqual(api!.networkOptions, {
    front: { name: 'shop-front', driverOpts: { 'com.docker.network.driver.mtu': '1400' }, labels: { team: 'shop' }, aliases: ['api-v1', 'v1.api.internal'], priority: 10 },
    back: { internal: true },
  });
  assert.deepEqual(web!.networks, ['front', 'shared']);
  assert.deepEqual(web!.networkOptions, {
    front: { name: 'shop-front', driverOpts: { 'com.docker.network.driver.mtu': '1400' }, labels: { team: 'shop' } },
    shared: { name: 'corp-net', external: true },
  });
});

test('networks written as plain names carry no options, so the spec hash of such a stack is what it was', () => {
  const { stack, problems } = parse(['services:', '  web:', '    image: web:1', '    networks: [front, default]', 'networks:', '  front: {}', '  other:', '    driver: overlay']);
  assert.deepEqual(problems, []);
  const web = stack!.services[0]!;
  assert.deepEqual(web.networks, ['front']);
  assert.equal('networkOptions' in web, false);
  // the same spec as it was stored before per-network options existed
  const { networkOptions: _none, ...before } = web;
  assert.equal(serviceSpecHash(web), serviceSpecHash(before));
});

test('a change of aliases is a new revision, and the diff says it', () => {
  const with_ = (aliases: string) => parse(['services:', '  web:', '    image: web:1', '    networks:', '      front:', `        aliases: [${aliases}]`, 'networks:', '  front: {}']).stack!.services[0]!;
  const a = with_('shop-web');
  const b = with_('shop-web, www');
  assert.notEqual(serviceSpecHash(a), serviceSpecHash(b));
  assert.notEqual(containerSpecHash(a), containerSpecHash(b));
  const change = diffSpecs(a, b).find((c) => c.field === 'networks');
  assert.deepEqual(change, { field: 'networks', before: 'front (as shop-web)', after: 'front (as shop-web, www)' });
});

test('fixed addresses, gw_priority, ipam and attachable are ignored with a warning that says why; unknown options are refused', () => {
  const { stack, problems } = parse([
    'services:',
    '  db:',
    '    image: postgres:16',
    '    networks:',
    '      back:',
    '        ipv4_address: 172.28.0.5',
    '        ipv6_address: "fd00::5"',
    '        gw_priority: 100',
    '        aliases: [database]',
    'networks:',
    '  back:',
    '    attachable: true',
    '    ipam:',
    '      config: [{subnet: 172.28.0.0/16}]',
  ]);
  assert.ok(stack, problems.map((p) => p.message).join('\n'));
  assert.deepEqual(problems.map((p) => p.severity), ['warning', 'warning', 'warning', 'warning', 'warning']);
  assert.match(at(problems, 'services.db.networks.back.ipv4_address').message, /a fixed address can't be given to several replicas, and even one replica has two for a moment while a rolling update replaces it/);
  assert.match(at(problems, 'services.db.networks.back.ipv6_address').message, /can't be given to several replicas/);
  assert.match(at(problems, 'services.db.networks.back.gw_priority').message, /from Docker API 1\.48 \(Docker 28\) on.*default route is Baton's own network/);
  assert.match(at(problems, 'networks.back.ipam').message, /each host's network takes its subnet from that host's engine/);
  assert.match(at(problems, 'networks.back.attachable').message, /`attachable` is ignored/);
  assert.deepEqual(stack.services[0]!.networkOptions, { back: { aliases: ['database'] } });

  const refused = parse(['services:', '  db:', '    image: x', '    networks:', '      back:', '        driver_opts: {a: b}', '        aliases: ["not a name"]', 'networks:', '  back: {}']);
  assert.equal(refused.stack, null);
  assert.match(at(refused.problems, 'services.db.networks.back.driver_opts').message, /per-network option `driver_opts` is not supported: Baton takes `aliases` and `priority`/);
  assert.match(at(refused.problems, 'services.db.networks.back.aliases.0').message, /alias "not a name" is not a DNS name/);
});

test('declarations Baton refuses: options on `default`, an external network with options, reserved names, baton.* labels', () => {
  const { stack, problems } = parse([
    'services:',
    '  web:',
    '    image: web:1',
    '    networks: [default, ext, named]',
    'networks:',
    '  default:',
    '    name: my-net',
    '  ext:',
    '    external: true',
    '    internal: true',
    '  named:',
    '    name: baton',
    '    labels: {baton.stack: x}',
    '  six:',
    '    enable_ipv6: true',
  ]);
  assert.equal(stack, null);
  assert.match(at(problems, 'networks.default.name').message, /the `default` network is Baton's own `<stack>_default` on each host/);
  assert.match(at(problems, 'networks.ext.internal').message, /an external network is used as it exists: remove `internal`/);
  assert.match(at(problems, 'networks.named.name').message, /network `baton` is Baton's own/);
  assert.match(at(problems, 'networks.named.labels.baton.stack').message, /labels starting with "baton." are Baton's own/);
  assert.match(at(problems, 'networks.six.enable_ipv6').message, /`enable_ipv6` is not supported yet/);
});

test('a replica joins the stack network first, then its networks by priority, under its name and aliases', () => {
  const spec = serviceSpec({
    stack: 'shop',
    name: 'api',
    networks: ['back', 'front', 'shared'],
    networkOptions: {
      default: { aliases: ['api-internal'] },
      front: { name: 'shop-front', aliases: ['api-v1', 'api'], priority: 10, driverOpts: { 'com.docker.network.driver.mtu': '1400' }, labels: { team: 'shop' } },
      back: { internal: true },
      shared: { name: 'corp-net', external: true },
    },
  });
  assert.deepEqual(replicaNetworks(spec), [
    // the service's own name there is its endpoint's (balanced over every host)
    { key: 'default', name: 'shop_default', aliases: ['api-internal'], create: {} },
    { key: 'front', name: 'shop-front', aliases: ['api', 'api-v1'], create: { driverOpts: { 'com.docker.network.driver.mtu': '1400' }, labels: { team: 'shop' } } },
    { key: 'back', name: 'shop_back', aliases: ['api'], create: { internal: true } },
    { key: 'shared', name: 'corp-net', aliases: ['api'], create: null },
  ]);
  // a service that lists none joins the stack network only, as before
  assert.deepEqual(replicaNetworks(serviceSpec({ stack: 'shop', networks: [] })), [{ key: 'default', name: 'shop_default', aliases: [], create: {} }]);
  assert.equal(networkEngineName('shop', 'front', undefined), 'shop_front');
});

test('the create request of a network: a bridge with the declared options, labelled', () => {
  assert.deepEqual(networkCreateBody('shop_back', { team: 'shop', 'baton.cluster': 'c1' }, { internal: true, driverOpts: { 'com.docker.network.driver.mtu': '1400' } }), {
    Name: 'shop_back',
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { team: 'shop', 'baton.cluster': 'c1' },
    Options: { 'com.docker.network.driver.mtu': '1400' },
    Internal: true,
  });
  assert.deepEqual(networkCreateBody('baton', { 'baton.cluster': 'c1' }), { Name: 'baton', Driver: 'bridge', CheckDuplicate: true, Labels: { 'baton.cluster': 'c1' } });
});
