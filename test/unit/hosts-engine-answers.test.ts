// Whatever answers where an engine was expected, its bytes never come back in an error: a socket
// that is not Docker's (an HTTP service, a daemon speaking its own protocol) is said to be so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { connectHost } from '../../electron/control-plane/hosts/connect-host.ts';

const SECRET = 'root:$6$s3cr3tHash$abcdef:19000:0:99999:7:::';

async function socketAnswering(reply: string): Promise<{ path: string; close: () => Promise<void> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'baton-sock-')), 'not-docker.sock');
  const server = net.createServer((s) => {
    s.once('data', () => s.end(reply));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(path, r));
  return { path, close: () => new Promise((r) => server.close(() => r())) };
}

async function addLocal(path: string): Promise<BatonError> {
  try {
    const connected = await connectHost({ kind: 'local', ssh: null, socketPath: path, auth: {}, authSummary: 'nothing' }, () => ({ accept: true, remember: false, how: 'known' }));
    connected.session.close();
  } catch (err) {
    assert.ok(err instanceof BatonError, String(err));
    return err;
  }
  assert.fail('a socket that is not an engine was accepted');
}

const replies: [string, string][] = [
  ['an HTTP error with a body', `HTTP/1.1 500 Internal Server Error\r\nContent-Length: ${SECRET.length}\r\nConnection: close\r\n\r\n${SECRET}`],
  ['an HTTP answer that is not JSON', `HTTP/1.1 200 OK\r\nContent-Length: ${SECRET.length}\r\nConnection: close\r\n\r\n${SECRET}`],
  ['JSON that is not an engine', `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"Name": "${SECRET}"}`],
  ['a protocol of its own', `${SECRET}\n-----BEGIN OPENSSH PRIVATE KEY-----\n`],
];

for (const [what, reply] of replies) {
  test(`a socket answering ${what} is refused without its bytes`, async () => {
    const socket = await socketAnswering(reply);
    try {
      const err = await addLocal(socket.path);
      assert.equal(err.code, 'DOCKER_ERROR');
      const said = JSON.stringify(err.toBody());
      for (const piece of ['s3cr3t', 'root:', 'OPENSSH', 'PRIVATE']) assert.ok(!said.includes(piece), `the error quotes "${piece}": ${said}`);
      assert.match(err.message, /not a Docker engine|did not answer as a Docker engine does/);
    } finally {
      await socket.close();
    }
  });
}
