import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeReplicas } from '../../electron/control-plane/scheduler/place-replicas.ts';
import type { HostCandidate, PlacementRequest } from '../../electron/control-plane/scheduler/types.ts';
import type { PlacementConstraint, PortSpec, ServiceSpec } from '../../shared/stack.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const CPU = 1e9;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const service = serviceSpec;

function host(name: string, over: Partial<HostCandidate> = {}): HostCandidate {
  return {
    name,
    ready: true,
    hostname: `${name}.lab`,
    labels: {},
    engineLabels: {},
    nanoCpus: 4 * CPU,
    memoryBytes: 8 * GiB,
    reservedNanoCpus: 0,
    reservedMemoryBytes: 0,
    usedHostPorts: [],
    replicasByService: {},
    ...over,
  };
}

function request(over: Partial<PlacementRequest> = {}): PlacementRequest {
  return { service: service(), count: 1, strategy: 'spread', ...over };
}

function constraint(field: string, op: '==' | '!=', value: string): PlacementConstraint {
  return { field, op, value, text: `${field}${op}${value}` };
}

function withConstraints(...constraints: PlacementConstraint[]): ServiceSpec {
  return service({ placement: { constraints, spreadOver: [], maxReplicasPerHost: null } });
}

function tally(hosts: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of hosts) out[h] = (out[h] ?? 0) + 1;
  return out;
}

function reasonOf(result: ReturnType<typeof placeReplicas>, name: string): string | null | undefined {
  return result.verdicts.find((v) => v.host === name)?.reason;
}

test('spread puts 6 replicas over 3 equal hosts 2/2/2, one replica at a time', () => {
  const result = placeReplicas(request({ count: 6 }), [host('a'), host('b'), host('c')]);
  assert.deepEqual(result.hosts, ['a', 'b', 'c', 'a', 'b', 'c']);
  assert.equal(result.unplaced, 0);
  assert.equal(result.summary, null);
  assert.deepEqual(result.verdicts.map((v) => v.host), ['a', 'b', 'c']);
  assert.ok(result.verdicts.every((v) => v.feasible && v.reason === null && typeof v.score === 'number'));
});

test('spread with existing skew fills the emptiest host first', () => {
  const hosts = [
    host('a', { replicasByService: { 'shop/web': 3 } }),
    host('b'),
    host('c', { replicasByService: { 'shop/web': 1 } }),
  ];
  const result = placeReplicas(request({ count: 3 }), hosts);
  assert.deepEqual(result.hosts, ['b', 'b', 'c']);
});

test('spread breaks a tie in this service by fewest replicas overall', () => {
  const hosts = [host('a', { replicasByService: { 'shop/db': 2 } }), host('b', { replicasByService: { 'shop/db': 1 } })];
  assert.deepEqual(placeReplicas(request({ count: 1 }), hosts).hosts, ['b']);
});

test('binpack fills one host before the next', () => {
  const svc = service({ reservations: { nanoCpus: 1 * CPU, memoryBytes: 256 * MiB } });
  const hosts = [host('a', { nanoCpus: 2 * CPU }), host('b', { nanoCpus: 2 * CPU }), host('c', { nanoCpus: 2 * CPU })];
  const result = placeReplicas(request({ service: svc, count: 5, strategy: 'binpack' }), hosts);
  assert.deepEqual(result.hosts, ['a', 'a', 'b', 'b', 'c']);
  assert.equal(result.unplaced, 0);
});

test('binpack prefers the host already fullest, and without reservations still stacks up', () => {
  const svc = service({ reservations: { nanoCpus: 0.5 * CPU, memoryBytes: null } });
  const hosts = [host('a'), host('b', { reservedNanoCpus: 2 * CPU }), host('c', { reservedNanoCpus: 1 * CPU })];
  assert.deepEqual(placeReplicas(request({ service: svc, count: 2, strategy: 'binpack' }), hosts).hosts, ['b', 'b']);
  const plain = placeReplicas(request({ count: 3, strategy: 'binpack' }), [host('a'), host('b')]);
  assert.deepEqual(plain.hosts, ['a', 'a', 'a']);
});

test('binpack honours max replicas per host as its only anti-affinity', () => {
  const svc = service({ placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 2 } });
  const result = placeReplicas(request({ service: svc, count: 5, strategy: 'binpack' }), [host('a'), host('b'), host('c')]);
  assert.deepEqual(result.hosts, ['a', 'a', 'b', 'b', 'c']);
});

