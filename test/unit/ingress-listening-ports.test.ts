import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { holderFromSs, listeningPorts } from '../../electron/control-plane/ingress/listening-ports.ts';

test('a port this process listens on is in /proc/net/tcp as read here; one it closed is not', async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const read = () => listeningPorts(readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8'));
  assert.ok(read().has(port));
  await new Promise((r) => server.close(r));
  assert.ok(!read().has(port));
});

test('only LISTEN sockets count, in v4 and v6 lines', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
    '   1: 0100007F:0016 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
    '   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 3 1',
  ].join('\n');
  assert.deepEqual([...listeningPorts(text)].sort((a, b) => a - b), [443, 8080]);
});

test('ss output names the holder of a port', () => {
  const ss = 'LISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:(("nginx",pid=4242,fd=6))\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))';
  assert.equal(holderFromSs(ss, 8080), 'nginx (pid 4242)');
  assert.equal(holderFromSs(ss, 9090), null);
});
