import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpecProblem } from '../../shared/stack.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { SCHEMA_DRAFT, SCHEMA_SERVICE_KEYS, SCHEMA_TOP_LEVEL_KEYS } from '../../electron/control-plane/stacks/spec/compose-schema.ts';
import { SERVICE_KEY_RULES, verdictFor } from '../../electron/control-plane/stacks/spec/service-keys.ts';

function parse(text: string) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {} });
}

function at(problems: SpecProblem[], path: string): SpecProblem {
  const found = problems.find((p) => p.path === path);
  assert.ok(found, `a problem at ${path}; got ${problems.map((p) => p.path).join(', ')}`);
  return found;
}

test('the vendored schema is the official draft-07 Compose schema', () => {
  assert.equal(SCHEMA_DRAFT, 'https://json-schema.org/draft-07/schema');
  assert.ok(SCHEMA_SERVICE_KEYS.includes('healthcheck') && SCHEMA_SERVICE_KEYS.length > 80);
  assert.deepEqual([...SCHEMA_TOP_LEVEL_KEYS].sort(), ['configs', 'include', 'models', 'name', 'networks', 'secrets', 'services', 'version', 'volumes']);
});

test('every service key of the Compose schema is decided: supported, or refused / ignored with a reason', () => {
  const decided = Object.keys(SERVICE_KEY_RULES).sort();
  assert.deepEqual(decided, [...SCHEMA_SERVICE_KEYS].sort());
  for (const [key, rule] of Object.entries(SERVICE_KEY_RULES)) {
    if (rule === 'supported' || typeof rule === 'function') continue;
    assert.ok(rule.message.startsWith(`\`${key}`), `the message for ${key} names it: ${rule.message}`);
    assert.ok(rule.message.length > key.length + 30, `the message for ${key} says why and what to do`);
  }
  assert.equal(verdictFor('network_mode', 'bridge')?.severity, 'warning');
  assert.equal(verdictFor('ipc', 'private'), null);
  assert.equal(verdictFor('pid', null), null);
});

