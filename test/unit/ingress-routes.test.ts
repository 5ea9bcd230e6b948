import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortSpec } from '../../shared/stack.ts';
import type { ObservedReplica } from '../../electron/control-plane/reconcile/replica.ts';
import { hostIngressModel, keepUnlisted, MESH_PORTS, meshPorts, publishedPorts, routeMode, type RouteInputs } from '../../electron/control-plane/ingress/routes.ts';
import { serviceSpec } from './fixtures/service-spec.ts';
import { chooseHostPorts, containerConfig, HOST_PORT_RANGE } from '../../electron/control-plane/reconcile/container-config.ts';

const web = (ports: PortSpec[]) => ({ stack: 'shop', name: 'web', spec: { ...serviceSpec({ replicas: 3 }), ports } });
const ingress8080: PortSpec = { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' };

let n = 0;
const replica = (host: string, extra: Partial<ObservedReplica> = {}): ObservedReplica => ({
  id: `${String(++n).padStart(3, '0')}aaaaaaaaaaaaaaaa`,
  name: `shop_web.${n}`,
  host,
  stack: 'shop',
  service: 'web',
  slot: n,
  revision: 1,
  containerHash: 'h',
  state: 'running',
  health: 'healthy',
  exitCode: null,
  createdMs: n,
  ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 32000 + n }],
  address: `172.18.0.${n}`,
  ...extra,
});

const inputs = (over: Partial<RouteInputs>): RouteInputs => ({
  services: [web([ingress8080])],
  replicas: [],
  hostAddresses: new Map([['h1', '10.0.0.1'], ['h2', '10.0.0.2']]),
  draining: new Set(),
  ...over,
});

test('a published port: one route on every host, every replica at its host address and the host port Baton chose', () => {
  const a = replica('h1');
  const b = replica('h2');
  const onH1 = hostIngressModel(inputs({ replicas: [a, b] }), 'h1');
  assert.equal(onH1.routes.length, 1);
  const route = onH1.routes[0]!;
  assert.deepEqual({ id: route.id, publish: route.publish, discovery: route.discovery, mode: route.mode }, { id: 'shop.web.80', publish: 8080, discovery: true, mode: 'http' });
  assert.deepEqual(route.servers, [
    { name: `r_${a.id.slice(0, 12)}`, address: '10.0.0.1', port: a.ports[0]!.hostPort, state: 'ready' },
    { name: `r_${b.id.slice(0, 12)}`, address: '10.0.0.2', port: b.ports[0]!.hostPort, state: 'ready' },
  ]);
  assert.deepEqual(hostIngressModel(inputs({ replicas: [a, b] }), 'h2').routes[0]!.servers, route.servers, 'the same pool on every host');
});

test('a port published on the loopback: its route binds there on every host, with the same pool; a change of address is a change of route', () => {
  const a = replica('h1');
  const loopback: PortSpec = { ...ingress8080, hostIp: '127.0.0.1' };
  const onH1 = hostIngressModel(inputs({ services: [web([loopback])], replicas: [a] }), 'h1').routes[0]!;
  const onH2 = hostIngressModel(inputs({ services: [web([loopback])], replicas: [a] }), 'h2').routes[0]!;
  assert.deepEqual([onH1.publish, onH1.publishAddress, onH2.publishAddress], [8080, '127.0.0.1', '127.0.0.1']);
  assert.deepEqual(onH1.servers, onH2.servers);
  assert.equal(hostIngressModel(inputs({ replicas: [a] }), 'h1').routes[0]!.publishAddress, undefined, 'every address: no field');
  assert.deepEqual(publishedPorts([web([loopback])]), [8080], 'it still takes its port on every host');
});

