// The load generator (test/lab/load.ts) against a local server that keeps its own count of what it
// did: answers 500 to every 10th request, drops the connection of others (FIN or RST), and leaves
// one request unanswered for good. wrk's counts must be the server's, exactly. Needs Debian's wrk
// (apt-get install wrk), no lab and no root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad, startLoad } from '../../test/lab/load.ts';

function requireWrk(): void {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) assert.fail(`wrk is not installed (${probe.error.message}): apt-get install wrk — the load generator runs Debian's wrk`);
}

interface Counted {
  received: number;
  ok: number;
  status500: number;
  finDropped: number;
  rstDropped: number;
  hung: number;
}

async function countingServer(): Promise<{ url: string; counted: Counted; close: () => Promise<void> }> {
  const counted: Counted = { received: 0, ok: 0, status500: 0, finDropped: 0, rstDropped: 0, hung: 0 };
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const n = ++counted.received;
    if (n === 500) {
      counted.hung++; // never answered: the connection waits until wrk stops
      held.push(res);
    } else if (n % 10 === 0) {
      counted.status500++;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('no');
    } else if (n % 37 === 0) {
      if (n % 2 === 0) {
        counted.rstDropped++;
        req.socket.resetAndDestroy();
      } else {
        counted.finDropped++;
        req.socket.destroy();
      }
    } else {
      counted.ok++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
  });
  server.keepAliveTimeout = 60_000; // idle connections stay open through the drain
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    counted,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('load: every failure counted, as the server counted it (500s, dropped connections, an unanswered request)', async () => {
  requireWrk();
  const srv = await countingServer();
  try {
    const r = await runLoad({ url: srv.url, connections: 8, threads: 2, durationS: 2, timeoutS: 1 });
    const c = srv.counted;
    assert.ok(c.received > 1000, `the server saw ${c.received} requests: too few to mean anything`);
    assert.ok(c.status500 > 0 && c.finDropped > 0 && c.rstDropped > 0 && c.hung === 1, JSON.stringify(c));
    assert.equal(r.sent, c.received, 'requests sent = requests the server received');
    assert.equal(r.requests, c.ok + c.status500, 'answers = 200s + 500s');
    assert.equal(r.non2xx, c.status500);
    assert.equal(r.errors.status, c.status500, "wrk's own count of statuses above 399");
    assert.equal(r.errors.read, c.finDropped + c.rstDropped, 'a dropped connection is a read error');
    assert.equal(r.errors.unanswered, c.hung);
    assert.equal(r.errors.connect, 0);
    assert.equal(r.errors.write, 0);
    assert.equal(r.errors.timeout, 0);
    assert.equal(r.failed, c.status500 + c.finDropped + c.rstDropped + c.hung);
    assert.ok(r.requestsPerS > 0 && r.latencyUs.p50 > 0 && r.latencyUs.p99 >= r.latencyUs.p50, JSON.stringify(r.latencyUs));
    assert.ok(r.durationS >= 2 + 1 + 1 - 0.2, `the run lasts the load plus the drain: ${r.durationS} s`);
  } finally {
    await srv.close();
  }
});

test('load: in the background while the caller acts, and at a given rate', async () => {
  requireWrk();
  const srv = await countingServer();
  try {
    const running = startLoad({ url: srv.url, connections: 4, threads: 1, durationS: 2, timeoutS: 1, rate: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(running.elapsedS() >= 0.9);
    const midway = srv.counted.received;
    const r = await running.result;
    assert.ok(midway > 100 && midway < r.sent, `about half the requests by the middle of the run: ${midway} of ${r.sent}`);
    // a request whose connection the server dropped is sent again at once, outside the schedule
    const scheduled = r.sent - r.errors.read;
    assert.ok(scheduled >= 380 && scheduled <= 410, `200 req/s for 2 s: ${scheduled} sent on schedule`);
    assert.equal(r.sent, srv.counted.received);
  } finally {
    await srv.close();
  }
});

test('load: nothing listening is an error that says so, not a run with zero failures', async () => {
  requireWrk();
  const srv = await countingServer();
  const url = srv.url;
  await srv.close();
  await assert.rejects(runLoad({ url, connections: 1, threads: 1, durationS: 1, timeoutS: 1 }), /nothing answers at http:\/\/127\.0\.0\.1:\d+\//);
});

test('load: options wrk cannot take are refused before it runs', () => {
  assert.throws(() => startLoad({ url: 'http://127.0.0.1:1/', connections: 1, threads: 2, durationS: 1, timeoutS: 1 }), /one connection per thread/);
  assert.throws(() => startLoad({ url: 'http://127.0.0.1:1/', connections: 1, threads: 1, durationS: 1.5, timeoutS: 1 }), /whole number/);
  assert.throws(() => startLoad({ url: '127.0.0.1:1', connections: 1, threads: 1, durationS: 1, timeoutS: 1 }), /http:\/\//);
});
