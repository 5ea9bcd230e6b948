// A stack that reaches into its hosts says so: sensitive bind mounts need `x-baton.host_access`,
// and the plan lists every bind mount and port with where it can be reached from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpecProblem } from '../../shared/stack.ts';
import { describePlanBind, describePlanPort } from '../../shared/plan-text.ts';
import { planReach } from '../../electron/control-plane/stacks/plan-reach.ts';
import { bindHostAccess, keyHostAccess } from '../../electron/control-plane/stacks/spec/host-access.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

function parse(text: string, file = '/srv/shop/stack.yaml') {
  return parseStackFile({ text, file, env: {} });
}

function places(problems: SpecProblem[]): string[] {
  return problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.path}`);
}

test('host paths that reach into the host, and paths that do not', () => {
  const sensitive = [
    '/',
    '/etc',
    '/etc/',
    '/etc/ssh/sshd_config',
    '/proc',
    '/proc/1/root',
    '/sys/fs/cgroup',
    '/dev',
    '/dev/sda',
    '/boot',
    '/root',
    '/root/.ssh',
    '/home',
    '/home/ann/.aws',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/run/containerd/containerd.sock',
    '/run/user/1000/docker.sock',
    '/srv/custom/docker.sock',
    '/var/lib/docker',
    '/var/lib/docker/volumes/x/_data',
    '/var/lib/containerd',
    '/run',
    '/var/run',
    '/var', // holds /var/lib/docker and /var/run
    '/var/lib',
    '/srv/../etc', // normalized before it is compared
  ];
  for (const path of sensitive) assert.notEqual(bindHostAccess(path), null, `${path} reaches into the host`);
  for (const path of ['/srv/data', '/data', '/opt/app/config', '/run/myapp', '/var/log/app', '/var/lib/app', '/mnt/backups', '/etcetera', '/homes']) {
    assert.equal(bindHostAccess(path), null, `${path} is the service's own`);
  }
  assert.match(bindHostAccess('/var/run/docker.sock')!, /engine's API socket: whoever holds it controls every container of the host/);
  assert.match(bindHostAccess('/var')!, /holds \/var\/lib\/docker/);
});