test('chooseHostPorts: a port per container port in the ephemeral range, never one in use, none for expose or fixed host ports', () => {
  const spec = { ...serviceSpec({ replicas: 1 }), ports: [ingress8080, { ...ingress8080, published: 8081 }, { target: 9000, published: 9000, protocol: 'tcp' as const, mode: 'host' as const }, { target: 5432, published: null, protocol: 'tcp' as const, mode: 'ingress' as const, exposeOnly: true as const }, { target: 53, published: null, protocol: 'udp' as const, mode: 'ingress' as const }] };
  const chosen = chooseHostPorts(spec, new Set([HOST_PORT_RANGE.first]), () => 0);
  assert.deepEqual(Object.keys(chosen).sort(), ['53/udp', '80/tcp']);
  assert.equal(chosen['80/tcp'], HOST_PORT_RANGE.first + 1, 'the port in use is skipped');
  assert.notEqual(chosen['53/udp'], chosen['80/tcp']);
  const config = containerConfig(spec, { clusterId: 'c', revision: 1, containerHash: 'h', slot: 1, short: 'abc' }, chosen);
  assert.deepEqual(config.HostConfig!.PortBindings!['80/tcp'], [{ HostIp: '', HostPort: String(chosen['80/tcp']) }]);
  assert.deepEqual(config.HostConfig!.PortBindings!['9000/tcp'], [{ HostIp: '', HostPort: '9000' }]);
  assert.equal(config.HostConfig!.PortBindings!['5432/tcp'], undefined);
});

test('only replicas that can take traffic are in the pool; a draining one stays as drain while it runs', () => {
  const healthy = replica('h1');
  const starting = replica('h1', { health: 'starting' });
  const unhealthy = replica('h2', { health: 'unhealthy' });
  const exited = replica('h2', { state: 'exited', health: 'none' });
  const noCheck = replica('h2', { health: 'none' });
  const leaving = replica('h2');
  const goneWhileDraining = replica('h2', { state: 'exited' });
  const model = hostIngressModel(inputs({ replicas: [healthy, starting, unhealthy, exited, noCheck, leaving, goneWhileDraining], draining: new Set([leaving.id, goneWhileDraining.id]) }), 'h1');
  const servers = model.routes[0]!.servers;
  assert.deepEqual(servers.map((s) => [s.name, s.state]), [
    [`r_${healthy.id.slice(0, 12)}`, 'ready'],
    [`r_${noCheck.id.slice(0, 12)}`, 'ready'],
    [`r_${leaving.id.slice(0, 12)}`, 'drain'],
  ]);
});

test('a replica of another host without a bound port or a host address is left out, not guessed', () => {
  const unbound = replica('h2', { ports: [] });
  const noAddress = replica('h3');
  const model = hostIngressModel(inputs({ replicas: [unbound, noAddress] }), 'h1');
  assert.deepEqual(model.routes[0]!.servers, []);
});

test('expose-only ports: local replicas directly, other hosts through their mesh route, which answers only the cluster hosts', () => {
  const svc = web([{ target: 5432, published: null, protocol: 'tcp', mode: 'ingress', exposeOnly: true, appProtocol: 'postgresql' }]);
  const local = replica('h1', { ports: [] });
  const remote = replica('h2', { ports: [] });
  const leaving = replica('h3', { ports: [] });
  const hostAddresses = new Map([['h1', '10.0.0.1'], ['h2', '10.0.0.2'], ['h3', '10.0.0.3']]);
  const model = hostIngressModel(inputs({ services: [svc], replicas: [local, remote, leaving], hostAddresses, draining: new Set([leaving.id]) }), 'h1');
  const port = meshPorts([svc]).get('shop.web.5432')!;
  assert.ok(port >= MESH_PORTS.first && port < MESH_PORTS.first + MESH_PORTS.count);
  const [route, meshRoute] = [model.routes.find((r) => r.id === 'shop.web.5432')!, model.routes.find((r) => r.id === 'shop.web.5432-mesh')!];
  assert.deepEqual([route.publish, route.discovery, route.mode], [null, true, 'tcp']);
  assert.deepEqual(route.servers.map((s) => [s.name, `${s.address}:${s.port}`, s.state]), [
    ['m_h2', `10.0.0.2:${port}`, 'ready'],
    ['m_h3', `10.0.0.3:${port}`, 'drain'],
    [`r_${local.id.slice(0, 12)}`, `${local.address}:5432`, 'ready'],
  ]);
  assert.deepEqual([meshRoute.publish, meshRoute.discovery, meshRoute.mode, meshRoute.allowFrom], [port, false, 'tcp', ['10.0.0.1', '10.0.0.2', '10.0.0.3']]);
  assert.deepEqual(meshRoute.servers.map((s) => s.name), [`r_${local.id.slice(0, 12)}`], 'the mesh route leads to this host\'s own replicas only: no loops');
});

