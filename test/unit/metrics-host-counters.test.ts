import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterCommand, parseCounters } from '../../electron/control-plane/metrics/host-counters.ts';

const ID = '67729d4bd031330f4bb348de25e43d93e72cad638c38a5ded3ac8cb5475f7b95';

// What the command printed on a lab host (cgroup v1, cgroupfs driver, parent /baton-lab4-1).
const V1 = `t 74971.67
@ ${ID}
path /baton-lab4-1/${ID}
cpu_ns 37062699
mem 2150400
max 33554432
inactive 163840
net Inter-|   Receive                                                |  Transmit
net face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
net lo:       50       1    0    0    0     0          0         0        50       1    0    0    0     0       0          0
net eth0:     486       5    0    0    0     0          0         0        120       2    0    0    0     0       0          0
@ aaaaaaaaaaaa
gone no-process
`;

test('a cgroup v1 reading: CPU ns, memory, limit, network without lo; a gone pid said so', () => {
  const r = parseCounters(V1);
  assert.equal(r.uptimeMs, 74_971_670);
  assert.deepEqual(r.containers.get(ID), { kind: 'counters', counters: { cpuNs: 37062699, memoryBytes: 2150400, inactiveFileBytes: 163840, memoryLimitBytes: 33554432, rxBytes: 486, txBytes: 120 } });
  assert.deepEqual(r.containers.get('aaaaaaaaaaaa'), { kind: 'gone', why: 'no-process' });
});

test('cgroup v2: usage in µs, "max" is no limit; v1\'s huge number is no limit too', () => {
  const v2 = parseCounters(`@ ${ID}\npath /system.slice/docker-${ID}.scope\ncpu_us 1500\nmem 4096\nmax max\ninactive 0\nnet eth0: 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n`);
  const c = v2.containers.get(ID);
  assert.ok(c?.kind === 'counters');
  assert.equal(c.counters.cpuNs, 1_500_000);
  assert.equal(c.counters.memoryLimitBytes, null);
  const huge = parseCounters(`@ ${ID}\npath /docker/${ID}\ncpu_ns 1\nmem 1\nmax 9223372036854771712\n`);
  assert.equal((huge.containers.get(ID) as { counters: { memoryLimitBytes: number | null } }).counters.memoryLimitBytes, null);
});

test('a pid now in another cgroup (reused after the container stopped) is not read as the container', () => {
  const r = parseCounters(`@ ${ID}\npath /user.slice/session-3.scope\ncpu_ns 1\nmem 1\nmax 1\n`);
  assert.equal(r.containers.get(ID)?.kind, 'gone');
});

test('the command takes only container ids and pids into its shell line', () => {
  const cmd = counterCommand([{ id: ID, pid: 42 }]);
  assert.match(cmd, new RegExp(`for x in ${ID}:42; do`));
  assert.throws(() => counterCommand([{ id: 'x; rm -rf /', pid: 1 }]), /not a container/);
  assert.throws(() => counterCommand([{ id: ID, pid: 0 }]), /not a container/);
});