test('a sensitive bind mount without consent is an error at its line that says what to write', () => {
  const text = [
    'services:', //                                       1
    '  web:', //                                          2
    '    image: x', //                                    3
    '    volumes:', //                                    4
    '      - /var/run/docker.sock:/var/run/docker.sock', // 5
    '      - /srv/data:/data:ro', //                      6
    '      - type: bind', //                              7
    '        source: /etc', //                            8
    '        target: /host-etc', //                       9
    '        read_only: true', //                         10
    '      - ./:/app', //                                 11: the stack file's folder, /root/app
    '',
  ].join('\n');
  const result = parse(text, '/root/app/stack.yaml');
  assert.equal(result.stack, null);
  assert.deepEqual(places(result.problems), [
    '5:9 error services.web.volumes.0',
    '8:17 error services.web.volumes.2.source',
    '11:9 error services.web.volumes.3',
  ]);
  assert.match(result.problems[0]!.message, /the bind mount of \/var\/run\/docker\.sock reaches into the host: .*say so with `x-baton: \{ host_access: true \}` on the service/);
  assert.match(result.problems[1]!.message, /the bind mount of \/etc reaches into the host: the host's configuration/);
  assert.match(result.problems[2]!.message, /the bind mount of \/root\/app reaches into the host: root's home/);
});

test('with x-baton host_access the service is accepted, and the plan lists its mounts marked as host access', () => {
  const result = parse(`services:
  agent:
    image: x
    x-baton:
      host_access: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /srv/agent:/data:ro
`);
  assert.deepEqual(result.problems, []);
  const reach = planReach(result.stack!.services[0]!);
  assert.deepEqual(reach.binds, [
    { source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false, hostAccess: bindHostAccess('/var/run/docker.sock') },
    { source: '/srv/agent', target: '/data', readOnly: true, hostAccess: null },
  ]);
  assert.deepEqual(reach.hostAccess.map((h) => [h.kind, h.what]), [['bind', '/var/run/docker.sock → /var/run/docker.sock (rw)']]);
  assert.equal(describePlanBind(reach.binds[1]!), '/srv/agent → /data (ro)');
});

test('consent with nothing to consent to is a warning; a consent that is not a boolean is an error', () => {
  const quiet = parse('services:\n  web:\n    image: x\n    x-baton: { host_access: true }\n');
  assert.ok(quiet.stack);
  assert.deepEqual(places(quiet.problems), ['4:16 warning services.web.x-baton.host_access']);
  assert.match(quiet.problems[0]!.message, /nothing in this service reaches into the host: remove it/);
  const wrong = parse('services:\n  web:\n    image: x\n    x-baton: { host_access: yes please }\n    volumes: ["/etc:/etc"]\n');
  assert.equal(wrong.stack, null);
  assert.ok(wrong.problems.some((p) => p.path === 'services.web.x-baton.host_access' && /must be true or false/.test(p.message)));
  assert.ok(wrong.problems.some((p) => p.path === 'services.web.volumes.0' && /reaches into the host/.test(p.message)));
});

test('host-reaching keys say why; those Baton does not support yet are still refused as such', () => {
  assert.match(keyHostAccess('privileged', true)!, /every device/);
  assert.equal(keyHostAccess('privileged', false), null);
  assert.match(keyHostAccess('pid', 'host')!, /host's processes/);
  assert.match(keyHostAccess('network_mode', 'host')!, /host's network/);
  assert.match(keyHostAccess('cap_add', ['NET_BIND_SERVICE', 'CAP_SYS_ADMIN'])!, /SYS_ADMIN/);
  assert.equal(keyHostAccess('cap_add', ['NET_BIND_SERVICE', 'CHOWN']), null);
  assert.match(keyHostAccess('devices', ['/dev/fuse'])!, /devices/);
  assert.match(keyHostAccess('security_opt', ['seccomp=unconfined'])!, /confinement turned off/);
  assert.equal(keyHostAccess('image', 'x'), null);
  const refused = parse('services:\n  web:\n    image: x\n    userns_mode: host\n    x-baton: { host_access: true }\n');
  assert.equal(refused.stack, null);
  assert.match(refused.problems.find((p) => p.path === 'services.web.userns_mode')!.message, /not supported yet/);
  // a supported one is taken with consent, and listed in the plan
  const taken = parse('services:\n  web:\n    image: x\n    privileged: true\n    x-baton: { host_access: true }\n');
  assert.ok(taken.stack, JSON.stringify(taken.problems));
  assert.deepEqual(planReach(taken.stack.services[0]!).hostAccess.map((h) => h.what), ['`privileged: true`']);
});

test('expose is reachable on Baton\'s network only; a port without a published one gets a random host port', () => {
  const result = parse(`services:
  web:
    image: x
    ports:
      - "8080:80"
      - "81"
      - target: 9100
        published: 9100
        mode: host
    expose: ["3000", "81"]
`);
  assert.deepEqual(result.problems, []);
  const spec = result.stack!.services[0]!;
  assert.deepEqual(spec.ports, [
    { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
    { target: 81, published: null, protocol: 'tcp', mode: 'ingress' },
    { target: 9100, published: 9100, protocol: 'tcp', mode: 'host' },
    { target: 3000, published: null, protocol: 'tcp', mode: 'ingress', exposeOnly: true },
    // 81 is in ports: too, which publishes it: it is listed once, as published
  ]);
  const ports = planReach(spec).ports;
  assert.deepEqual(ports.map((p) => p.reach), ['ingress', 'random', 'host', 'internal']);
  assert.deepEqual(ports.map(describePlanPort), [
    '8080 on every host (ingress) → 80/tcp',
    "a random port on the replica's host → 81/tcp",
    "9100 on the replica's host → 9100/tcp",
    "3000/tcp on Baton's network only",
  ]);
});