test('mesh ports: the same for a route whatever else is deployed (but for collisions), never a published port, never shared', () => {
  const a = { stack: 'a', name: 'db', spec: { ...serviceSpec({ replicas: 1 }), ports: [{ target: 5432, published: null, protocol: 'tcp' as const, mode: 'ingress' as const, exposeOnly: true as const }] } };
  const b = { stack: 'b', name: 'cache', spec: { ...serviceSpec({ replicas: 1 }), ports: [{ target: 6379, published: null, protocol: 'tcp' as const, mode: 'ingress' as const, exposeOnly: true as const }] } };
  const alone = meshPorts([a]).get('a.db.5432')!;
  const both = meshPorts([a, b]);
  assert.equal(both.get('a.db.5432'), alone);
  assert.notEqual(both.get('b.cache.6379'), alone);
  const squatting = web([{ target: 80, published: alone, protocol: 'tcp', mode: 'ingress' }]);
  assert.notEqual(meshPorts([a, squatting]).get('a.db.5432'), alone, 'a published port is never a mesh port');
});

test('udp ports are not routed; host-mode ports serve discovery but publish nothing on the ingress', () => {
  const svc = web([
    { target: 53, published: 53, protocol: 'udp', mode: 'ingress' },
    { target: 9000, published: 9000, protocol: 'tcp', mode: 'host' },
  ]);
  const routes = hostIngressModel(inputs({ services: [svc] }), 'h1').routes;
  assert.deepEqual(routes.map((r) => [r.id, r.publish, r.discovery]), [['shop.web.9000', null, true]]);
  assert.deepEqual(publishedPorts([svc]), []);
});

test('two published ports of one container port: the second only binds', () => {
  const svc = web([ingress8080, { target: 80, published: 8081, protocol: 'tcp', mode: 'ingress' }]);
  const routes = hostIngressModel(inputs({ services: [svc], replicas: [replica('h1')] }), 'h1').routes;
  assert.deepEqual(routes.map((r) => [r.id, r.publish, r.discovery, r.servers.length]), [
    ['shop.web.80', 8080, true, 1],
    ['shop.web.80-8081', 8081, false, 1],
  ]);
});

test('a port blocked on a host keeps its route for discovery and binds nothing there', () => {
  const model = hostIngressModel(inputs({}), 'h1', new Set([8080]));
  assert.equal(model.routes[0]!.publish, null);
  assert.equal(model.routes[0]!.discovery, true);
});

test('app_protocol decides the mode: absent or http → http, anything else → tcp', () => {
  assert.equal(routeMode(ingress8080), 'http');
  assert.equal(routeMode({ ...ingress8080, appProtocol: 'http' }), 'http');
  assert.equal(routeMode({ ...ingress8080, appProtocol: 'tcp' }), 'tcp');
  assert.equal(routeMode({ ...ingress8080, appProtocol: 'https' }), 'tcp');
});

test('keepUnlisted: a host not listed yet keeps its servers as the running ingress has them; listed hosts and gone routes follow the picture', () => {
  const a = replica('h1');
  const b = replica('h2');
  const before = hostIngressModel(inputs({ replicas: [a, b] }), 'h1');
  // a control plane just started has listed h1 only: h2's replica is not in its picture
  const fresh = hostIngressModel(inputs({ replicas: [a] }), 'h1');
  assert.equal(fresh.routes[0]!.servers.length, 1);
  const kept = keepUnlisted(before, fresh, new Set(['10.0.0.2']));
  assert.deepEqual(kept.routes[0]!.servers, before.routes[0]!.servers, "h2's server stays in the pool");
  // h1 is listed: a server of h1 the picture no longer has goes
  const gone = keepUnlisted(before, hostIngressModel(inputs({ replicas: [b] }), 'h1'), new Set(['10.0.0.2']));
  assert.deepEqual(gone.routes[0]!.servers.map((s) => s.address), ['10.0.0.2']);
  // nothing unlisted, or nothing running before: the new model as it is
  assert.equal(keepUnlisted(before, fresh, new Set()), fresh);
  assert.equal(keepUnlisted(null, fresh, new Set(['10.0.0.2'])), fresh);
  // a route the services no longer have is not brought back
  assert.deepEqual(keepUnlisted(before, { routes: [] }, new Set(['10.0.0.2'])).routes, []);
});