test('reservations exhaust a host, and the reason names the numbers', () => {
  const svc = service({ reservations: { nanoCpus: 1.5 * CPU, memoryBytes: 512 * MiB } });
  const hosts = [host('a', { nanoCpus: 2 * CPU, memoryBytes: 1 * GiB }), host('b', { nanoCpus: 4 * CPU, memoryBytes: 768 * MiB })];
  const result = placeReplicas(request({ service: svc, count: 3 }), hosts);
  // b first: after placing, it is the less reserved of the two (spread's last tie-breaker)
  assert.deepEqual(result.hosts, ['b', 'a']);
  assert.equal(result.unplaced, 1);
  assert.equal(reasonOf(result, 'a'), 'needs 1.5 CPUs, 0.5 unreserved');
  assert.equal(reasonOf(result, 'b'), 'needs 512 MiB memory, 256 MiB unreserved');
});

test('a host short on both CPU and memory names both', () => {
  const svc = service({ reservations: { nanoCpus: 2 * CPU, memoryBytes: 2 * GiB } });
  const result = placeReplicas(request({ service: svc }), [host('a', { nanoCpus: 1 * CPU, memoryBytes: 1.5 * GiB, reservedNanoCpus: 0.25 * CPU })]);
  assert.equal(reasonOf(result, 'a'), 'needs 2 CPUs, 0.75 unreserved, and 2 GiB memory, 1.5 GiB unreserved');
});

test('reservations count, not limits; a service without reservations fits on any ready host', () => {
  const full = host('a', { reservedNanoCpus: 4 * CPU, reservedMemoryBytes: 8 * GiB });
  const limited = service({ limits: { nanoCpus: 8 * CPU, memoryBytes: 64 * GiB } });
  const result = placeReplicas(request({ service: limited, count: 2 }), [full]);
  assert.deepEqual(result.hosts, ['a', 'a']);
});

test('over-reserved hosts show 0 unreserved, never a negative amount', () => {
  const svc = service({ reservations: { nanoCpus: 1 * CPU, memoryBytes: null } });
  const result = placeReplicas(request({ service: svc }), [host('a', { nanoCpus: 1 * CPU, reservedNanoCpus: 3 * CPU })]);
  assert.equal(reasonOf(result, 'a'), 'needs 1 CPU, 0 unreserved');
});

test('constraint on node.hostname uses what the engine reports, not Baton\'s name', () => {
  const hosts = [host('a', { hostname: 'web-1' }), host('b', { hostname: 'web-2' })];
  const result = placeReplicas(request({ service: withConstraints(constraint('node.hostname', '==', 'web-2')), count: 2 }), hosts);
  assert.deepEqual(result.hosts, ['b', 'b']);
  const miss = placeReplicas(request({ service: withConstraints(constraint('node.hostname', '==', 'b')) }), hosts);
  assert.equal(miss.unplaced, 1);
  assert.equal(reasonOf(miss, 'b'), 'constraint node.hostname==b not met (hostname=web-2)');
  const not = placeReplicas(request({ service: withConstraints(constraint('node.hostname', '!=', 'web-1')) }), hosts);
  assert.deepEqual(not.hosts, ['b']);
});

test('label constraints: == and !=, a missing label fails == and passes != (as Swarm)', () => {
  const hosts = [host('eu', { labels: { zone: 'eu' } }), host('us', { labels: { zone: 'us' } }), host('bare')];
  const eq = placeReplicas(request({ service: withConstraints(constraint('node.labels.zone', '==', 'eu')), count: 3 }), hosts);
  assert.deepEqual(eq.hosts, ['eu', 'eu', 'eu']);
  assert.equal(reasonOf(eq, 'us'), 'constraint node.labels.zone==eu not met (zone=us)');
  assert.equal(reasonOf(eq, 'bare'), 'constraint node.labels.zone==eu not met (zone not set)');
  const ne = placeReplicas(request({ service: withConstraints(constraint('node.labels.zone', '!=', 'eu')), count: 2 }), hosts);
  assert.deepEqual(ne.hosts, ['bare', 'us']);
  assert.equal(reasonOf(ne, 'eu'), 'constraint node.labels.zone!=eu not met (zone=eu)');
});

test('label values compare case-insensitively, as Swarm does', () => {
  const hosts = [host('a', { labels: { disk: 'SSD' } })];
  assert.deepEqual(placeReplicas(request({ service: withConstraints(constraint('node.labels.disk', '==', 'ssd')) }), hosts).hosts, ['a']);
});

test('engine label constraints read engine labels, not Baton\'s', () => {
  const hosts = [host('a', { labels: { gpu: 'yes' } }), host('b', { engineLabels: { gpu: 'yes' } })];
  const result = placeReplicas(request({ service: withConstraints(constraint('engine.labels.gpu', '==', 'yes')) }), hosts);
  assert.deepEqual(result.hosts, ['b']);
  assert.equal(reasonOf(result, 'a'), 'constraint engine.labels.gpu==yes not met (engine label gpu not set)');
});

