// Named volumes: what the parser keeps of a declaration, which volumes pin replicas to a host, and
// which stacks are refused because a volume's users cannot share its host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { volumePlacementProblems } from '../../electron/control-plane/stacks/volume-placement.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';
import type { ServiceSpec, VolumeMount } from '../../shared/stack.ts';
import { isHostLocal, volumeEngineName } from '../../shared/volume.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

function parse(text: string) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {}, files: {} });
}

const GiB = 1024 ** 3;
function host(name: string, over: Partial<HostCandidate> = {}): HostCandidate {
  return {
    name, ready: true, hostname: `${name}.lab`, labels: {}, engineLabels: {}, nanoCpus: 4e9, memoryBytes: 8 * GiB,
    reservedNanoCpus: 0, reservedMemoryBytes: 0, usedHostPorts: [], replicasByService: {}, volumes: [], ...over,
  };
}

const data: VolumeMount = { type: 'volume', source: 'data', target: '/data', readOnly: false };

test('a volume declaration keeps driver, driver_opts, labels and name on the mounts that use it', () => {
  const result = parse(
    [
      'services:',
      '  db:',
      '    image: postgres:16',
      '    volumes: [pg:/var/lib/postgresql/data, shared:/shared, old:/old]',
      'volumes:',
      '  pg:',
      '    driver_opts: {type: tmpfs, device: tmpfs, o: "size=64m"}',
      '    labels: {team: data}',
      '  shared:',
      '    driver_opts: {type: nfs, o: "addr=10.0.0.5,rw", device: ":/exports/shared"}',
      '    name: shop-shared',
      '  old:',
      '    external: true',
    ].join('\n'),
  );
  assert.deepEqual(result.problems, []);
  const [pg, shared, old] = result.stack!.services[0]!.volumes;
  assert.deepEqual(pg, { type: 'volume', source: 'pg', target: '/var/lib/postgresql/data', readOnly: false, driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=64m' }, labels: { team: 'data' } });
  assert.equal(shared!.name, 'shop-shared');
  assert.equal(old!.external, true);
  assert.equal(old!.name, 'old', 'an external volume is used by its own name, not prefixed with the stack');
  assert.equal(volumeEngineName('shop', pg!), 'shop_pg');
  assert.equal(volumeEngineName('shop', shared!), 'shop-shared');
  assert.equal(isHostLocal(pg!), true, 'tmpfs through the local driver is on one host');
  assert.equal(isHostLocal(shared!), false, 'NFS through the local driver reaches every host');
  assert.deepEqual(result.stack!.volumes['pg'], { driver: 'local', external: false, driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=64m' }, labels: { team: 'data' } });
});

test('a mount without driver options hashes as before: old stacks do not roll out on upgrade', () => {
  const result = parse(['services:', '  db:', '    image: postgres:16', '    volumes: [pg:/data]', 'volumes:', '  pg: {}'].join('\n'));
  assert.deepEqual(result.stack!.services[0]!.volumes, [{ type: 'volume', source: 'pg', target: '/data', readOnly: false }]);
});

test('bad volume declarations are refused at their line, saying what to do', () => {
  const result = parse(
    [
      'services:',
      '  db:',
      '    image: postgres:16',
      '    volumes: [a:/a, b:/b, c:/c, d:/d]',
      'volumes:',
      '  a:',
      '    external: true',
      '    driver_opts: {type: tmpfs}', // 8
      '  b:',
      '    labels: {baton.stack: other}', // 10
      '  c:',
      '    name: "bad name/with slash"', // 12
      '  d:',
      '    driver_opts: {size: [1, 2]}', // 14
    ].join('\n'),
  );
  assert.equal(result.stack, null);
  const lines = result.problems.filter((p) => p.severity === 'error').map((p) => p.line).sort((x, y) => x - y);
  assert.deepEqual(lines, [8, 10, 12, 14], JSON.stringify(result.problems, null, 2));
  for (const problem of result.problems) assert.ok(problem.message.length > 30, problem.message);
  assert.match(result.problems.find((p) => p.line === 8)!.message, /external/);
  assert.match(result.problems.find((p) => p.line === 10)!.message, /baton\./);
});

test('anonymous volumes, binds and plugin drivers pin nothing', () => {
  assert.equal(isHostLocal({ type: 'volume', source: null, target: '/tmp', readOnly: false }), false);
  assert.equal(isHostLocal({ type: 'bind', source: '/srv/x', target: '/x', readOnly: false }), false);
  assert.equal(isHostLocal({ ...data, driver: 'rexray/ebs' }), false);
  assert.equal(isHostLocal({ ...data, driverOpts: { type: 'cifs', device: '//nas/share' } }), false);
  assert.equal(isHostLocal({ ...data, driverOpts: { o: 'bind', device: '/mnt/disk', type: 'none' } }), true);
});

test('users of a host-local volume that fit on one host together: no problem', () => {
  const web = serviceSpec({ name: 'web', replicas: 2, volumes: [data] });
  const worker = serviceSpec({ name: 'worker', replicas: 1, volumes: [data] });
  assert.deepEqual(volumePlacementProblems([web, worker], [host('a'), host('b')], 'spread'), []);
});

test('two replicas at most one per host cannot share their volume: refused, naming the volume and what to do', () => {
  const web = serviceSpec({ name: 'web', replicas: 2, volumes: [data], placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 1 } });
  const problems = volumePlacementProblems([web], [host('a'), host('b')], 'spread');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /shop_data/);
  assert.match(problems[0]!, /web \(2 replicas\)/);
  assert.match(problems[0]!, /nfs/);
});

test('users constrained to different hosts cannot share one: refused', () => {
  const constraint = (value: string) => ({ field: 'node.hostname', op: '==' as const, value, text: `node.hostname == ${value}` });
  const web = serviceSpec({ name: 'web', volumes: [data], placement: { constraints: [constraint('a.lab')], spreadOver: [], maxReplicasPerHost: null } });
  const worker = serviceSpec({ name: 'worker', volumes: [data], placement: { constraints: [constraint('b.lab')], spreadOver: [], maxReplicasPerHost: null } });
  assert.equal(volumePlacementProblems([web, worker], [host('a'), host('b')], 'spread').length, 1);
});

test('a volume already on a host is judged on that host only', () => {
  const big = serviceSpec({ name: 'web', replicas: 1, volumes: [data], reservations: { nanoCpus: 3e9, memoryBytes: null } });
  const onSmall = [host('a', { nanoCpus: 2e9, volumes: ['shop_data'] }), host('b')];
  const problems = volumePlacementProblems([big], onSmall, 'spread');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /on one host, a/);
  assert.deepEqual(volumePlacementProblems([big], [host('a', { volumes: ['shop_data'] }), host('b')], 'spread'), []);
});

test('a shared-storage volume lets replicas spread', () => {
  const nfs: VolumeMount = { ...data, driverOpts: { type: 'nfs', o: 'addr=10.0.0.5' } };
  const web: ServiceSpec = serviceSpec({ name: 'web', replicas: 2, volumes: [nfs], placement: { constraints: [], spreadOver: [], maxReplicasPerHost: 1 } });
  assert.deepEqual(volumePlacementProblems([web], [host('a'), host('b')], 'spread'), []);
});
