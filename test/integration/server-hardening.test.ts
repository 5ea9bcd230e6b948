// `baton serve` against what any web page, any program on the network or any local user can send
// it: malformed and hostile HTTP over raw TCP, other Hosts (DNS rebinding) and Origins, strangers
// who don't sign in or send megabytes first, token guessing, TLS and the flags that guard the
// token, and the Unix socket's path and line limit. Each runs against a real `baton serve` process
// on loopback; no lab hosts are needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ensureBuilt, ROOT } from '../e2e/harness.ts';

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  home: string;
  port: number;
  url: string;
  token: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `baton serve ARGS` and waits until it listens, or until it exits (then `exited` has its code). */
async function startServe(args: string[], home = tempDir('baton-harden-')): Promise<Served | { exited: number; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'baton.mjs'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, BATON_HOME: home, HOME: tempDir('baton-harden-user-'), BATON_LOG_LEVEL: 'warn', SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baton serve did not start in 30 s:\n${output}`)), 30_000);
    const check = (): void => {
      const m = /WebSocket API on (wss?:\/\/\S+) \(token in (\S+)\)/.exec(output);
      if (!m || (args.includes('--ui') && !/UI on /.test(output))) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        home,
        port: Number(new URL(m[1]!).port),
        url: m[1]!,
        token: readFileSync(m[2]!, 'utf8').trim(),
        output: () => output,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      resolve({ exited: code ?? -1, output });
    };
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });
}

function running(s: Served | { exited: number; output: string }): Served {
  if ('exited' in s) throw new Error(`baton serve exited (${s.exited}):\n${s.output}`);
  return s;
}

/** Sends raw bytes on a fresh TCP connection; the answer's status (0 for none) and text. */
function raw(port: number, request: string | Buffer, timeoutMs = 3000): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      // one answer is enough: stop when its body is complete
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(request);
  });
}

/** A request a person's browser would make, with this server's Host. */
function get(port: number, path = '/', host = `127.0.0.1:${port}`): Promise<{ status: number; text: string }> {
  return raw(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

interface Session {
  ws: WebSocket;
  first: Record<string, unknown>;
  call(method: string, params?: unknown): Promise<Record<string, unknown>>;
}

/** Opens /api, sends the token, and resolves with the first answer (or rejects with the refusal's status). */
function signIn(url: string, token: string, options: WebSocket.ClientOptions = {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    let nextId = 1;
    const call = (method: string, params: unknown = {}): Promise<Record<string, unknown>> =>
      new Promise((res) => {
        const id = nextId++;
        const onMessage = (d: WebSocket.RawData): void => {
          const m = JSON.parse(d.toString()) as Record<string, unknown>;
          if (m['id'] === id) {
            ws.off('message', onMessage);
            res(m);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
    ws.once('open', () => ws.send(JSON.stringify({ auth: token })));
    ws.once('message', (d) => resolve({ ws, first: JSON.parse(d.toString()) as Record<string, unknown>, call }));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function refusedStatus(promise: Promise<unknown>): Promise<number | 'accepted'> {
  return promise.then(
    (s) => {
      (s as Session).ws.close();
      return 'accepted' as const;
    },
    (err: { status?: number }) => err.status ?? 0,
  );
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve(-1);
    ws.once('close', (code) => resolve(code));
  });
}

/** A raw WebSocket handshake on a TCP socket, for sending frames the `ws` client would not. */
function rawHandshake(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('error', reject);
    socket.on('data', function onData(d) {
      answer += d.toString('latin1');
      if (!answer.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (answer.startsWith('HTTP/1.1 101')) resolve(socket);
      else {
        socket.destroy();
        reject(Object.assign(new Error(answer.split('\r\n')[0]), { status: Number(answer.slice(9, 12)) }));
      }
    });
    socket.write(
      `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** The header of one masked text frame of `length` bytes (mask 0: the payload goes as it is). */
function frameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header; // the last 4 bytes are the zero mask
}

