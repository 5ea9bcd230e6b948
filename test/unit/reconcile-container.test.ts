import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerConfig } from '../../electron/control-plane/reconcile/container-config.ts';
import { isAvailable, replicaFromInspect, replicaFromListed } from '../../electron/control-plane/reconcile/replica.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

const parsed = parseStackFile({
  file: '/srv/shop/compose.yaml',
  text: `name: shop
services:
  web:
    image: web:1
    command: ["httpd", "-f"]
    environment: { MODE: prod }
    ports: ["8080:80", { target: 9000, published: 9000, mode: host }]
    healthcheck: { test: ["CMD", "true"], interval: 500ms, timeout: 2s, retries: 2 }
    deploy:
      resources: { limits: { cpus: "0.5", memory: 256M }, reservations: { memory: 64M } }
      restart_policy: { condition: on-failure, max_attempts: 3 }
`,
});

test('a service revision becomes the Docker create request of a replica', () => {
  assert.ok(parsed.stack, JSON.stringify(parsed.problems));
  const spec = parsed.stack.services[0]!;
  const c = containerConfig(spec, { clusterId: 'c1', revision: 4, containerHash: 'abc', slot: 2, short: 'f00d01' });
  assert.equal(c.name, 'shop_web.2.4-f00d01');
  assert.deepEqual(c.Cmd, ['httpd', '-f']);
  assert.deepEqual(c.Env, ['MODE=prod']);
  assert.deepEqual(c.Labels, { 'baton.cluster': 'c1', 'baton.stack': 'shop', 'baton.service': 'web', 'baton.slot': '2', 'baton.revision': '4', 'baton.spec-hash': 'abc' });
  // the ingress port binds an ephemeral host port; the host-mode port binds itself
  assert.deepEqual(c.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '' }], '9000/tcp': [{ HostIp: '', HostPort: '9000' }] });
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 500e6, Timeout: 2e9, Retries: 2, StartPeriod: 0 });
  assert.equal(c.HostConfig?.NanoCpus, 5e8);
  assert.equal(c.HostConfig?.Memory, 256 * 2 ** 20);
  assert.equal(c.HostConfig?.MemoryReservation, 64 * 2 ** 20);
  assert.deepEqual(c.HostConfig?.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(c.HostConfig?.NetworkMode, 'baton');
});

test('an expose port is bound on no host address; a port without a published one on a random host port', () => {
  const exposed = parseStackFile({ file: '/srv/shop/compose.yaml', text: 'services:\n  api:\n    image: api:1\n    ports: ["81"]\n    expose: ["8080", "9000/udp"]\n' });
  assert.ok(exposed.stack, JSON.stringify(exposed.problems));
  const c = containerConfig(exposed.stack.services[0]!, { clusterId: 'c1', revision: 1, containerHash: 'abc', slot: 1, short: 'f00d01' });
  assert.deepEqual(c.ExposedPorts, { '81/tcp': {}, '8080/tcp': {}, '9000/udp': {} });
  assert.deepEqual(c.HostConfig?.PortBindings, { '81/tcp': [{ HostIp: '', HostPort: '' }] });
});

const listed = (labels: Record<string, string>, state = 'running', status = 'Up 3 seconds (healthy)') => ({
  Id: 'abc123',
  Names: ['/shop_web.1.1-aaaaaa'],
  State: state,
  Status: status,
  Created: 1700000000,
  Labels: labels,
  Ports: [{ PrivatePort: 80, PublicPort: 32768, Type: 'tcp' }],
});
const LABELS = { 'baton.cluster': 'c1', 'baton.stack': 'shop', 'baton.service': 'web', 'baton.slot': '1', 'baton.revision': '1', 'baton.spec-hash': 'h' };

test('listed containers become replicas; health and exit code come from the status', () => {
  const r = replicaFromListed('h1', listed(LABELS), 'c1');
  assert.ok(r);
  assert.equal(r.health, 'healthy');
  assert.deepEqual(r.ports, [{ containerPort: 80, protocol: 'tcp', hostPort: 32768 }]);
  assert.ok(isAvailable(r));
  assert.equal(replicaFromListed('h1', listed(LABELS, 'running', 'Up 1 second (health: starting)'), 'c1')?.health, 'starting');
  const exited = replicaFromListed('h1', listed(LABELS, 'exited', 'Exited (137) 2 seconds ago'), 'c1');
  assert.equal(exited?.exitCode, 137);
  assert.equal(exited?.health, 'none');
});

test("another cluster's replicas are not ours; unlabelled look-alikes of ours are adopted", () => {
  assert.equal(replicaFromListed('h1', listed({ ...LABELS, 'baton.cluster': 'other' }), 'c1'), null);
  const { 'baton.cluster': _c, ...noCluster } = LABELS;
  assert.ok(replicaFromListed('h1', listed(noCluster), 'c1'));
  assert.equal(replicaFromListed('h1', listed({ 'baton.stack': 'shop' }), 'c1'), null, 'no service/slot: not a replica');
  assert.equal(replicaFromListed('h1', { nonsense: true }, 'c1'), null);
});

test('an inspected container becomes the same replica, with its live state', () => {
  const inspected = {
    Id: 'abc123',
    Name: '/shop_web.1.1-aaaaaa',
    Created: '2026-11-22T03:00:00.5Z',
    State: { Status: 'exited', ExitCode: 137, Health: { Status: 'unhealthy' } },
    Config: { Labels: LABELS },
    NetworkSettings: { Ports: { '80/tcp': [{ HostPort: '32768' }], '81/tcp': null } },
  };
  const r = replicaFromInspect('h1', inspected, 'c1');
  assert.ok(r);
  assert.equal(r.state, 'exited');
  assert.equal(r.exitCode, 137);
  assert.equal(r.health, 'none');
  assert.equal(r.name, 'shop_web.1.1-aaaaaa');
  assert.deepEqual(r.ports, [{ containerPort: 80, protocol: 'tcp', hostPort: 32768 }]);
  const up = replicaFromInspect('h1', { ...inspected, State: { Status: 'running', Health: { Status: 'healthy' } } }, 'c1');
  assert.equal(up?.health, 'healthy');
  assert.equal(up?.exitCode, null);
});