test('node.role: every Baton host is a manager, so role==worker never matches', () => {
  const hosts = [host('a'), host('b')];
  assert.deepEqual(placeReplicas(request({ service: withConstraints(constraint('node.role', '==', 'manager')) }), hosts).hosts, ['a']);
  assert.deepEqual(placeReplicas(request({ service: withConstraints(constraint('node.role', '!=', 'worker')) }), hosts).hosts, ['a']);
  const worker = placeReplicas(request({ service: withConstraints(constraint('node.role', '==', 'worker')) }), hosts);
  assert.equal(worker.unplaced, 1);
  assert.equal(reasonOf(worker, 'a'), 'constraint node.role==worker not met (every Baton host is a manager)');
});

test('several unmet constraints are all named; an unsupported field never matches', () => {
  const svc = withConstraints(constraint('node.labels.zone', '==', 'eu'), constraint('node.labels.disk', '==', 'ssd'), constraint('node.role', '==', 'manager'));
  const result = placeReplicas(request({ service: svc }), [host('a', { labels: { zone: 'us' } })]);
  assert.equal(reasonOf(result, 'a'), 'constraints not met: node.labels.zone==eu (zone=us), node.labels.disk==ssd (disk not set)');
  const odd = placeReplicas(request({ service: withConstraints(constraint('node.platform.os', '!=', 'windows')) }), [host('a')]);
  assert.equal(reasonOf(odd, 'a'), "constraint node.platform.os!=windows not met (Baton can't read node.platform.os)");
});

test('host-mode published ports conflict; ingress ports and unpublished host ports do not', () => {
  const hostPort: PortSpec = { target: 80, published: 8080, protocol: 'tcp', mode: 'host' };
  const hosts = [host('a', { usedHostPorts: ['tcp/8080'] }), host('b', { usedHostPorts: ['udp/8080'] }), host('c')];
  const result = placeReplicas(request({ service: service({ ports: [hostPort] }), count: 3 }), hosts);
  // b's udp/8080 is another port; each placed replica takes tcp/8080 on its host
  assert.deepEqual(result.hosts, ['b', 'c']);
  assert.equal(result.unplaced, 1);
  assert.equal(reasonOf(result, 'a'), 'host port tcp/8080 already in use');
  assert.equal(reasonOf(result, 'c'), 'host port tcp/8080 already in use');

  const ingress: PortSpec = { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' };
  const ephemeral: PortSpec = { target: 9000, published: null, protocol: 'tcp', mode: 'host' };
  const free = placeReplicas(request({ service: service({ ports: [ingress, ephemeral] }), count: 4 }), [host('a', { usedHostPorts: ['tcp/8080'] })]);
  assert.deepEqual(free.hosts, ['a', 'a', 'a', 'a']);
});

test('a service using a host-local volume runs only where the volume\'s data is', () => {
  // the service's stack is "shop": its volume `data` is shop_data on the engine
  const svc = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }, { type: 'volume', source: null, target: '/tmp', readOnly: false }] });
  const hosts = [host('a'), host('b', { volumes: ['shop_data', 'shop_other'] }), host('c', { volumes: ['shop_other'] })];
  const result = placeReplicas(request({ service: svc, count: 2 }), hosts);
  assert.deepEqual(result.hosts, ['b', 'b']);
  assert.equal(reasonOf(result, 'a'), "volume shop_data's data is on b");
  assert.equal(reasonOf(result, 'c'), "volume shop_data's data is on b");
});

test('before any host has a host-local volume, the first replica placed decides where the rest go', () => {
  const svc = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }] });
  const result = placeReplicas(request({ service: svc, count: 3 }), [host('a'), host('b'), host('c')]);
  assert.deepEqual(result.hosts, ['a', 'a', 'a']);
  // the same service spread over hosts when the volume is anonymous: nothing to keep together
  const anonymous = service({ volumes: [{ type: 'volume', source: null, target: '/data', readOnly: false }] });
  assert.deepEqual(placeReplicas(request({ service: anonymous, count: 3 }), [host('a'), host('b'), host('c')]).hosts, ['a', 'b', 'c']);
});

test('a volume on NFS through the local driver, or a plugin\'s, pins nothing: replicas spread', () => {
  const nfs = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, driverOpts: { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/export' } }] });
  const hosts = [host('a'), host('b', { volumes: ['shop_data'] }), host('c')];
  assert.deepEqual(placeReplicas(request({ service: nfs, count: 3 }), hosts).hosts, ['a', 'b', 'c']);
  const plugin = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, driver: 'rexray/ebs' }] });
  assert.deepEqual(placeReplicas(request({ service: plugin, count: 3 }), hosts).hosts, ['a', 'b', 'c']);
});