/** Writes `total` bytes of one frame's payload in 64 KiB pieces; how many went out before the server cut it off. */
async function pour(socket: net.Socket, total: number): Promise<{ sent: number; cutOff: boolean }> {
  const piece = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let cutOff = false;
  const gone = new Promise<void>((r) => {
    socket.once('close', () => {
      cutOff = true;
      r();
    });
    socket.on('error', () => {});
  });
  socket.write(frameHeader(total));
  while (sent < total && !cutOff) {
    const ok = socket.write(piece.subarray(0, Math.min(piece.length, total - sent)));
    sent += Math.min(piece.length, total - sent);
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), gone]);
  }
  await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
  return { sent, cutOff };
}

function peakRssKiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]);
}

// ---------------------------------------------------------------- the served UI and its API

describe('baton serve --ws --ui on 127.0.0.1', () => {
  let served: Served;
  before(async () => {
    ensureBuilt();
    served = running(await startServe(['--ws', '127.0.0.1:0', '--ui']));
  });
  after(() => served.stop());

  test('malformed and hostile requests get a 4xx, never an exception, and the server keeps serving', async () => {
    const p = served.port;
    const h = `Host: 127.0.0.1:${p}\r\n`;
    const cases: Array<[string, string | Buffer, number | 'any4xx']> = [
      ['malformed percent-encoding', `GET /% HTTP/1.1\r\n${h}\r\n`, 400],
      ['truncated UTF-8 escape', `GET /%E0%A4%A HTTP/1.1\r\n${h}\r\n`, 400],
      ['overlong UTF-8', `GET /%C0%AF HTTP/1.1\r\n${h}\r\n`, 400],
      ['query with a bad escape is ignored, path fine', `GET /index.html?x=% HTTP/1.1\r\n${h}\r\n`, 200],
      ['.. segments', `GET /../../../../etc/passwd HTTP/1.1\r\n${h}\r\n`, 400],
      ['encoded %2e%2e', `GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n${h}\r\n`, 400],
      ['encoded slashes', `GET /assets/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\n${h}\r\n`, 400],
      ['encoded backslashes', `GET /..%5c..%5cetc%5cpasswd HTTP/1.1\r\n${h}\r\n`, 400],
      ['double-encoded dots stay literal', `GET /%252e%252e/etc/passwd HTTP/1.1\r\n${h}\r\n`, 404],
      ['encoded NUL', `GET /index.html%00.png HTTP/1.1\r\n${h}\r\n`, 400],
      ['raw NUL in the path', Buffer.from(`GET /index\0.html HTTP/1.1\r\n${h}\r\n`, 'latin1'), 'any4xx'],
      ['NUL in a header', Buffer.from(`GET / HTTP/1.1\r\n${h}X-A: b\0c\r\n\r\n`, 'latin1'), 'any4xx'],
      ['absolute-form URL', `GET http://127.0.0.1:${p}/index.html HTTP/1.1\r\n${h}\r\n`, 400],
      ['absolute-form URL of another site', `GET http://evil.example/ HTTP/1.1\r\n${h}\r\n`, 400],
      ['scheme-relative path', `GET //evil.example/index.html HTTP/1.1\r\n${h}\r\n`, 400],
      ['asterisk-form', `GET * HTTP/1.1\r\n${h}\r\n`, 400],
      ['OPTIONS *', `OPTIONS * HTTP/1.1\r\n${h}\r\n`, 405],
      ['POST with a body', `POST / HTTP/1.1\r\n${h}Content-Length: 5\r\n\r\nhello`, 405],
      ['DELETE', `DELETE /index.html HTTP/1.1\r\n${h}\r\n`, 405],
      ['PUT', `PUT /index.html HTTP/1.1\r\n${h}Content-Length: 0\r\n\r\n`, 405],
      ['unknown method', `BREW / HTTP/1.1\r\n${h}\r\n`, 'any4xx'],
      ['CONNECT', `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, 'any4xx'],
      ['huge header', `GET / HTTP/1.1\r\n${h}X-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, 431],
      ['very many headers', `GET / HTTP/1.1\r\n${h}${'X-A: b\r\n'.repeat(5000)}\r\n`, 'any4xx'],
      ['very long path', `GET /${'a'.repeat(100 * 1024)} HTTP/1.1\r\n${h}\r\n`, 431],
      ['long path under the header limit', `GET /${'%61'.repeat(2500)} HTTP/1.1\r\n${h}\r\n`, 404],
      ['no Host', `GET / HTTP/1.1\r\n\r\n`, 'any4xx'],
      ['two Hosts, the first another site', `GET / HTTP/1.1\r\nHost: evil.example\r\n${h}\r\n`, 'any4xx'],
      ['not HTTP at all', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]), 'any4xx'],
      ['bad chunked body', `POST / HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`, 'any4xx'],
      ['request smuggling headers', `GET / HTTP/1.1\r\n${h}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'any4xx'],
      ['upgrade to another path', `GET /% HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n`, 404],
      ['upgrade without a key', `GET /api HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`, 400],
      ['upgrade to h2c', `GET /api HTTP/1.1\r\n${h}Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n`, 400],
      ['half a request, then close', `GET /index.html HTTP/1.1\r\n${h}`, 'any4xx'],
    ];
    for (const [name, request, expected] of cases) {
      const answer = await raw(p, request, name === 'half a request, then close' ? 300 : 3000);
      assert.doesNotMatch(answer.text, /root:x:0:0/, `${name}: a file outside the UI was served`);
      if (expected === 'any4xx') {
        assert.ok(answer.status === 0 || (answer.status >= 400 && answer.status < 500), `${name}: got ${answer.status}`);
      } else {
        assert.equal(answer.status, expected, `${name}: ${answer.text.slice(0, 300)}`);
      }
      const normal = await get(p);
      assert.equal(normal.status, 200, `after "${name}" the server no longer serves: ${normal.text.slice(0, 200)}\n${served.output()}`);
      assert.match(normal.text, /<div id="root"/i);
    }
    assert.equal(served.child.exitCode, null, 'baton serve is still running');
    const s = await signIn(served.url, served.token);
    assert.deepEqual(s.first, { authed: true });
    assert.equal(((await s.call('system.info')) as { result: { version: string } }).result.version.length > 0, true);
    s.ws.close();
  });

  test('a Host that is not the served address is refused (DNS rebinding): pages and WebSocket handshakes', async () => {
    const p = served.port;
    assert.equal((await get(p, '/', `rebind.evil.example:${p}`)).status, 421);
    assert.match((await get(p, '/', `rebind.evil.example:${p}`)).text, /--allow-host/);
    assert.equal((await get(p, '/', `127.0.0.1:${p + 1}`)).status, 421);
    assert.equal((await get(p, '/', `10.0.0.1:${p}`)).status, 421);
    assert.equal((await get(p, '/', `localhost:${p}`)).status, 200);
    assert.equal(await refusedStatus(signIn(served.url, served.token, { headers: { host: `rebind.evil.example:${p}` } })), 421);
    assert.equal(await refusedStatus(signIn(`ws://localhost:${p}/api`, served.token)), 'accepted');
  });

  test('a WebSocket handshake from another site\'s page is refused; the UI itself, no Origin and file:// are not', async () => {
    const p = served.port;
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${p + 1}`, `https://127.0.0.1:${p}`, `http://rebind.evil.example:${p}`]) {
      assert.equal(await refusedStatus(signIn(served.url, served.token, { origin })), 403, origin);
    }
    for (const origin of [`http://127.0.0.1:${p}`, `http://localhost:${p}`, 'file://']) {
      assert.equal(await refusedStatus(signIn(served.url, served.token, { origin })), 'accepted', origin);
    }
    assert.equal(await refusedStatus(signIn(served.url, served.token)), 'accepted', 'no Origin (the CLI, programs)');
  });

  test('the first message must be the sign-in: anything else closes the socket', async () => {
    const ws = new WebSocket(served.url);
    await new Promise((r) => ws.once('open', r));
    const answer = new Promise<Record<string, unknown>>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()) as Record<string, unknown>)));
    ws.send(JSON.stringify({ id: 1, method: 'host.list', params: {} }));
    assert.equal(((await answer)['error'] as { code: string }).code, 'UNAUTHORIZED');
    const code = await Promise.race([closed(ws), new Promise<string>((r) => setTimeout(() => r('still open'), 2000))]);
    assert.equal(code, 4401);

    const junk = new WebSocket(served.url);
    await new Promise((r) => junk.once('open', r));
    junk.send('not json at all');
    assert.equal(await Promise.race([closed(junk), new Promise<string>((r) => setTimeout(() => r('still open'), 2000))]), 4401);
  });

  test('a request sent right after the sign-in, before its answer, is answered once signed in', async () => {
    const ws = new WebSocket(served.url);
    const messages: Record<string, unknown>[] = [];
    const got = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        messages.push(JSON.parse(d.toString()) as Record<string, unknown>);
        if (messages.length === 2) resolve();
      }),
    );
    ws.once('open', () => {
      ws.send(JSON.stringify({ auth: served.token }));
      ws.send(JSON.stringify({ id: 9, method: 'host.list', params: {} }));
    });
    await got;
    assert.deepEqual(messages, [{ authed: true }, { id: 9, result: [] }]);
    ws.close();
  });

  test('before signing in a client may send a few KiB only: a 15 MiB message is cut off long before its end', async () => {
    const socket = await rawHandshake(served.port);
    const { sent, cutOff } = await pour(socket, 15 * 1024 * 1024);
    assert.ok(cutOff, 'the server closed the connection');
    assert.ok(sent < 15 * 1024 * 1024, `all ${sent} bytes were taken in before the sign-in`);
  });

  test('20 strangers pouring 15 MiB each: the server stays small and a signed-in request stays quick', async () => {
    const pid = served.child.pid!;
    const before = peakRssKiB(pid);
    const s = await signIn(served.url, served.token);
    const pours = Array.from({ length: 20 }, () =>
      rawHandshake(served.port).then(
        (socket) => pour(socket, 15 * 1024 * 1024),
        (err: { status?: number }) => ({ sent: 0, cutOff: true, status: err.status }),
      ),
    );
    const started = performance.now();
    const answer = await s.call('system.info');
    const ms = performance.now() - started;
    const results = await Promise.all(pours);
    assert.ok('result' in answer);
    assert.ok(results.every((r) => r.cutOff), 'every stranger was cut off or refused');
    const grown = peakRssKiB(pid) - before;
    assert.ok(grown < 64 * 1024, `the server grew by ${Math.round(grown / 1024)} MiB`);
    assert.ok(ms < 500, `a signed-in request took ${ms.toFixed(0)} ms`);
    s.ws.close();
  });

  test('at most 16 sockets may wait to sign in at once; more are refused with 503 until they go', async () => {
    const waiting = await Promise.all(Array.from({ length: 16 }, () => rawHandshake(served.port)));
    const extra = await rawHandshake(served.port).then(
      (socket) => {
        socket.destroy();
        return 'accepted';
      },
      (err: { status?: number }) => err.status,
    );
    assert.equal(extra, 503);
    const gone = waiting.map((socket) => new Promise((r) => socket.once('close', r)));
    for (const socket of waiting) socket.destroy();
    await Promise.all(gone);
    await new Promise((r) => setTimeout(r, 50));
    const s = await signIn(served.url, served.token);
    assert.deepEqual(s.first, { authed: true });
    s.ws.close();
  });
});

