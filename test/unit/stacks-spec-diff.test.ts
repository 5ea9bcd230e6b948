// What a plan says changes in a service: each field in words, environment by name only, and
// whatever the diff does not know by name still said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSpecs, durationText, portText } from '../../electron/control-plane/stacks/spec-diff.ts';
import type { ServiceSpec } from '../../shared/stack.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

test('the same spec changes nothing, whatever the replicas and autoscaling', () => {
  const spec = serviceSpec({ environment: { A: '1' }, ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] });
  assert.deepEqual(diffSpecs(spec, { ...spec }), []);
  assert.deepEqual(diffSpecs(spec, { ...spec, replicas: 7, autoscale: { min: 1, max: 9, cpuPercent: 50, requestsPerSecond: null, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 0 } }), []);
});

test('image, command and entrypoint read as written', () => {
  const before = serviceSpec({ image: 'app:v1' });
  const after = serviceSpec({ image: 'app:v2', command: ['sh', '-c', 'echo hi'], entrypoint: ['/init'] });
  assert.deepEqual(diffSpecs(before, after), [
    { field: 'image', before: 'app:v1', after: 'app:v2' },
    { field: 'command', before: "the image's", after: 'sh -c "echo hi"' },
    { field: 'entrypoint', before: "the image's", after: '/init' },
  ]);
});

test('environment: the names that were added, removed and changed, never a value', () => {
  const before = serviceSpec({ environment: { DB_URL: 'postgres://app:hunter2-old@db/app', OLD: 'x', SAME: 'y' } });
  const after = serviceSpec({ environment: { DB_URL: 'postgres://app:hunter2-new@db/app', DEBUG: '1', SAME: 'y' } });
  const changes = diffSpecs(before, after);
  assert.deepEqual(changes, [{ field: 'environment', before: null, after: 'added DEBUG, removed OLD, changed DB_URL' }]);
  const text = JSON.stringify(changes);
  for (const secret of ['hunter2', 'postgres://', '"1"', '"x"', '"y"']) assert.ok(!text.includes(secret), `${secret} is in ${text}`);
  // nor when the service is new
  assert.ok(!JSON.stringify(diffSpecs(null, after)).includes('hunter2'));
});

test('labels with their values; ports compactly', () => {
  const before = serviceSpec({ labels: { tier: 'web' }, ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] });
  const after = serviceSpec({
    labels: { tier: 'api', team: 'a' },
    ports: [
      { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
      { target: 9000, published: null, protocol: 'udp', mode: 'host' },
      { target: 5432, published: null, protocol: 'tcp', mode: 'ingress', exposeOnly: true, appProtocol: 'postgresql' },
    ],
  });
  assert.deepEqual(diffSpecs(before, after), [
    { field: 'labels', before: 'tier=web', after: 'team=a, tier=api' },
    { field: 'ports', before: '8080:80/tcp ingress', after: '8080:80/tcp ingress, 9000/udp host, 5432/tcp internal (postgresql)' },
  ]);
  assert.equal(portText({ target: 80, published: 8081, protocol: 'tcp', mode: 'host' }), '8081:80/tcp host');
});

test('healthcheck, resources, placement, policies, mounts and grace period in readable units', () => {
  const before = serviceSpec();
  const after = serviceSpec({
    healthcheck: { test: ['CMD-SHELL', 'wget -q http://127.0.0.1/health'], intervalMs: 500, timeoutMs: 2000, retries: 1, startPeriodMs: 0 },
    limits: { nanoCpus: 1.5e9, memoryBytes: 512 * 1024 ** 2 },
    reservations: { nanoCpus: null, memoryBytes: 1024 ** 3 },
    placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'a', text: 'node.labels.zone == a' }], spreadOver: ['node.labels.rack'], maxReplicasPerHost: 2 },
    update: { parallelism: 2, delayMs: 10_000, failureAction: 'rollback', monitorMs: 5000, maxFailureRatio: 0, order: 'stop-first' },
    restart: { condition: 'on-failure', delayMs: 5000, maxAttempts: 3, windowMs: 90_000 },
    volumes: [
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
      { type: 'bind', source: '/srv/conf', target: '/conf', readOnly: true },
    ],
    networks: ['back'],
    secrets: [{ source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o444 }],
    configs: [{ source: 'app', target: '/etc/app.conf', uid: '1000', gid: '1000', mode: 0o440 }],
    stopGracePeriodMs: 90_000,
  });
  const byField = Object.fromEntries(diffSpecs(before, after).map((c) => [c.field, c]));
  assert.deepEqual(byField.healthcheck, { field: 'healthcheck', before: "the image's", after: 'wget -q http://127.0.0.1/health, every 500ms, timeout 2s, 1 retry, start period 0s' });
  assert.deepEqual(byField.limits, { field: 'limits', before: 'none', after: '1.5 CPUs, 512 MiB' });
  assert.equal(byField.reservations!.after, '1 GiB');
  assert.equal(byField['placement constraints']!.after, 'node.labels.zone == a');
  assert.equal(byField['placement preferences']!.after, 'spread over node.labels.rack');
  assert.deepEqual(byField['max replicas per host'], { field: 'max replicas per host', before: 'no limit', after: '2' });
  assert.equal(byField['update policy']!.after, 'stop-first, 2 at a time, delay 10s, monitor 5s, on failure rollback, max failure ratio 0');
  assert.equal(byField['rollback policy'], undefined, 'the rollback policy did not change');
  assert.equal(byField['restart policy']!.after, 'on-failure, delay 5s, at most 3 attempts, window 1m30s');
  assert.equal(byField.volumes!.after, 'data → /data (rw), /srv/conf → /conf (bind, ro)');
  assert.deepEqual(byField.networks, { field: 'networks', before: 'none', after: 'back' });
  assert.equal(byField.secrets!.after, 'db_password');
  assert.equal(byField.configs!.after, 'app at /etc/app.conf (1000:1000, mode 0440)');
  assert.deepEqual(byField['stop grace period'], { field: 'stop grace period', before: '10s', after: '1m30s' });
});

