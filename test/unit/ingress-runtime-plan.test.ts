import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPoolChanges } from '../../electron/control-plane/ingress/runtime-plan.ts';
import type { HostIngressModel, PoolServer, Route } from '../../electron/control-plane/ingress/ingress-model.ts';

const OPTS = 'check inter 1s fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down';

const server = (name: string, extra: Partial<PoolServer> = {}): PoolServer => ({ name, address: '10.0.0.1', port: 32768, state: 'ready', ...extra });

const route = (servers: PoolServer[], extra: Partial<Route> = {}): Route => ({
  id: 'shop__web__80',
  stack: 'shop',
  service: 'web',
  targetPort: 80,
  mode: 'http',
  publish: 8080,
  discovery: true,
  servers,
  ...extra,
});

const model = (...routes: Route[]): HostIngressModel => ({ routes });

const lines = (before: HostIngressModel, after: HostIngressModel) => {
  const plan = planPoolChanges(before, after);
  assert.equal(plan.reload, false);
  return plan.commands;
};

test('the same model needs nothing', () => {
  const m = model(route([server('r_a'), server('r_b', { state: 'drain' })]));
  assert.deepEqual(planPoolChanges(m, structuredClone(m)), { reload: false, commands: [] });
});

test('an added server: add with the config options, checks on, then traffic on', () => {
  assert.deepEqual(lines(model(route([server('r_a')])), model(route([server('r_a'), server('r_b', { address: '10.0.0.2', port: 40001 })]))), [
    { kind: 'command', line: `add server be_shop__web__80/r_b 10.0.0.2:40001 ${OPTS}` },
    { kind: 'command', line: 'enable health be_shop__web__80/r_b' },
    { kind: 'command', line: 'enable server be_shop__web__80/r_b' },
  ]);
});

test('a server added while draining stays in maintenance, as the config writes it', () => {
  assert.deepEqual(lines(model(route([])), model(route([server('r_b', { state: 'drain', address: 'fd00::2' })]))), [
    { kind: 'command', line: `add server be_shop__web__80/r_b [fd00::2]:32768 ${OPTS}` },
    { kind: 'command', line: 'enable health be_shop__web__80/r_b' },
  ]);
});

test('ready to drain and back', () => {
  const ready = model(route([server('r_a')]));
  const draining = model(route([server('r_a', { state: 'drain' })]));
  assert.deepEqual(lines(ready, draining), [{ kind: 'command', line: 'set server be_shop__web__80/r_a state drain' }]);
  assert.deepEqual(lines(draining, ready), [{ kind: 'command', line: 'set server be_shop__web__80/r_a state ready' }]);
});

test('a moved server gets its new address and port', () => {
  assert.deepEqual(lines(model(route([server('r_a')])), model(route([server('r_a', { address: '10.0.0.9', port: 40000 })]))), [
    { kind: 'command', line: 'set server be_shop__web__80/r_a addr 10.0.0.9 port 40000' },
  ]);
});

test('a removed server is one remove step', () => {
  assert.deepEqual(lines(model(route([server('r_a'), server('r_b')])), model(route([server('r_a')]))), [{ kind: 'remove', backend: 'be_shop__web__80', server: 'r_b' }]);
});

test('additions come before changes and removals, route by route', () => {
  const before = model(route([server('r_a'), server('r_b')]), route([server('r_x')], { id: 'shop__api__9000', mode: 'tcp' }));
  const after = model(route([server('r_b', { state: 'drain' }), server('r_c')]), route([server('r_x', { port: 1234 })], { id: 'shop__api__9000', mode: 'tcp' }));
  assert.deepEqual(
    lines(before, after).map((s) => (s.kind === 'command' ? s.line : `remove ${s.backend}/${s.server}`)),
    [
      `add server be_shop__web__80/r_c 10.0.0.1:32768 ${OPTS}`,
      'enable health be_shop__web__80/r_c',
      'enable server be_shop__web__80/r_c',
      'set server be_shop__web__80/r_b state drain',
      'remove be_shop__web__80/r_a',
      'set server be_shop__api__9000/r_x addr 10.0.0.1 port 1234',
    ],
  );
});

test('anything beyond the pools needs a reload and no commands', () => {
  const base = model(route([server('r_a')]));
  const reloads = (after: HostIngressModel) => assert.deepEqual(planPoolChanges(base, after), { reload: true, commands: [] });
  reloads(model(route([server('r_a')]), route([], { id: 'shop__api__9000' }))); // route added
  reloads(model()); // route removed
  reloads(model(route([server('r_a')], { id: 'shop__web__81' }))); // same count, other route
  reloads(model(route([server('r_a')], { publish: 9090 })));
  reloads(model(route([server('r_a')], { publish: null })));
  reloads(model(route([server('r_a')], { mode: 'tcp' })));
  reloads(model(route([server('r_a')], { discovery: false })));
  reloads(model(route([server('r_a')], { publishAddress: '127.0.0.1' }))); // bound on the loopback alone now
});

test('a name that could inject commands is refused', () => {
  assert.throws(() => planPoolChanges(model(route([])), model(route([server('r_a; del server be_x/y')]))), /use only letters/);
  assert.throws(() => planPoolChanges(model(route([server('r_a')])), model(route([server('r_a', { address: '10.0.0.1 port 1' })]))), /not an IP address/);
});