// ---------------------------------------------------------------- guessing tokens

test('wrong tokens are answered ever more slowly, and a right one after them still signs in', async () => {
  const served = running(await startServe(['--ws', '127.0.0.1:0']));
  try {
    const wrong = 'x'.repeat(43);
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const s = await signIn(served.url, wrong);
      assert.equal((s.first['error'] as { code: string }).code, 'UNAUTHORIZED');
      assert.equal(await closed(s.ws), 4401);
    }
    const guessing = performance.now() - started;
    // waits of 0, 100, 200, 400 and 800 ms: five guesses in 1.5 s, where 670 a second were possible
    assert.ok(guessing > 1400, `5 wrong tokens took only ${guessing.toFixed(0)} ms`);
    const rightAt = performance.now();
    const s = await signIn(served.url, served.token);
    assert.deepEqual(s.first, { authed: true });
    assert.ok(performance.now() - rightAt > 1500, 'the right token waited its turn (1.6 s after five failures)');
    assert.ok('result' in (await s.call('host.list')));
    s.ws.close();

    // guessing from many connections at once is no faster: the turns of one address follow each other
    const parallelAt = performance.now();
    const many = await Promise.all(Array.from({ length: 6 }, () => signIn(served.url, wrong).then((x) => x.first)));
    assert.ok(many.every((m) => (m['error'] as { code: string } | undefined)?.code === 'UNAUTHORIZED'));
    assert.ok(performance.now() - parallelAt < 1000, 'six at once after a success start without waiting');
    const nextAt = performance.now();
    await signIn(served.url, wrong);
    assert.ok(performance.now() - nextAt > 3000, 'after six more failures the next turn is seconds away');
  } finally {
    await served.stop();
  }
});