test('a host-local volume wanted on two hosts leaves the replicas that don\'t fit beside it unplaced, saying why', () => {
  const svc = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }], placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 1 } });
  const result = placeReplicas(request({ service: svc, count: 2 }), [host('a'), host('b')]);
  assert.deepEqual(result.hosts, ['a']);
  assert.equal(result.unplaced, 1);
  assert.equal(reasonOf(result, 'a'), 'already runs 1 replica of shop/web (max 1 per host)');
  assert.equal(reasonOf(result, 'b'), "volume shop_data's data is on a");
});

test('max replicas per host is a filter that counts replicas already there', () => {
  const svc = service({ placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 1 } });
  const hosts = [host('a', { replicasByService: { 'shop/web': 1 } }), host('b'), host('c')];
  const result = placeReplicas(request({ service: svc, count: 3 }), hosts);
  assert.deepEqual(result.hosts, ['b', 'c']);
  assert.equal(result.unplaced, 1);
  assert.equal(reasonOf(result, 'a'), 'already runs 1 replica of shop/web (max 1 per host)');
});

test('spreadOver balances across label values first: 4 over zone a (2 hosts) and b (1 host) is 2 and 2', () => {
  const svc = service({ placement: { constraints: [], spreadOver: ['node.labels.zone'], maxReplicasPerHost: null } });
  const hosts = [host('a1', { labels: { zone: 'a' } }), host('a2', { labels: { zone: 'a' } }), host('b1', { labels: { zone: 'b' } })];
  const result = placeReplicas(request({ service: svc, count: 4 }), hosts);
  assert.deepEqual(tally(result.hosts), { a1: 1, a2: 1, b1: 2 });
});

test('spreadOver counts existing replicas per zone, and hosts without the label form their own group', () => {
  const svc = service({ placement: { constraints: [], spreadOver: ['node.labels.zone'], maxReplicasPerHost: null } });
  const hosts = [
    host('a1', { labels: { zone: 'a' }, replicasByService: { 'shop/web': 2 } }),
    host('b1', { labels: { zone: 'b' } }),
    host('x'),
  ];
  const result = placeReplicas(request({ service: svc, count: 4 }), hosts);
  assert.deepEqual(tally(result.hosts), { b1: 2, x: 2 });
});

test('spreadOver with two levels balances the first label, then the second within it', () => {
  const svc = service({ placement: { constraints: [], spreadOver: ['node.labels.region', 'node.labels.zone'], maxReplicasPerHost: null } });
  const hosts = [
    host('h1', { labels: { region: 'eu', zone: 'z1' } }),
    host('h2', { labels: { region: 'eu', zone: 'z1' } }),
    host('h3', { labels: { region: 'eu', zone: 'z2' } }),
    host('h4', { labels: { region: 'us', zone: 'z3' } }),
  ];
  const result = placeReplicas(request({ service: svc, count: 4 }), hosts);
  assert.deepEqual(tally(result.hosts), { h1: 1, h3: 1, h4: 2 });
});

test('avoidHosts is a penalty: the avoided host is used only when nothing else fits', () => {
  const hosts = [host('a'), host('b', { replicasByService: { 'shop/web': 1 } })];
  assert.deepEqual(placeReplicas(request({ avoidHosts: ['a'] }), hosts).hosts, ['b']);
  const only = placeReplicas(request({ avoidHosts: ['a'] }), [host('a')]);
  assert.deepEqual(only.hosts, ['a']);
});

test('preferHost wins while it is feasible, and falls back when it is not', () => {
  const hosts = [host('a'), host('b', { replicasByService: { 'shop/web': 5 } }), host('c')];
  assert.deepEqual(placeReplicas(request({ preferHost: 'b', count: 2 }), hosts).hosts, ['b', 'b']);
  const svc = service({ placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 6 } });
  assert.deepEqual(placeReplicas(request({ service: svc, preferHost: 'b', count: 3 }), hosts).hosts, ['b', 'a', 'c']);
  const down = hosts.map((h) => (h.name === 'b' ? { ...h, ready: false } : h));
  assert.deepEqual(placeReplicas(request({ preferHost: 'b' }), down).hosts, ['a']);
});

