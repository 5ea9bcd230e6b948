// Which Host and Origin headers the WebSocket server answers (DNS rebinding, cross-site sockets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAllowedHosts, checkAllowedOrigins, hostGuard, isLoopbackHost } from '../../electron/server/host-guard.ts';

test('127.0.0.1: its own address and localhost at the bound port, nothing else', () => {
  const g = hostGuard({ host: '127.0.0.1', port: 7420, tls: false });
  for (const ok of ['127.0.0.1:7420', 'localhost:7420', 'LOCALHOST:7420']) assert.ok(g.hostAllowed(ok), ok);
  for (const no of [undefined, '', 'evil.example:7420', 'evil.example', '127.0.0.1', '127.0.0.1:7421', 'localhost', '127.0.0.2:7420', 'user@127.0.0.1:7420', '127.0.0.1:7420/x', '[::1]:7420', '127.0.0.1:99999']) {
    assert.ok(!g.hostAllowed(no), String(no));
  }
});

test('::1: the bracketed form (canonical or not) and localhost', () => {
  const g = hostGuard({ host: '::1', port: 7420, tls: false });
  assert.ok(g.hostAllowed('[::1]:7420'));
  assert.ok(g.hostAllowed('[0:0:0:0:0:0:0:1]:7420'));
  assert.ok(g.hostAllowed('localhost:7420'));
  assert.ok(!g.hostAllowed('::1:7420'));
  assert.ok(!g.hostAllowed('127.0.0.1:7420'));
});

test('every address (0.0.0.0): any IP literal at the port, names only when allowed', () => {
  const g = hostGuard({ host: '0.0.0.0', port: 7420, tls: true, allowHosts: ['baton.example.com'] });
  for (const ok of ['10.1.2.3:7420', '127.0.0.1:7420', '[fe80::1]:7420', 'localhost:7420', 'baton.example.com:7420']) assert.ok(g.hostAllowed(ok), ok);
  for (const no of ['10.1.2.3:7421', 'rebind.evil.example:7420', '10.1.2.3']) assert.ok(!g.hostAllowed(no), no);
});

test('the default port may be left out of Host; --allow-host NAME:PORT adds a tunnel on another port', () => {
  const g = hostGuard({ host: 'baton.example.com', port: 443, tls: true, allowHosts: ['127.0.0.1:9000'] });
  assert.ok(g.hostAllowed('baton.example.com'));
  assert.ok(g.hostAllowed('baton.example.com:443'));
  assert.ok(g.hostAllowed('127.0.0.1:9000'));
  assert.ok(!g.hostAllowed('127.0.0.1:443'));
});

test('Origin: none, the UI itself (and its localhost alias), file:// and the allowed ones; never null or another site', () => {
  const g = hostGuard({ host: '127.0.0.1', port: 7420, tls: false, allowOrigins: ['http://127.0.0.1:5173'] });
  for (const ok of [undefined, 'http://127.0.0.1:7420', 'http://localhost:7420', 'file://', 'http://127.0.0.1:5173']) assert.ok(g.originAllowed(ok), String(ok));
  for (const no of ['null', 'https://evil.example', 'http://127.0.0.1:7421', 'https://127.0.0.1:7420', 'http://127.0.0.1', 'http://evil.example:7420', 'http://127.0.0.1:7420/path', 'ws://127.0.0.1:7420', 'chrome-extension://abc', '', 'http://127.0.0.1:5174']) {
    assert.ok(!g.originAllowed(no), no);
  }
  const secure = hostGuard({ host: '127.0.0.1', port: 7420, tls: true });
  assert.ok(secure.originAllowed('https://127.0.0.1:7420'));
  assert.ok(!secure.originAllowed('http://127.0.0.1:7420'));
});

test('loopback is 127/8, ::1 (also IPv4-mapped) and localhost', () => {
  for (const ok of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(ok), ok);
  for (const no of ['0.0.0.0', '::', '10.0.0.1', 'baton.example.com', '128.0.0.1', '::ffff:10.0.0.1']) assert.ok(!isLoopbackHost(no), no);
});

test('--allow-host and --allow-origin values are checked, with the flag named', () => {
  assert.equal(checkAllowedHosts(['baton.example.com', '127.0.0.1:9000', '[::1]:9000']), null);
  assert.match(checkAllowedHosts(['http://x']) ?? '', /--allow-host http:\/\/x: write a name/);
  assert.equal(checkAllowedOrigins(['http://127.0.0.1:5173', 'https://baton.example.com']), null);
  assert.match(checkAllowedOrigins(['null']) ?? '', /--allow-origin null/);
  assert.match(checkAllowedOrigins(['http://x/path']) ?? '', /no path/);
});