test('a difference the text leaves out is still said', () => {
  const mount = { source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o444 };
  // a mode the short text does not show: the long one does
  assert.equal(diffSpecs(serviceSpec({ secrets: [mount] }), serviceSpec({ secrets: [{ ...mount, mode: 0o400 }] }))[0]!.after, 'db_password at /run/secrets/db_password (0:0, mode 0400)');
  // the same words, run directly or by a shell
  const health = { test: ['CMD', 'check', 'now'], intervalMs: 1000, timeoutMs: 1000, retries: 1, startPeriodMs: 0 };
  assert.deepEqual(diffSpecs(serviceSpec({ healthcheck: health }), serviceSpec({ healthcheck: { ...health, test: ['CMD-SHELL', 'check now'] } })), [
    { field: 'healthcheck', before: 'check now, every 1s, timeout 1s, 1 retry, start period 0s', after: 'check now, every 1s, timeout 1s, 1 retry, start period 0s (details changed)' },
  ]);
  const port = { target: 80, published: 8080, protocol: 'tcp' as const, mode: 'ingress' as const };
  const same = diffSpecs(serviceSpec({ ports: [port] }), serviceSpec({ ports: [{ ...port, exposeOnly: undefined }] as ServiceSpec['ports'] }));
  assert.deepEqual(same, [], 'an absent key and an undefined one are the same spec');
});

test('rollout tuning, when the spec carries it, and fields the diff does not know by name', () => {
  const rollout = { progressDeadlineMs: 600_000, rebalance: false };
  const before = serviceSpec();
  const after = { ...serviceSpec(), rollout, sysctls: { 'net.core.somaxconn': '1024' } } as unknown as ServiceSpec;
  assert.deepEqual(diffSpecs(before, after), [
    { field: 'rollout', before: 'default', after: 'progressDeadlineMs 10m, rebalance off' },
    { field: 'other settings', before: null, after: 'changed sysctls' },
  ]);
  assert.ok(!JSON.stringify(diffSpecs(before, after)).includes('1024'), 'an unknown field is named, not shown');
});

test('a new service shows what its file sets beyond the defaults, with nothing before', () => {
  const spec = serviceSpec({ image: 'app:v1', environment: { TOKEN: 's3cret' }, ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] });
  assert.deepEqual(diffSpecs(null, spec), [
    { field: 'image', before: null, after: 'app:v1' },
    { field: 'environment', before: null, after: 'added TOKEN' },
    { field: 'ports', before: null, after: '8080:80/tcp ingress' },
  ]);
});

test('durations in Compose notation', () => {
  assert.equal(durationText(0), '0s');
  assert.equal(durationText(250), '250ms');
  assert.equal(durationText(1500), '1s500ms');
  assert.equal(durationText(3_600_000 + 60_000), '1h1m');
});

test('container options by their Compose keys; a logging driver\'s options by name only', () => {
  const before = serviceSpec({ container: { user: '1000', sysctls: { 'net.core.somaxconn': '1024' } } });
  const after = serviceSpec({ container: { user: '1001', sysctls: { 'net.core.somaxconn': '1024' }, init: true, logging: { driver: 'splunk', options: { 'splunk-token': 'tok-s3cret', 'splunk-url': 'https://x' } } } });
  const changes = diffSpecs(before, after);
  assert.deepEqual(changes, [
    {
      field: 'container options',
      before: 'user 1000, sysctls net.core.somaxconn=1024',
      after: 'init true, user 1001, sysctls net.core.somaxconn=1024, logging splunk (splunk-token splunk-url)',
    },
  ]);
  assert.ok(!JSON.stringify(changes).includes('s3cret'));
  assert.deepEqual(diffSpecs(serviceSpec(), serviceSpec({ container: { platform: 'linux/arm64' } })), [{ field: 'container options', before: 'none', after: 'platform linux/arm64' }]);
  assert.deepEqual(diffSpecs(before, serviceSpec({ container: { sysctls: { 'net.core.somaxconn': '1024' }, user: '1000' } })), []);
});
