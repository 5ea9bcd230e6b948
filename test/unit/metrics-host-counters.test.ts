import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { Duplex } from 'node:stream';
import { COUNTER_SCRIPT, counterRequest, counterWords, parseCounters } from '../../electron/control-plane/metrics/host-counters.ts';
import { CounterReader } from '../../electron/control-plane/metrics/counter-reader.ts';

const ID = '67729d4bd031330f4bb348de25e43d93e72cad638c38a5ded3ac8cb5475f7b95';
const OTHER = 'aaaaaaaaaaaa';
const targets = [
  { id: ID, pid: 42 },
  { id: OTHER, pid: 43 },
];

test('an answer: CPU ns, memory, limit, inactive cache and network per container; a gone one said so', () => {
  const r = parseCounters(['t 7 74971.67', 'c 1 37062699 2150400 33554432 163840 486 120', 'g 2 no-process'], targets);
  assert.equal(r.uptimeMs, 74_971_670);
  assert.deepEqual(r.containers.get(ID), { kind: 'counters', counters: { cpuNs: 37062699, memoryBytes: 2150400, inactiveFileBytes: 163840, memoryLimitBytes: 33554432, rxBytes: 486, txBytes: 120 } });
  assert.deepEqual(r.containers.get(OTHER), { kind: 'gone', why: 'no-process' });
});

test('"max" and v1\'s huge number are no limit; unreadable files and missing answers are gone', () => {
  const r = parseCounters(['t 1 1', 'c 1 1500000 4096 max 0 1 2'], targets);
  assert.equal((r.containers.get(ID) as { counters: { memoryLimitBytes: number | null } }).counters.memoryLimitBytes, null);
  assert.deepEqual(r.containers.get(OTHER), { kind: 'gone', why: 'no answer' });
  const huge = parseCounters(['c 1 1 1 9223372036854771712 0 0 0', 'c 2 - - - 0 0 0'], targets);
  assert.equal((huge.containers.get(ID) as { counters: { memoryLimitBytes: number | null } }).counters.memoryLimitBytes, null);
  assert.deepEqual(huge.containers.get(OTHER), { kind: 'gone', why: 'cgroup-files-unreadable' });
});

test('only positions that were asked for are read: a stray line names no container', () => {
  const r = parseCounters(['c 3 1 1 1 0 0 0', 'c x 1 1 1 0 0 0', 'c 0 1 1 1 0 0 0'], targets);
  assert.deepEqual([...r.containers.values()].map((c) => c.kind), ['gone', 'gone']);
});

test('the request takes only container ids and pids into the script', () => {
  assert.equal(counterRequest(5, counterWords([{ id: ID, pid: 42 }]), false), `5 ${ID}:42\n`);
  assert.equal(counterRequest(6, counterWords([{ id: ID, pid: 42 }]), true), '6 =\n');
  assert.throws(() => counterWords([{ id: 'x; rm -rf /', pid: 1 }]), /not a container/);
  assert.throws(() => counterWords([{ id: ID, pid: 0 }]), /not a container/);
});

test('the script is valid POSIX shell, and answers a pid that is gone without reading anything', () => {
  assert.equal(spawnSync('sh', ['-n', '-c', COUNTER_SCRIPT]).status, 0);
  const out = spawnSync('sh', ['-c', COUNTER_SCRIPT], { input: `3 ${ID}:999999999\n`, encoding: 'utf8' });
  const lines = out.stdout.trim().split('\n');
  assert.match(lines[0]!, /^t 3 \d+\.\d+$/);
  assert.deepEqual(lines.slice(1), ['g 1 no-process', 'e 3']);
  // "=" asks again for the containers of the line before
  const again = spawnSync('sh', ['-c', COUNTER_SCRIPT], { input: `1 ${ID}:999999999 ${ID}:999999998\n2 =\n`, encoding: 'utf8' });
  assert.deepEqual(again.stdout.split('\n').filter((l) => !l.startsWith('t ')), ['g 1 no-process', 'g 2 no-process', 'e 1', 'g 1 no-process', 'g 2 no-process', 'e 2', '']);
});

test('the script finds a pid in another cgroup and says so instead of reading it as the container', () => {
  const out = spawnSync('sh', ['-c', COUNTER_SCRIPT], { input: `1 ${ID}:${process.pid}\n`, encoding: 'utf8' });
  assert.match(out.stdout, /\ng 1 pid-now-in-cgroup:/);
});

/** A shell standing in for the host's script: whatever `body` does with each request line. */
function fakeHost(body: string): { opener: () => Promise<Duplex>; opened: () => number } {
  let opened = 0;
  return {
    opened: () => opened,
    opener: async () => {
      opened++;
      const child = spawn('sh', ['-c', body], { stdio: ['pipe', 'pipe', 'ignore'] });
      const d = new Duplex({
        read() {},
        write(c: Buffer, _e, cb) {
          child.stdin.write(c, cb);
        },
        destroy(err, cb) {
          child.kill('SIGKILL');
          cb(err);
        },
      });
      child.stdin.on('error', () => {});
      child.stdout.on('data', (c: Buffer) => d.push(c));
      child.stdout.on('end', () => d.push(null));
      return d;
    },
  };
}

test('the reader keeps one script for many reads', async () => {
  const host = fakeHost('while read -r seq w; do echo "t $seq 1.5"; echo "c 1 10 20 max 0 3 4"; echo "e $seq"; done');
  const reader = new CounterReader(host.opener);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await reader.read([{ id: ID, pid: 1 }], 2000);
      assert.equal(r.uptimeMs, 1500);
      assert.equal(r.containers.get(ID)?.kind, 'counters');
    }
    assert.equal(host.opened(), 1);
  } finally {
    reader.close();
  }
});

test('a script that does not answer in time is ended, and the next read starts a new one', async () => {
  let n = 0;
  const silent = fakeHost('cat > /dev/null');
  const answers = fakeHost('while read -r seq w; do echo "t $seq 1"; echo "e $seq"; done');
  const reader = new CounterReader(() => (n++ === 0 ? silent.opener() : answers.opener()));
  try {
    await assert.rejects(reader.read([{ id: ID, pid: 1 }], 200), /did not answer within 200 ms/);
    const r = await reader.read([{ id: ID, pid: 1 }], 2000);
    assert.deepEqual(r.containers.get(ID), { kind: 'gone', why: 'no answer' });
    assert.equal(n, 2);
  } finally {
    reader.close();
  }
});

test('a script that exits fails the read that is out, not the next one', async () => {
  let n = 0;
  const dies = fakeHost('read -r line; exit 0');
  const answers = fakeHost('while read -r seq w; do echo "t $seq 1"; echo "e $seq"; done');
  const reader = new CounterReader(() => (n++ === 0 ? dies.opener() : answers.opener()));
  try {
    await assert.rejects(reader.read([{ id: ID, pid: 1 }], 2000), /ended/);
    await reader.read([{ id: ID, pid: 1 }], 2000);
  } finally {
    reader.close();
  }
});
