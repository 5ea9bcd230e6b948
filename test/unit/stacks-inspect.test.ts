// What replica.inspect and service.inspect show: a live Docker inspect reduced to the contract,
// environment names without values, and a spec without environment values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicaDetail, type ReplicaStatus } from '../../shared/api.ts';
import { replicaDetail, revisionText, specForClients } from '../../electron/control-plane/stacks/inspect.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

const status: ReplicaStatus = {
  id: 'f'.repeat(64),
  name: 'shop_web.2.1-abc123',
  stack: 'shop',
  service: 'web',
  slot: 2,
  host: 'h2',
  hostReady: true,
  state: 'running',
  health: 'healthy',
  status: 'healthy',
  revision: 1,
  current: true,
  createdAt: '2025-01-01T00:00:00.000Z',
};

const inspected = {
  Id: 'f'.repeat(64),
  Name: '/shop_web.2.1-abc123',
  Config: { Image: 'baton-test/web:1', Env: ['PATH=/usr/bin', 'DB_PASSWORD=s3cret-value', 'EMPTY='], Labels: { 'baton.stack': 'shop', 'baton.slot': '2' } },
  State: { Status: 'running', StartedAt: '2025-01-01T00:00:01.5Z', FinishedAt: '0001-01-01T00:00:00Z', ExitCode: 0 },
  RestartCount: 2,
  NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }], '9000/udp': null } },
};

test('replica detail: names of the environment only, ports, times, restarts; valid against the contract', () => {
  const detail = replicaDetail(inspected, status, []);
  assert.deepEqual(detail.envNames, ['PATH', 'DB_PASSWORD', 'EMPTY']);
  assert.ok(!JSON.stringify(detail).includes('s3cret'), 'no value leaks');
  assert.deepEqual(detail.ports, ['32768->8080/tcp']);
  assert.equal(detail.startedAt, '2025-01-01T00:00:01.5Z');
  assert.equal(detail.finishedAt, null, 'never finished');
  assert.equal(detail.exitCode, null, 'running: no exit code');
  assert.equal(detail.restartCount, 2);
  assert.equal(detail.image, 'baton-test/web:1');
  assert.ok(ReplicaDetail.safeParse(detail).success);
});

test('an exited replica has its exit code and finish time; a shape Docker never sends is refused, naming the host', () => {
  const exited = replicaDetail({ ...inspected, State: { Status: 'exited', StartedAt: '2025-01-01T00:00:01Z', FinishedAt: '2025-01-01T00:01:00Z', ExitCode: 137 } }, status, []);
  assert.equal(exited.exitCode, 137);
  assert.equal(exited.finishedAt, '2025-01-01T00:01:00Z');
  assert.throws(() => replicaDetail({ Config: {} }, status, []), /engine on h2 described shop_web\.2\.1-abc123/);
});

test('a spec for clients: environment values hidden, everything else as the revision says', () => {
  const spec = serviceSpec({ environment: { API_KEY: 'sk-live-123', PORT: '8080' }, image: 'shop/web:7' });
  const shown = specForClients(spec);
  assert.deepEqual(shown['environment'], { API_KEY: '[hidden]', PORT: '[hidden]' });
  assert.equal(shown['image'], 'shop/web:7');
  assert.ok(!JSON.stringify(shown).includes('sk-live'));
  assert.equal(spec.environment['API_KEY'], 'sk-live-123', 'the stored spec is untouched');
});

test("a revision's text: YAML with environment values as digests, so a change shows and the value does not", () => {
  const one = revisionText(serviceSpec({ environment: { API_KEY: 'sk-live-123' }, image: 'shop/web:1' }));
  const two = revisionText(serviceSpec({ environment: { API_KEY: 'sk-live-456' }, image: 'shop/web:1' }));
  assert.match(one, /^image: shop\/web:1$/m);
  assert.match(one, /API_KEY: "?\[hidden\] [0-9a-f]{8}"?/);
  assert.ok(!one.includes('sk-live') && !two.includes('sk-live'));
  assert.notEqual(one, two, 'a changed value changes its line');
  assert.equal(one, revisionText(serviceSpec({ environment: { API_KEY: 'sk-live-123' }, image: 'shop/web:1' })), 'the same spec, the same text');
});

test("a logging driver's option values are hidden from clients; the rest of the container options are shown", () => {
  const spec = serviceSpec({ container: { user: '1000', logging: { driver: 'splunk', options: { 'splunk-token': 'tok-s3cret', 'splunk-url': 'https://splunk.local' } } } });
  const shown = specForClients(spec);
  assert.deepEqual(shown.container, { user: '1000', logging: { driver: 'splunk', options: { 'splunk-token': '[hidden]', 'splunk-url': '[hidden]' } } });
  assert.equal(spec.container?.logging?.options['splunk-token'], 'tok-s3cret', 'the stored spec is untouched');
  const one = revisionText(spec);
  const two = revisionText(serviceSpec({ container: { user: '1000', logging: { driver: 'splunk', options: { 'splunk-token': 'tok-0ther', 'splunk-url': 'https://splunk.local' } } } }));
  assert.ok(!one.includes('s3cret') && !two.includes('0ther'));
  assert.match(one, /splunk-token: "?\[hidden\] [0-9a-f]{8}"?/);
  assert.notEqual(one, two, 'a changed token changes its line');
  assert.deepEqual(specForClients(serviceSpec({ container: { init: true } })).container, { init: true });
});