// ---------------------------------------------------------------- beyond loopback: TLS or an explicit flag

describe('--ws beyond loopback', () => {
  test('is refused without TLS, saying what to do', async () => {
    const r = await startServe(['--ws', '0.0.0.0:0']);
    assert.ok('exited' in r, 'baton serve started listening on every address in clear text');
    assert.equal(r.exited, 1);
    assert.match(r.output, /--ws 0\.0\.0\.0:0 listens beyond this machine.*clear text.*--tls-cert FILE --tls-key FILE.*ssh -L.*--insecure-cleartext-token/s);
  });

  test('--insecure-cleartext-token starts it, with a warning', async () => {
    const served = running(await startServe(['--ws', '0.0.0.0:0', '--insecure-cleartext-token']));
    try {
      assert.match(served.output(), /WARNING: --insecure-cleartext-token: .*clear text/);
      const s = await signIn(`ws://127.0.0.1:${served.port}/api`, served.token);
      assert.deepEqual(s.first, { authed: true });
      s.ws.close();
      assert.equal((await get(served.port, '/', `rebind.evil.example:${served.port}`)).status, 421, 'names are still checked');
    } finally {
      await served.stop();
    }
  });

  test('with --tls-cert and --tls-key: wss:// and https://, and plain ws:// gets nowhere', async () => {
    ensureBuilt();
    const dir = tempDir('baton-tls-');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const served = running(await startServe(['--ws', '0.0.0.0:0', '--ui', '--tls-cert', cert, '--tls-key', key]));
    try {
      assert.match(served.url, /^wss:\/\//);
      assert.match(served.output(), /UI on https:\/\//);
      assert.doesNotMatch(served.output(), /WARNING/);
      const ca = readFileSync(cert);
      const s = await signIn(`wss://127.0.0.1:${served.port}/api`, served.token, { ca, origin: `https://127.0.0.1:${served.port}` });
      assert.deepEqual(s.first, { authed: true });
      assert.ok('result' in (await s.call('system.info')));
      s.ws.close();
      const page = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: served.port, path: '/', ca }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
      assert.equal(page.status, 200);
      assert.match(page.body, /<div id="root"/);
      assert.notEqual(await refusedStatus(signIn(`ws://127.0.0.1:${served.port}/api`, served.token)), 'accepted');
      assert.equal(served.child.exitCode, null);
    } finally {
      await served.stop();
    }
  });
});

// ---------------------------------------------------------------- the token file

test('a --token-file others may read, or a short token, is refused with what to do', async () => {
  const dir = tempDir('baton-token-');
  const open = join(dir, 'open-token');
  writeFileSync(open, 'a'.repeat(43) + '\n');
  chmodSync(open, 0o644);
  const r1 = await startServe(['--ws', '127.0.0.1:0', '--token-file', open]);
  assert.ok('exited' in r1 && r1.exited === 1, 'served with a token file anyone may read');
  assert.match(r1.output, /may be read or changed by other users \(mode 0644\): run chmod 600 /);

  const short = join(dir, 'short-token');
  writeFileSync(short, 'twenty-characters-xx\n', { mode: 0o600 });
  const r2 = await startServe(['--ws', '127.0.0.1:0', '--token-file', short]);
  assert.ok('exited' in r2 && r2.exited === 1, 'served with a 20-character token');
  assert.match(r2.output, /20 characters, too few to be secret \(at least 32\): regenerate it/);

  const made = running(await startServe(['--ws', '127.0.0.1:0']));
  try {
    assert.ok(made.token.length >= 32);
  } finally {
    await made.stop();
  }
});

// ---------------------------------------------------------------- the Unix socket

test('a regular file where the socket goes is left untouched, and serve says why it stops', async () => {
  const home = tempDir('baton-sockfile-');
  chmodSync(home, 0o700);
  const path = join(home, 'baton.sock');
  writeFileSync(path, 'my notes\n');
  const r = await startServe([], home);
  assert.ok('exited' in r, 'baton serve started');
  assert.equal(r.exited, 1);
  assert.match(r.output, /baton\.sock is a regular file, not a socket, so Baton cannot listen there and left it untouched/);
  assert.equal(readFileSync(path, 'utf8'), 'my notes\n');
});

describe('the Unix socket with long lines', () => {
  let served: Served;
  before(async () => {
    served = running(await startServe(['--ws', '127.0.0.1:0']));
  });
  after(() => served.stop());

  /** Sends `text` in 64 KiB writes; resolves with the first line the server answers and how long it took. */
  function sendInChunks(text: string): Promise<{ line: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(join(served.home, 'baton.sock'));
      let answer = '';
      const started = performance.now();
      // the server may close while chunks are still on their way: a write then fails (EPIPE,
      // ECONNRESET), and what counts is the answer it sent before closing
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      });
      socket.on('close', () => reject(new Error(`closed without a whole answer line: ${JSON.stringify(answer.slice(0, 200))}`)));
      socket.on('data', (d) => {
        answer += d.toString();
        const nl = answer.indexOf('\n');
        if (nl >= 0) {
          resolve({ line: answer.slice(0, nl), ms: performance.now() - started });
          socket.destroy();
        }
      });
      socket.on('connect', async () => {
        for (let i = 0; i < text.length && !socket.destroyed; i += 64 * 1024) {
          if (!socket.write(text.slice(i, i + 64 * 1024))) await new Promise((r) => socket.once('drain', r));
        }
      });
    });
  }

  test('a 17 MiB line in 64 KiB chunks is refused with an error in well under a second', async () => {
    const { line, ms } = await sendInChunks('a'.repeat(17 * 1024 * 1024));
    assert.match(line, /"code":"INVALID_INPUT".*longer than 16 MiB/);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  test('a 15 MiB request in 64 KiB chunks is answered, in time linear in its size', async () => {
    const request = JSON.stringify({ id: 1, method: 'host.list', params: {}, padding: 'p'.repeat(15 * 1024 * 1024) }) + '\n';
    const { line, ms } = await sendInChunks(request);
    assert.deepEqual(JSON.parse(line), { id: 1, result: [] });
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});