test('hosts that are not ready are filtered out', () => {
  const hosts = [host('a', { ready: false }), host('b'), host('c', { ready: false })];
  const result = placeReplicas(request({ count: 2 }), hosts);
  assert.deepEqual(result.hosts, ['b', 'b']);
  assert.deepEqual(result.verdicts, [
    { host: 'a', feasible: false, reason: 'not ready (unreachable or draining)', score: null },
    { host: 'b', feasible: true, reason: null, score: 0 },
    { host: 'c', feasible: false, reason: 'not ready (unreachable or draining)', score: null },
  ]);
});

test('an impossible placement leaves replicas unplaced with a summary naming each host\'s reason', () => {
  const svc = service({
    reservations: { nanoCpus: 2 * CPU, memoryBytes: null },
    placement: { constraints: [constraint('node.labels.zone', '!=', 'us')], spreadOver: [], maxReplicasPerHost: null },
  });
  const hosts = [
    host('web-3', { ready: false }),
    host('web-1', { nanoCpus: 2 * CPU, reservedNanoCpus: 1.5 * CPU }),
    host('web-2', { labels: { zone: 'us' } }),
  ];
  const result = placeReplicas(request({ service: svc, count: 5 }), hosts);
  assert.deepEqual(result.hosts, []);
  assert.equal(result.unplaced, 5);
  assert.ok(result.verdicts.every((v) => !v.feasible && v.score === null));
  assert.equal(
    result.summary,
    "5 of 5 replicas of shop/web can't be placed: web-1: needs 2 CPUs, 0.5 unreserved; web-2: constraint node.labels.zone!=us not met (zone=us); web-3: not ready (unreachable or draining)",
  );
});

test('a partial placement reports what fitted and why the rest did not', () => {
  const svc = service({ reservations: { nanoCpus: 1 * CPU, memoryBytes: 1 * GiB } });
  const result = placeReplicas(request({ service: svc, count: 5 }), [host('a', { nanoCpus: 2 * CPU }), host('b', { nanoCpus: 1 * CPU })]);
  assert.deepEqual(result.hosts, ['a', 'b', 'a']);
  assert.equal(result.unplaced, 2);
  assert.equal(result.summary, "2 of 5 replicas of shop/web can't be placed: a: needs 1 CPU, 0 unreserved; b: needs 1 CPU, 0 unreserved");
  assert.equal(placeReplicas(request({ count: 1 }), []).summary, "1 of 1 replica of shop/web can't be placed: there are no hosts");
});

test('scores: higher ranks first, equal scores are ties broken by name', () => {
  const hosts = [host('a', { replicasByService: { 'shop/web': 1 } }), host('b'), host('c'), host('d', { ready: false })];
  const result = placeReplicas(request(), hosts);
  assert.deepEqual(result.hosts, ['b']);
  assert.deepEqual(result.verdicts.map((v) => [v.host, v.score]), [['a', 0], ['b', 1], ['c', 1], ['d', null]]);
});

test('count 0 places nothing and judges no host', () => {
  assert.deepEqual(placeReplicas(request({ count: 0 }), [host('a')]), { hosts: [], unplaced: 0, verdicts: [], summary: null });
});

test('deterministic: any host order gives the same result, and the input is left unchanged', () => {
  const svc = service({
    reservations: { nanoCpus: 0.5 * CPU, memoryBytes: 512 * MiB },
    placement: { constraints: [constraint('node.labels.tier', '!=', 'db')], spreadOver: ['node.labels.zone'], maxReplicasPerHost: 3 },
  });
  const hosts = [
    host('e', { labels: { zone: 'b' }, replicasByService: { 'shop/web': 1, 'shop/db': 2 }, reservedNanoCpus: 1 * CPU }),
    host('a', { labels: { zone: 'a' }, nanoCpus: 2 * CPU }),
    host('d', { labels: { zone: 'b', tier: 'db' } }),
    host('c', { labels: { zone: 'a' }, replicasByService: { 'shop/web': 2 } }),
    host('b', { labels: { zone: 'c' }, ready: false }),
    host('f', { labels: { zone: 'c' }, memoryBytes: 1 * GiB }),
  ];
  const snapshot = structuredClone(hosts);
  for (const strategy of ['spread', 'binpack'] as const) {
    const req = request({ service: svc, count: 9, strategy, avoidHosts: ['c'] });
    const expected = placeReplicas(req, hosts);
    const orders = [[...hosts].reverse(), [...hosts.slice(3), ...hosts.slice(0, 3)], [1, 4, 0, 5, 2, 3].map((i) => hosts[i]!)];
    for (const order of orders) assert.deepEqual(placeReplicas(req, order), expected);
    assert.deepEqual(placeReplicas(req, hosts), expected);
  }
  assert.deepEqual(hosts, snapshot);
});
