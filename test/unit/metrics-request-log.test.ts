import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyWindow, newLines, parseRequestLine } from '../../electron/control-plane/metrics/request-log.ts';

test('request log lines: a replica server and its response time; failed requests, <NOSRV> and mesh servers are no sample', () => {
  assert.deepEqual(parseRequestLine('r_0123456789ab 12'), { server: 'r_0123456789ab', ms: 12 });
  assert.deepEqual(parseRequestLine('r_0123456789ab 12 4711'), { server: 'r_0123456789ab', ms: 12 }, 'with the request counter after it');
  assert.deepEqual(parseRequestLine('r_0123456789ab 0'), { server: 'r_0123456789ab', ms: 0 });
  assert.equal(parseRequestLine('r_0123456789ab -1'), null, 'no response came');
  assert.equal(parseRequestLine('<NOSRV> -1'), null);
  assert.equal(parseRequestLine('m_h2 3'), null);
  assert.equal(parseRequestLine('r_0123456789ab x'), null);
  assert.equal(parseRequestLine(''), null);
  assert.deepEqual(parseRequestLine('r_0123456789ab 999999999'), { server: 'r_0123456789ab', ms: 60_000 }, 'bounded');
});

test('percentiles per server over every line of the interval, nearest rank; take() starts a new interval', () => {
  const w = new LatencyWindow();
  // 100 requests: 1..100 ms, in a shuffled order, split between two hosts' streams
  const values = Array.from({ length: 100 }, (_, i) => i + 1).sort((a, b) => ((a * 37) % 101) - ((b * 37) % 101));
  for (const v of values) w.add('r_a', v);
  for (let i = 0; i < 10; i++) w.add('r_b', 5);
  w.add('r_b', 900);
  const first = w.take();
  assert.deepEqual(first.get('r_a'), { count: 100, p50: 50, p95: 95, p99: 99 });
  // one slow request in 11: p95 and p99 see it, the median doesn't
  assert.deepEqual(first.get('r_b'), { count: 11, p50: 5, p95: 900, p99: 900 });
  assert.equal(w.take().size, 0, 'a new interval is empty');
  w.add('r_a', 7);
  assert.deepEqual(w.take().get('r_a'), { count: 1, p50: 7, p95: 7, p99: 7 });
});

test('the ring read again: only lines after the last counter taken; a first read only marks where it is', () => {
  const ring = 'r_a 5 10\nr_b 7 11\n<NOSRV> -1 12\n';
  assert.deepEqual(newLines(ring, null), { lines: [], last: 12 });
  assert.deepEqual(newLines(ring, 10), { lines: ['r_b 7 11', '<NOSRV> -1 12'], last: 12 });
  assert.deepEqual(newLines(ring, 12), { lines: [], last: 12 });
  // a worker read before with an empty ring: everything that came since is new
  assert.deepEqual(newLines(ring, -1).lines.length, 3);
  assert.deepEqual(newLines('', null), { lines: [], last: -1 });
  // a ring whose newest counter is below the last taken is a new worker's: all of it is new
  assert.deepEqual(newLines('r_a 1 1\nr_a 2 2\n', 500), { lines: ['r_a 1 1', 'r_a 2 2'], last: 2 });
  // lines without a counter (an older format) are skipped
  assert.deepEqual(newLines('r_a 5\n', 3).lines, []);
});
