import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../../shared/errors.ts';
import { renderEndpointConfig, renderIngressConfig, SERVER_OPTIONS } from '../../electron/control-plane/ingress/ingress-config.ts';
import type { HostIngressModel, IngressPaths, Route } from '../../electron/control-plane/ingress/ingress-model.ts';

const HAPROXY = '/usr/sbin/haproxy';
const noHaproxy = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`;

const route = (extra: Partial<Route> = {}): Route => ({
  id: 'shop__web__80',
  stack: 'shop',
  service: 'web',
  targetPort: 80,
  mode: 'http',
  publish: 8080,
  discovery: true,
  servers: [
    { name: 'r_aaaaaaaaaaaa', address: '10.0.0.1', port: 32768, state: 'ready' },
    { name: 'r_bbbbbbbbbbbb', address: '10.0.0.2', port: 32769, state: 'drain' },
  ],
  ...extra,
});

const paths = (dir: string): IngressPaths => ({ config: join(dir, 'haproxy.cfg'), socketDir: dir });

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim());
}

/** The lines of one section (from its header to the next blank line). */
function section(text: string, header: string): string[] {
  const all = text.split('\n');
  const start = all.indexOf(header);
  assert.notEqual(start, -1, `no section ${header} in:\n${text}`);
  const end = all.indexOf('', start);
  return all.slice(start + 1, end === -1 ? undefined : end).map((l) => l.trim());
}

/** haproxy -c on the text; fails the test with HAProxy's own words, warnings included. */
function assertHaproxyAccepts(text: string, dir: string, name: string): void {
  const file = join(dir, `${name}.cfg`);
  writeFileSync(file, text);
  const result = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8' });
  const said = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `haproxy -c refused ${name}:\n${said}\n---\n${text}`);
  assert.doesNotMatch(said, /WARNING|ALERT/, `haproxy -c warned about ${name}:\n${said}`);
}

test('global and defaults: master-worker, the admin socket for the given uid, timeouts and redispatch', () => {
  const text = renderIngressConfig({ routes: [] }, { adminUid: 1001, paths: { config: '/x/haproxy.cfg', socketDir: '/run/bi' } });
  const global = section(text, 'global');
  assert.ok(global.includes('master-worker'));
  assert.ok(global.includes('stats socket /run/bi/admin.sock mode 600 level admin uid 1001 expose-fd listeners'));
  assert.ok(global.includes('hard-stop-after 30s'));
  const defaults = section(text, 'defaults');
  for (const line of ['timeout connect 1s', 'timeout client 30s', 'timeout server 30s', 'timeout http-request 10s', 'timeout check 2s', 'retries 3', 'option redispatch 1']) {
    assert.ok(defaults.includes(line), `defaults lack "${line}"`);
  }
  assert.ok(!text.includes('frontend') && !text.includes('backend'));
});

test('the default paths are the container paths, and grace sets hard-stop-after', () => {
  const text = renderIngressConfig({ routes: [route()] }, { adminUid: 0, grace: 5_500 });
  assert.ok(text.includes('stats socket /run/baton-ingress/admin.sock '));
  assert.ok(text.includes('bind unix@/run/baton-ingress/ep/shop__web__80.sock mode 666'));
  assert.ok(lines(text).includes('hard-stop-after 6s'));
});

test('an http route: frontend on the published port and the discovery socket, backend with the pool', () => {
  const text = renderIngressConfig({ routes: [route()] }, { adminUid: 0, paths: { config: '/c', socketDir: '/s' } });
  assert.deepEqual(section(text, 'frontend fe_shop__web__80'), ['mode http', 'bind :8080', 'bind unix@/s/ep/shop__web__80.sock mode 666', 'option forwardfor', 'option idle-close-on-response', 'log ring@baton_requests local0 info', 'log-format "%b %s %ST %Tr %rt"', 'default_backend be_shop__web__80']);
  const backend = section(text, 'backend be_shop__web__80');
  assert.deepEqual(backend.slice(0, 5), [
    'mode http',
    'balance roundrobin',
    'retry-on all-retryable-errors',
    'http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS',
    `default-server ${SERVER_OPTIONS}`,
  ]);
  assert.equal(SERVER_OPTIONS, 'check inter 1s fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down');
  assert.ok(backend.includes('server r_aaaaaaaaaaaa 10.0.0.1:32768'));
  // draining: in maintenance for a new worker (see the renderer for why not weight 0)
  assert.ok(backend.includes('server r_bbbbbbbbbbbb 10.0.0.2:32769 disabled'));
  assert.ok(!text.includes('http-server-close'));
});

test('a tcp route has no http options; a discovery-only route binds only its socket; neither: only the backend', () => {
  const tcp = renderIngressConfig({ routes: [route({ id: 'db__pg__5432', mode: 'tcp', publish: 5432, discovery: false })] }, { adminUid: 0 });
  assert.deepEqual(section(tcp, 'frontend fe_db__pg__5432'), ['mode tcp', 'bind :5432', 'default_backend be_db__pg__5432']);
  assert.ok(!tcp.includes('forwardfor') && !tcp.includes('retry-on') && !tcp.includes('disable-l7-retry'));
  assert.ok(section(tcp, 'backend be_db__pg__5432').includes('mode tcp'));

  const internal = renderIngressConfig({ routes: [route({ publish: null })] }, { adminUid: 0 });
  const binds = section(internal, 'frontend fe_shop__web__80').filter((l) => l.startsWith('bind'));
  assert.deepEqual(binds, ['bind unix@/run/baton-ingress/ep/shop__web__80.sock mode 666']);

  const neither = renderIngressConfig({ routes: [route({ publish: null, discovery: false })] }, { adminUid: 0 });
  assert.ok(!neither.includes('frontend'));
  assert.ok(neither.includes('backend be_shop__web__80'));
});

test('IPv6 server addresses are bracketed', () => {
  const text = renderIngressConfig({ routes: [route({ servers: [{ name: 'r_1', address: 'fd00::1', port: 40000, state: 'ready' }] })] }, { adminUid: 0 });
  assert.ok(lines(text).includes('server r_1 [fd00::1]:40000'));
});

test('anything that could write config lines of its own is refused with a hint', () => {
  const refuses = (model: HostIngressModel, pattern: RegExp, opts: { paths?: IngressPaths } = {}) =>
    assert.throws(() => renderIngressConfig(model, { adminUid: 0, ...opts }), (err: unknown) => err instanceof BatonError && err.code === 'INVALID_INPUT' && pattern.test(err.message));
  refuses({ routes: [route({ id: 'web\n  bind :22' })] }, /route id .*use only letters/s);
  refuses({ routes: [route({ id: 'a b' })] }, /route id/);
  refuses({ routes: [route({ servers: [{ name: 'r_1 backup', address: '10.0.0.1', port: 1, state: 'ready' }] })] }, /server name/);
  refuses({ routes: [route({ servers: [{ name: 'r_1', address: '10.0.0.1 check', port: 1, state: 'ready' }] })] }, /not an IP address/);
  refuses({ routes: [route({ servers: [{ name: 'r_1', address: 'db.example', port: 1, state: 'ready' }] })] }, /not an IP address/);
  refuses({ routes: [route({ servers: [{ name: 'r_1', address: '10.0.0.1', port: 70000, state: 'ready' }] })] }, /1 to 65535/);
  refuses({ routes: [route({ publish: 0 })] }, /published port/);
  refuses({ routes: [route(), route()] }, /appears twice/);
  refuses({ routes: [route({ mode: 'udp' as 'tcp' })] }, /use http or tcp/);
  refuses({ routes: [route()] }, /plain absolute path/, { paths: { config: '/c', socketDir: '/run/a b' } });
  refuses({ routes: [route()] }, /longer than a Unix socket path/, { paths: { config: '/c', socketDir: `/${'d'.repeat(100)}` } });
  assert.throws(() => renderEndpointConfig([{ port: 80, socket: '/s/a.sock\nlisten x' }]), /plain absolute path/);
  assert.throws(() => renderEndpointConfig([{ port: 80, socket: '/s/a.sock' }, { port: 80, socket: '/s/b.sock' }]), /appears twice/);
});

test('the endpoint config listens on each container port and forwards to the ingress socket', () => {
  const text = renderEndpointConfig([
    { port: 8080, socket: '/run/baton-ingress/ep/shop__web__8080.sock' },
    { port: 80, socket: '/run/baton-ingress/ep/shop__web__80.sock' },
  ]);
  assert.deepEqual(section(text, 'listen ep_80'), ['bind :80', 'server ingress unix@/run/baton-ingress/ep/shop__web__80.sock']);
  assert.deepEqual(section(text, 'listen ep_8080'), ['bind :8080', 'server ingress unix@/run/baton-ingress/ep/shop__web__8080.sock']);
  assert.ok(section(text, 'defaults').includes('mode tcp'));
  assert.ok(!text.includes('master-worker'));
  assert.ok(text.indexOf('listen ep_80\n') < text.indexOf('listen ep_8080\n'));
});

test('a mesh route refuses every source but the cluster hosts', () => {
  const text = renderIngressConfig({ routes: [route({ id: 'shop.db.5432-mesh', mode: 'tcp', publish: 31234, discovery: false, allowFrom: ['10.0.0.1', '10.0.0.2'] })] }, { adminUid: 0 });
  assert.ok(section(text, 'frontend fe_shop.db.5432-mesh').includes('tcp-request connection reject unless { src 10.0.0.1 10.0.0.2 }'));
  assert.throws(() => renderIngressConfig({ routes: [route({ allowFrom: ['10.0.0.1 } or { always_true'] })] }, { adminUid: 0 }), BatonError);
});

test('a port published on the loopback binds there alone; only a loopback address is written', () => {
  const v4 = renderIngressConfig({ routes: [route({ publish: 5432, publishAddress: '127.0.0.1' })] }, { adminUid: 0 });
  assert.ok(section(v4, 'frontend fe_shop__web__80').includes('bind 127.0.0.1:5432'));
  const v6 = renderIngressConfig({ routes: [route({ publish: 5432, publishAddress: '::1' })] }, { adminUid: 0 });
  assert.ok(section(v6, 'frontend fe_shop__web__80').includes('bind ipv6@::1:5432'));
  // a model read back from a host is data: an address that is not a loopback is refused, not written
  assert.throws(() => renderIngressConfig({ routes: [route({ publish: 5432, publishAddress: '0.0.0.0 ssl crt /x' as '::1' })] }, { adminUid: 0 }), /only a host's loopback/);
});

test('every variant passes haproxy -c without warnings', { skip: noHaproxy }, () => {
  const dir = mkdtempSync('/tmp/bi-cfg-');
  try {
    const opts = { adminUid: process.getuid!(), paths: paths(dir) };
    const variants: Record<string, string> = {
      empty: renderIngressConfig({ routes: [] }, opts),
      http: renderIngressConfig({ routes: [route({ publish: 18080 })] }, opts),
      tcp: renderIngressConfig({ routes: [route({ id: 'db__pg__5432', mode: 'tcp', publish: 15432, discovery: false })] }, opts),
      loopback: renderIngressConfig({ routes: [route({ publish: 18084, publishAddress: '127.0.0.1' }), route({ id: 'shop.api.80', publish: 18085, publishAddress: '::1' })] }, opts),
      discoveryOnly: renderIngressConfig({ routes: [route({ publish: null })] }, opts),
      backendOnly: renderIngressConfig({ routes: [route({ publish: null, discovery: false, servers: [] })] }, opts),
      ipv6: renderIngressConfig({ routes: [route({ servers: [{ name: 'r_6', address: '::1', port: 9, state: 'ready' }] })] }, opts),
      mesh: renderIngressConfig({ routes: [route({ id: 'shop.db.5432-mesh', mode: 'tcp', publish: 15433, discovery: false, allowFrom: ['10.0.0.1', '10.0.0.2'] })] }, opts),
      all: renderIngressConfig({ routes: [route({ id: 'shop.web.80', publish: 18081 }), route({ id: 'shop.db.5432', mode: 'tcp', publish: null })] }, opts),
      endpoint: renderEndpointConfig([
        { port: 18082, socket: join(dir, 'ep', 'shop__web__80.sock') },
        { port: 18083, socket: join(dir, 'ep', 'db__pg__5432.sock') },
      ]),
    };
    for (const [name, text] of Object.entries(variants)) assertHaproxyAccepts(text, dir, name);
    // the check is real: HAProxy does refuse a broken line
    const broken = variants.http!.replace('balance roundrobin', 'balance nosuch');
    const file = join(dir, 'broken.cfg');
    writeFileSync(file, broken);
    assert.notEqual(spawnSync(HAPROXY, ['-c', '-f', file]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
