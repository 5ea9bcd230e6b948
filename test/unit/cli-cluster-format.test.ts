import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clustersTable, swarmPlanText } from '../../electron/server/cli/cluster-format.ts';
import type { Cluster } from '../../shared/cluster.ts';

const swarm: Cluster = {
  name: 'prod',
  kind: 'swarm',
  target: 'root@10.0.0.1:22',
  knownManagers: [{ target: 'root@10.0.0.1:22', learned: false }, { target: 'root@10.0.0.2:22', learned: true }],
  managers: [
    { hostname: 'm1', address: '10.0.0.1', reachability: 'reachable', leader: true },
    { hostname: 'm2', address: '10.0.0.2', reachability: 'unreachable', leader: false },
  ],
  quorum: { reachable: 1, total: 2, ok: false },
  problem: null,
  swarmId: 's',
  addedAt: '2026-01-01T00:00:00.000Z',
  current: false,
};

test('cluster ls marks the leader and a lost quorum, and says why a cluster could not be read', () => {
  const text = clustersTable([{ ...swarm }, { ...swarm, name: 'gone', managers: [], quorum: { reachable: 0, total: 0, ok: false }, problem: 'its manager did not answer' }]);
  assert.match(text, /^\s+prod\s+swarm\s+m1\*,m2\s+1\/2 \(no quorum\)\s+root@10\.0\.0\.1:22 \(1 more known\)$/m);
  assert.match(text, /^gone: its manager did not answer$/m);
});

test("a Swarm plan says what would change on a dry run, and each note's line", () => {
  const text = swarmPlanText({
    cluster: 'prod',
    stack: 'shop',
    dryRun: true,
    services: [{ service: 'web', swarmService: 'shop_web', action: 'update', changes: ['TaskTemplate'], replicas: 3 }],
    notes: [{ service: 'web', path: 'services.web.ports.0', line: 6, severity: 'warning', message: 'host mode' }],
  });
  assert.match(text, /dry run: nothing changed/);
  assert.match(text, /shop_web: would be updated \(TaskTemplate\), 3 replicas/);
  assert.match(text, /^line 6: warning: services\.web\.ports\.0: host mode$/m);
});

test('cluster ls marks the current cluster', () => {
  const text = clustersTable([{ ...swarm, name: 'local', kind: 'baton', target: null, managers: [], current: false }, { ...swarm, current: true }]);
  assert.match(text, /^\*\s+prod\s+swarm/m);
  assert.match(text, /^\s+local\s+baton/m);
});