test('each unsupported feature is named at its key, with the reason', () => {
  const text = [
    'version: "3.8"', //                                   1
    'include: [other.yaml]', //                            2
    'services:', //                                        3
    '  web:', //                                           4
    '    image: nginx', //                                 5
    '    build: { context: ./web, ssh: [default] }', //    6
    '    container_name: web', //                          7
    '    links: [db]', //                                  8
    '    depends_on: [dbx]', //                            9
    '    labels: { a: b }', //                             10
    '    scale: 3', //                                     11
    '    ports: ["10.0.0.5:8080:80"]', //                  12
    '  sidecar:', //                                       13
    '    image: envoy', //                                 14
    '    network_mode: service:web', //                    15
    '    pid: service:web', //                             16
    '    ipc: container:abc', //                           17
    '    volumes_from: [web]', //                          18
    '    extends: { service: nope }', //                   19
    '  hostnet:', //                                       20
    '    image: agent', //                                 21
    '    network_mode: host', //                           22
    '    devices: ["/dev/fuse"]', //                       23
    '    deploy:', //                                      24
    '      mode: global', //                               25
    '      endpoint_mode: dnsrr', //                       26
    'secrets:', //                                         27
    '  token:', //                                         28
    '    environment: TOKEN', //                           29
    'volumes:', //                                         30
    '  shared:', //                                        31
    '    driver: nfs', //                                  32
    'networks:', //                                        33
    '  lan:', //                                           34
    '    driver: macvlan', //                              35
    '',
  ].join('\n');
  const { stack, problems } = parse(text);
  assert.equal(stack, null);
  const expect = (path: string, severity: 'error' | 'warning', line: number, text: RegExp) => {
    const p = at(problems, path);
    assert.equal(p.severity, severity, path);
    assert.equal(p.line, line, path);
    assert.match(p.message, text, path);
  };
  expect('version', 'warning', 1, /`version` is obsolete and ignored/);
  expect('include.0', 'error', 2, /the included file .*other\.yaml was not sent with the stack/);
  expect('services.web.build.ssh', 'error', 6, /`build.ssh` is not supported: Baton builds without an SSH agent/);
  expect('services.web.container_name', 'warning', 7, /`container_name` is ignored: a fixed name can't be given to several replicas/);
  expect('services.web.links', 'error', 8, /services reach each other by name/);
  expect('services.web.depends_on.0', 'error', 9, /depends on `dbx`, which is not a service of this stack/);
  expect('services.web.scale', 'error', 11, /use `deploy.replicas`/);
  expect('services.web.ports.0', 'error', 12, /binds the port to 10\.0\.0\.5, an address of one machine, which is not supported.*loopback \(127\.0\.0\.1\)/);
  expect('services.sidecar.network_mode', 'error', 15, /`network_mode: service:web` shares a namespace with another container/);
  expect('services.sidecar.pid', 'error', 16, /`pid: service:web` shares a namespace/);
  expect('services.sidecar.ipc', 'error', 17, /`ipc: container:abc` shares a namespace/);
  expect('services.sidecar.volumes_from', 'warning', 18, /`volumes_from` is ignored/);
  expect('services.sidecar.extends.service', 'error', 19, /extends service `nope`, which is not defined/);
  expect('services.hostnet.network_mode', 'warning', 22, /`network_mode: host` is ignored: replicas join Baton's network/);
  expect('services.hostnet.devices', 'error', 23, /`devices` reaches into the host: the host's devices/);
  expect('services.hostnet.deploy.mode', 'error', 25, /`mode: global` is not supported yet/);
  expect('services.hostnet.deploy.endpoint_mode', 'error', 26, /`endpoint_mode: dnsrr` is not supported/);
  expect('secrets.token.environment', 'error', 29, /comes from the variable \w+, which is not set in the environment of the client that applied the stack/);
  expect('networks.lan.driver', 'error', 35, /network driver "macvlan" is not supported/);
  assert.equal(problems.length, 19, problems.map((p) => p.message).join('\n'));
});

test('container options Baton does not set yet are refused, not dropped; harmless ones only warn', () => {
  const { stack, problems } = parse(['services:', '  app:', '    image: x', '    cpu_shares: 512', '    pids_limit: 100', '    tty: true', ''].join('\n'));
  assert.equal(stack, null);
  assert.deepEqual(
    problems.map((p) => [p.path, p.severity]),
    [
      ['services.app.cpu_shares', 'error'],
      ['services.app.pids_limit', 'error'],
      ['services.app.tty', 'warning'],
    ],
  );
  assert.match(problems[0]!.message, /`cpu_shares` is not supported yet: Baton does not set it on replicas, so they would run without it; use `deploy.resources.reservations.cpus` instead/);
});

test('warnings alone still give a stack', () => {
  const { stack, problems } = parse('version: "3"\nservices:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres\n  debug:\n    image: busybox\n    profiles: [debug]\n');
  assert.ok(stack);
  assert.deepEqual(
    problems.map((p) => [p.severity, p.path]),
    [['warning', 'version'], ['warning', 'services.debug.profiles']],
  );
  assert.deepEqual(stack.services.map((s) => s.name), ['web', 'db']);
});

test('unsupported volume, port and healthcheck details', () => {
  const text = [
    'services:', //                                   1
    '  app:', //                                      2
    '    image: x', //                                3
    '    volumes:', //                                4
    '      - data:/data:z', //                        5
    '      - ~/cache:/cache', //                      6
    '      - type: bind', //                          7
    '        source: relative/dir', //                8
    '        target: /dir', //                        9
    '      - type: npipe', //                         10
    '        source: x', //                           11
    '        target: /p', //                          12
    '    ports:', //                                  13
    '      - target: 80', //                          14
    '        host_ip: 10.0.0.1', //                   15
    '      - "8000-8002:80"', //                      16
    '      - "53/sctp"', //                           17
    '    healthcheck:', //                            18
    '      test: ["curl", "-f", "localhost"]', //     19
    '      start_interval: 1s', //                    20
    'volumes:', //                                    21
    '  data: {}', //                                  22
    '',
  ].join('\n');
  const { problems } = parse(text);
  assert.deepEqual(
    problems.map((p) => `${p.line} ${p.severity} ${p.path}`),
    [
      '5 error services.app.volumes.0',
      '6 error services.app.volumes.1',
      '8 error services.app.volumes.2.source',
      '10 error services.app.volumes.3.type',
      '15 error services.app.ports.0.host_ip',
      '16 error services.app.ports.1',
      '17 error services.app.ports.2',
      '19 error services.app.healthcheck.test',
      '20 warning services.app.healthcheck.start_interval',
    ],
  );
  assert.match(problems[0]!.message, /volume option "z" in "data:\/data:z" is not supported yet/);
  assert.match(problems[1]!.message, /"~" would be a home folder on the machine running baton/);
  assert.match(problems[2]!.message, /must be an absolute path or start with \.\//);
  assert.match(problems[5]!.message, /publishes a range for one container port/);
  assert.match(problems[6]!.message, /protocol "sctp" is not supported: use tcp or udp/);
  assert.match(problems[7]!.message, /a test list starts with "CMD", "CMD-SHELL" or "NONE" \(got "curl"\)/);
});
